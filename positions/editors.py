"""Who saved a version, as each reader may see it.

Usernames of staff are half of a login: anonymous readers of public history
(the position page, the API's ``/positions/{id}/history/``) see what kind of
account saved a version instead; logged-in readers see the username.
"""


def account_kind(user) -> str:
    # Only what the user row says: history queries already join it, so this
    # costs no query (group names would cost one per editor).
    if user.is_superuser:
        return "administrator"
    if user.is_staff:
        return "staff"
    return "editor"


def editor_label(history_user, viewer) -> str | None:
    """The username for a logged-in ``viewer``, the kind of account for an
    anonymous one, None when nobody is recorded (a command, a migration)."""
    if history_user is None:
        return None
    if viewer is not None and viewer.is_authenticated:
        return history_user.get_username()
    return account_kind(history_user)
