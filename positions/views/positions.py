from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from config.lib.access import public_read
from config.lib.replicas import reads_primary
from positions import citations, selectors, services
from positions.forms import WebPositionForm
from positions.forms.conflicts import loaded_version, rebase_position
from positions.models import Position
from positions.selectors.conflicts import positions_as_loaded
from positions.services import VersionConflict

# As long as simple-history's change reason may be.
REASON_LENGTH = 100


def _position_or_404(pk) -> Position:
    try:
        return selectors.position_detail(position_id=pk)
    except Position.DoesNotExist:
        raise Http404("No such position.") from None


@public_read
def position_detail(request, pk):
    try:
        position = selectors.position_detail(position_id=pk)
    except Position.DoesNotExist:
        deleted = selectors.deleted_position(position_id=pk)
        if deleted is None:
            raise Http404("No such position.") from None
        # Its address was cited: say what it was and where its history is.
        return render(
            request,
            "positions/position_deleted.html",
            {
                "deleted": deleted,
                "history": selectors.position_history_entries(position_id=pk),
            },
            status=410,
        )
    return render(
        request,
        "positions/position_detail.html",
        {
            "position": position,
            "cite": citations.position_citation(position, request.build_absolute_uri()),
            "passage": selectors.quote_passage(position=position),
            "history": selectors.position_history_entries(position_id=position.pk),
        },
    )


@reads_primary
@login_required
@permission_required("positions.change_position", raise_exception=True)
def position_edit(request, pk):
    position = _position_or_404(pk)
    form = WebPositionForm(request.POST or None, instance=position)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.position_update(
                    position_id=position.pk,
                    expected_version=form.cleaned_data["version"],
                    changes=form.editable_data(),
                    by=request.user,
                    reason=_reason(request),
                )
            except VersionConflict:
                return _rebased(request, pk)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Saved the position.")
                return redirect("positions:position-detail", pk=position.pk)
        elif form.has_error(NON_FIELD_ERRORS, "version_conflict"):
            return _rebased(request, pk)
    return render(
        request,
        "positions/position_form.html",
        {"form": form, "position": position, "reason": _reason(request)},
    )


def _reason(request) -> str:
    return request.POST.get("reason", "").strip()[:REASON_LENGTH]


def _rebased(request, pk):
    """Someone saved in between: nothing is overwritten; what the editor
    typed is kept, on what is stored now, with what the other person changed."""
    position = _position_or_404(pk)
    form = WebPositionForm(request.POST.copy(), instance=position)
    version = loaded_version(form)
    loaded = positions_as_loaded(versions={position.pk: version} if version else {})
    changed = rebase_position(form, loaded=loaded.get(position.pk))
    return render(
        request,
        "positions/position_form.html",
        {
            "form": form,
            "position": position,
            "reason": _reason(request),
            "changed_meanwhile": changed,
        },
        status=409,
    )


@reads_primary
@login_required
@permission_required("positions.delete_position", raise_exception=True)
@require_http_methods(["GET", "POST"])
def position_delete(request, pk):
    position = _position_or_404(pk)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            services.position_delete(
                position_id=position.pk, expected_version=version, by=request.user
            )
        except VersionConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("positions:position-detail", pk=position.pk)
        messages.success(
            request, f"Deleted position {pk}. Curators can restore it from the admin."
        )
        return redirect("positions:article-detail", pk=position.article_id)
    return render(
        request, "positions/position_confirm_delete.html", {"position": position}
    )
