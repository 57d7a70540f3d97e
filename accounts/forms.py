from django.contrib.auth.forms import PasswordResetForm


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but its mails are queued for ``accounts.mail``
    instead of sent while the visitor waits."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queued: list[tuple[tuple, dict]] = []

    def send_mail(self, *args, **kwargs):
        self.queued.append((args, kwargs))
