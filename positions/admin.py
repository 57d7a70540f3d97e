from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.models import is_historic

from actors.admin import ActorAdmin
from actors.models import Actor
from config.lib.admin import HistoryRevertAdmin
from positions.forms import ArticlePositionFormSet, PositionForm
from positions.models import (
    Article,
    Event,
    Negotiation,
    Position,
    Proposal,
    ProposalLink,
    Release,
)
from positions.selectors import deleted_positions, quote_passage
from positions.services import (
    actor_merge,
    article_positions_apply,
    merge_candidates,
    position_create,
    position_delete,
    position_restore,
    position_update,
    release_create,
)


@admin.register(Negotiation)
class NegotiationAdmin(HistoryRevertAdmin):
    list_display = ["title", "slug", "started_on", "ended_on"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["participants"]
    date_hierarchy = "started_on"


class ProposalLinkInline(admin.TabularInline):
    """The links read from this proposal: it is a variant of, derived from or
    superseded by another proposal of its negotiation."""

    model = ProposalLink
    fk_name = "source"
    extra = 0
    fields = ["kind", "target", "since", "article"]
    autocomplete_fields = ["target", "article"]
    verbose_name = "link to another proposal"
    verbose_name_plural = "links to other proposals"


@admin.register(Proposal)
class ProposalAdmin(HistoryRevertAdmin):
    list_display = ["title", "negotiation", "originated_by", "first_put_forward_on"]
    list_filter = ["negotiation"]
    list_select_related = ["negotiation", "originated_by"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["negotiation", "originated_by"]
    date_hierarchy = "first_put_forward_on"
    inlines = [ProposalLinkInline]


@admin.register(Event)
class EventAdmin(HistoryRevertAdmin):
    list_display = ["title", "kind", "negotiation", "starts_on", "ends_on", "place"]
    list_filter = ["kind", "negotiation"]
    list_select_related = ["negotiation"]
    search_fields = ["title", "slug", "place", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["negotiation", "articles"]
    date_hierarchy = "starts_on"


class PositionInline(admin.StackedInline):
    model = Position
    form = PositionForm
    formset = ArticlePositionFormSet
    extra = 0
    # ``version`` is the form's own hidden field, not the model's (which is
    # not editable): excluded here, named in ``fields`` to be rendered.
    exclude = ["version"]
    autocomplete_fields = ["actor", "proposal", "speaker"]
    fields = [
        ("actor", "speaker"),
        ("proposal", "stance", "confidence"),
        "stated_on",
        "quote",
        "note",
        "version",
    ]


@admin.register(Article)
class ArticleAdmin(HistoryRevertAdmin):
    list_display = ["title", "outlet", "published_on", "position_count"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "url", "outlet", "authors"]
    date_hierarchy = "published_on"
    readonly_fields = ["added_by", "created_at", "updated_at"]
    inlines = [PositionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_position_count()

    @admin.display(ordering="position_count", description="Positions")
    def position_count(self, article):
        return article.position_count

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Position:
            return super().save_formset(request, form, formset, change)
        changes = formset.changes()
        changed_ids = {position_id for position_id, _, _ in changes["changed"]}
        formset.new_objects = article_positions_apply(
            article=form.instance, **changes, by=request.user
        )
        formset.changed_objects = [
            (position_form.instance, position_form.changed_data)
            for position_form in formset.forms
            if position_form.instance.pk in changed_ids
        ]
        formset.deleted_objects = [
            position_form.instance
            for position_form in formset.deleted_forms
            if position_form.instance.pk
        ]


@admin.register(Position)
class PositionAdmin(HistoryRevertAdmin):
    form = PositionForm
    # As on PositionInline: the form's hidden ``version``, not the model field.
    exclude = ["version"]
    list_display = [
        "id",
        "actor",
        "proposal",
        "stance",
        "stated_on",
        "speaker",
        "attribution",
        "confidence",
        "quote_check",
        "article",
    ]
    list_filter = [
        "stance",
        "confidence",
        "attribution",
        "quote_check",
        "proposal__negotiation",
    ]
    list_select_related = ["actor", "proposal", "speaker", "article"]
    search_fields = [
        "quote",
        "quote_original",
        "note",
        "condition",
        "actor__name",
        "proposal__title",
    ]
    autocomplete_fields = [
        "actor",
        "proposal",
        "article",
        "speaker",
        "condition_proposal",
    ]
    date_hierarchy = "stated_on"
    readonly_fields = [
        "quote_check",
        "quote_check_score",
        "passage_found",
        "recorded_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("actor", "speaker", "attribution"),
                    ("proposal", "stance", "confidence"),
                    ("stated_on", "event"),
                    "article",
                    "note",
                    # The form's hidden ``version``: rendered, not editable.
                    "version",
                ]
            },
        ),
        (
            "Quote",
            {
                "fields": [
                    "quote",
                    ("quote_original", "quote_language"),
                    ("quote_check", "quote_check_score", "passage_found"),
                ],
                "description": "The quote is checked against the article's stored "
                "text on every save of either.",
            },
        ),
        (
            "Condition",
            {
                "fields": ["condition", ("condition_proposal", "condition_event")],
                "description": "Only for a stance that holds only if something "
                "happens.",
            },
        ),
        (
            "Record",
            {
                "fields": [("recorded_by", "created_at", "updated_at")],
                "classes": ["collapse"],
            },
        ),
    ]
    # A full count of a million rows on every page load is not worth it.
    show_full_result_count = False

    @admin.display(description="Passage found")
    def passage_found(self, position):
        found = quote_passage(position=position) if position.pk else None
        if found is None:
            return "—"
        return format_html(
            "characters {}–{}: “{}”",
            position.quote_check_start,
            position.quote_check_end,
            found.match,
        )

    def save_model(self, request, obj, form, change):
        if (
            change
            and is_historic(obj)
            and not Position.objects.filter(pk=obj.pk).exists()
        ):
            # Reverting a deleted position (the history page checked delete
            # permission): bring it back, then give it the chosen version.
            with transaction.atomic():
                restored = position_restore(position_id=obj.pk, by=request.user)
                saved = position_update(
                    position_id=obj.pk,
                    expected_version=restored.version,
                    changes=form.editable_data(),
                    by=request.user,
                )
        elif change:
            expected_version = form.cleaned_data["version"]
            if is_historic(obj):
                # A revert from the history page: ``obj`` is the old version,
                # whose values go on top of whatever the row holds now.
                expected_version = Position.objects.values_list(
                    "version", flat=True
                ).get(pk=obj.pk)
            saved = position_update(
                position_id=obj.pk,
                expected_version=expected_version,
                changes=form.editable_data(),
                by=request.user,
            )
        else:
            saved = position_create(recorded_by=request.user, **form.editable_data())
        obj.pk, obj.version = saved.pk, saved.version
        obj._state.adding = False

    def delete_model(self, request, obj):
        position_delete(position_id=obj.pk, by=request.user)

    def get_urls(self):
        extra = [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="positions_position_deleted",
            ),
            path(
                "deleted/<int:position_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="positions_position_restore",
            ),
        ]
        return extra + super().get_urls()

    def has_restore_permission(self, request) -> bool:
        # Restoring undoes someone's deletion: a curator's call, as deleting
        # is, and it adds a row. Analysts may add positions but not delete.
        return self.has_delete_permission(request) and self.has_add_permission(request)

    def deleted_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = self.admin_site.each_context(request) | {
            "title": "Deleted positions",
            "opts": self.model._meta,
            "deletions": deleted_positions()[:200],
            "can_restore": self.has_restore_permission(request),
        }
        return TemplateResponse(
            request, "admin/positions/position/deleted.html", context
        )

    def restore_view(self, request, position_id):
        if request.method != "POST" or not self.has_restore_permission(request):
            raise PermissionDenied
        try:
            position = position_restore(position_id=position_id, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect("admin:positions_position_deleted")
        self.message_user(request, f"Restored position {position.pk}: {position}.")
        return redirect(reverse("admin:positions_position_change", args=[position.pk]))


class ActorMergeAdmin(ActorAdmin):
    """Actor admin with the merge action, which needs the positions app."""

    actions = ["merge_actors"]

    @admin.action(description="Merge selected actors into one", permissions=["delete"])
    def merge_actors(self, request, queryset):
        actors = list(queryset.order_by("name"))
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors.", messages.WARNING)
            return None
        keep_id = request.POST.get("keep")
        if "apply" in request.POST and keep_id:
            return self._apply_merge(request, actors, keep_id)
        # The actor the most rests on is offered as the one to keep: merging
        # the other way would move everything to the empty duplicate.
        counted = merge_candidates(actors)
        context = self.admin_site.each_context(request) | {
            "title": "Merge actors",
            "opts": self.model._meta,
            "actors": counted,
            "suggested_keep": counted[0].pk,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/actors/actor/merge.html", context)

    def _apply_merge(self, request, actors, keep_id):
        keep = next((actor for actor in actors if str(actor.pk) == keep_id), None)
        if keep is None:
            self.message_user(request, "Choose an actor to keep.", messages.ERROR)
            return None
        try:
            with transaction.atomic():
                results = [
                    actor_merge(keep=keep, duplicate=duplicate, by=request.user)
                    for duplicate in actors
                    if duplicate.pk != keep.pk
                ]
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        moved = sum(result.positions_moved for result in results)
        removed = sum(result.exact_duplicates_removed for result in results)
        self.message_user(
            request,
            f"Merged {len(results)} actor(s) into {keep}: {moved} position(s) moved, "
            f"{removed} exact duplicate(s) removed.",
        )
        return None


admin.site.unregister(Actor)
admin.site.register(Actor, ActorMergeAdmin)


class ReleaseForm(forms.ModelForm):
    # Not "known_at": the model's field is not editable, so a form may not name it.
    as_of = forms.DateTimeField(
        label="Known at",
        required=False,
        help_text="The instant whose data the release holds; empty: now.",
    )

    class Meta:
        model = Release
        fields = ["name", "notes"]

    def clean_as_of(self):
        known_at = self.cleaned_data.get("as_of")
        if known_at is not None and known_at > timezone.now():
            raise ValidationError("A release cannot name the future.")
        return known_at


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Named here or with ``manage.py make_release``; never changed after."""

    form = ReleaseForm
    list_display = ("name", "known_at", "data_version", "rules_version", "created_by")
    list_filter = ("rules_version",)
    search_fields = ("name", "notes")
    shown = (
        "name",
        "slug",
        "notes",
        "known_at",
        "data_version",
        "rules_version",
        "files",
        "created_by",
        "created_at",
    )

    def get_fields(self, request, obj=None):
        return self.shown if obj else ("name", "notes", "as_of")

    def get_readonly_fields(self, request, obj=None):
        return self.shown if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        release = release_create(
            name=form.cleaned_data["name"],
            notes=form.cleaned_data["notes"],
            by=request.user,
            known_at=form.cleaned_data.get("as_of"),
        )
        obj.pk, obj.slug = release.pk, release.slug
