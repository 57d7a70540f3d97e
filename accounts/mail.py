"""Password reset mails, sent after the response.

Sending takes an SMTP round trip only when the address belongs to an
account, so a page that waited for it would tell by its timing whether an
address is registered. The request looks the account up and makes the
token; a thread renders and sends the mail. A failed send is one log line,
not a traceback per request.
"""

import logging
import threading

from django.core.mail import EmailMultiAlternatives
from django.template import loader

logger = logging.getLogger(__name__)


def _render_and_send(
    subject_template_name,
    email_template_name,
    context,
    from_email,
    to_email,
    html_email_template_name=None,
) -> None:
    # A subject must not contain newlines.
    subject = "".join(
        loader.render_to_string(subject_template_name, context).splitlines()
    )
    body = loader.render_to_string(email_template_name, context)
    message = EmailMultiAlternatives(subject, body, from_email, [to_email])
    if html_email_template_name is not None:
        html = loader.render_to_string(html_email_template_name, context)
        message.attach_alternative(html, "text/html")
    message.send()


def _deliver(queued: list[tuple[tuple, dict]]) -> None:
    for args, kwargs in queued:
        try:
            _render_and_send(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any failure is one log line
            user = args[2].get("user")
            logger.error(
                "Password reset mail for user %s not sent: %s: %s",
                getattr(user, "pk", None),
                type(error).__name__,
                error,
            )


def deliver_later(queued: list[tuple[tuple, dict]]) -> threading.Thread | None:
    """Send the queued mails on a thread of their own; returns the thread."""
    if not queued:
        return None
    thread = threading.Thread(
        target=_deliver, args=(queued,), name="password-reset-mail", daemon=True
    )
    thread.start()
    return thread
