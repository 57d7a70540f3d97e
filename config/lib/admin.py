"""Admin plumbing shared by both apps.

django-simple-history's history pages (``<object>/history/<version>/``) show
an old version in a form whose "Revert" button saves it. The library checks
only *view* permission before saving, so a user who may only look at actors
could overwrite one, or bring back one that a curator deleted, by posting
that form. Every history-tracked admin therefore uses ``HistoryRevertAdmin``:
looking at an old version stays open to viewers, saving it is a change (or,
for an object that is gone, re-creating it) and needs those permissions.
"""

from django.conf import settings
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryRevertPermissionMixin:
    """Reverting from a history page needs the permissions of the write it is.

    - The object still exists: reverting changes it, so change permission.
    - The object was deleted: reverting re-creates it, which undoes someone's
      deletion, so add *and* delete permission (as restoring a deleted
      position does).
    - ``SIMPLE_HISTORY_REVERT_DISABLED``: nobody reverts.

    A GET of the page keeps working for anyone who may view the history.
    """

    def may_revert(self, request, object_id) -> bool:
        if getattr(settings, "SIMPLE_HISTORY_REVERT_DISABLED", False):
            return False
        current = (
            self.model._default_manager.filter(pk=unquote(str(object_id))).first()
            if object_id is not None
            else None
        )
        if current is not None:
            return self.has_change_permission(
                request, current
            ) and self.has_change_history_permission(request, current)
        return self.has_add_permission(request) and self.has_delete_permission(request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD") and not self.may_revert(
            request, object_id
        ):
            raise PermissionDenied
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def revert_disabled(self, request, obj=None):
        # Hides the Revert button wherever the POST would be refused.
        if super().revert_disabled(request, obj):
            return True
        return not self.may_revert(request, getattr(obj, "pk", None))


class HistoryRevertAdmin(HistoryRevertPermissionMixin, SimpleHistoryAdmin):
    """The ``SimpleHistoryAdmin`` every tracked model registers with."""
