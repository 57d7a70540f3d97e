import hashlib
from functools import wraps

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, where a wrong old password counts as a failed
    login of that user from that address (django-axes): a stolen session
    cannot guess its way to the password, and a locked-out client gets the
    login's lockout page before any password is hashed."""

    def post(self, request, *args, **kwargs):
        credentials = {"username": request.user.get_username()}
        if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(
            request, credentials
        ):
            return get_lockout_response(request, credentials=credentials)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        wrong_old_password = any(
            error.code == "password_incorrect"
            for error in form.errors.as_data().get("old_password", [])
        )
        if wrong_old_password:
            # Axes counts it; at the limit its middleware answers with the
            # lockout page instead of this form.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.request.user.get_username()},
                request=self.request,
            )
        return super().form_invalid(form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """See whether you have an API token; create, replace or revoke it.

    The key is shown once, in the answer to creating it: later pages only
    say that a token exists.
    """
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            with transaction.atomic():
                Token.objects.filter(user=request.user).delete()
                new_key = Token.objects.create(user=request.user).key
        elif action == "revoke":
            Token.objects.filter(user=request.user).delete()
            messages.success(request, "Your API token is revoked.")
            return redirect("api-token")
        else:
            return render(request, "accounts/api_token.html", status=400)
    token = Token.objects.filter(user=request.user).first()
    return render(
        request, "accounts/api_token.html", {"token": token, "new_key": new_key}
    )
