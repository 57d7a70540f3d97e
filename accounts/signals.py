"""A password change ends the user's API access as it ends their other
sessions: their API tokens are deleted, whichever way the password changed
(the password change page, reset, the admin, ``changepassword``, code), and
when the password is switched off (made unusable)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="accounts_note_password_disabled")
def note_password_disabled(sender, instance, update_fields=None, **kwargs):
    instance._password_disabled = False
    if instance.pk is None or instance.has_usable_password():
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    instance._password_disabled = stored is not None and stored != instance.password


@receiver(post_save, sender=User, dispatch_uid="accounts_revoke_tokens")
def revoke_tokens_on_password_change(sender, instance, created, **kwargs):
    # ``set_password`` keeps the new raw password in ``_password`` until the
    # save is done; a hash upgrade at login clears it first, because Django
    # does not count that as a change (nor do we).
    if created:
        return
    changed = getattr(instance, "_password", None) is not None
    if changed or getattr(instance, "_password_disabled", False):
        Token.objects.filter(user=instance).delete()
