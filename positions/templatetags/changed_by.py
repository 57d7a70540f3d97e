"""Who saved a version, as each reader may see it.

Usernames of staff are half of a login; anonymous readers of public history
tables see what kind of account saved it instead, logged-in users the
username.
"""

from django import template

register = template.Library()


def role_of(user) -> str:
    # Only what the user row says: the history query already joined it, so
    # this costs no query (group names would cost one per editor).
    if user.is_superuser:
        return "administrator"
    if user.is_staff:
        return "staff"
    return "editor"


@register.simple_tag(takes_context=True)
def changed_by(context, history_user) -> str:
    """The username for logged-in readers, the kind of account for anonymous
    ones, "—" when nobody is recorded (a command or a data migration)."""
    if history_user is None:
        return "—"
    request = context.get("request")
    if request is not None and request.user.is_authenticated:
        return history_user.get_username()
    return role_of(history_user)
