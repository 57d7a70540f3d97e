import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from accounts.forms import QueuedPasswordResetForm
from accounts.mail import deliver_later
from accounts.rates import within_rate
from config.lib.lockout import client_address


def email_configured() -> bool:
    """Password reset exists only where the app can send mail (EMAIL_URL)."""
    return settings.PASSWORD_RESET_ENABLED


def requires_email(view):
    """Without outgoing mail the reset pages are not there at all (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not email_configured():
            raise Http404("Password reset is not available here.")
        return view(request, *args, **kwargs)

    return wrapper


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, throttled per address and per e-mail address, with
    one answer whether or not the address has an account, in the same time."""

    form_class = QueuedPasswordResetForm

    def post(self, request, *args, **kwargs):
        key = f"password-reset:address:{client_address(request)}"
        if not within_rate(key, settings.PASSWORD_RESET_RATE):
            return TemplateResponse(
                request, "registration/password_reset_throttled.html", status=429
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        digest = hashlib.sha256(email.encode()).hexdigest()
        # Past the limit for one mailbox nothing is sent, and the visitor
        # sees exactly what everyone sees: no mail bombing, no oracle.
        if not within_rate(
            f"password-reset:email:{digest}", settings.PASSWORD_RESET_RATE
        ):
            return redirect(self.get_success_url())
        response = super().form_valid(form)
        deliver_later(form.queued)
        return response


password_reset = requires_email(PasswordResetView.as_view())
password_reset_done = requires_email(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = requires_email(auth_views.PasswordResetConfirmView.as_view())
password_reset_complete = requires_email(auth_views.PasswordResetCompleteView.as_view())
