from django.contrib import admin

from actors.forms import ActorAdminForm
from actors.models import Actor, Affiliation
from config.lib.admin import HistoryRevertAdmin

# Autocomplete widgets name the field they fill; these fields only take
# persons, those only sides (anything but a person).
PERSON_FIELDS = {("affiliation", "person"), ("position", "speaker")}
SIDE_FIELDS = {("affiliation", "organization"), ("position", "actor")}


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "start_date", "end_date"]


@admin.register(Actor)
class ActorAdmin(HistoryRevertAdmin):
    form = ActorAdminForm
    list_display = ["name", "short_name", "kind", "slug", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [AffiliationInline]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        target = (request.GET.get("model_name"), request.GET.get("field_name"))
        if target in PERSON_FIELDS:
            queryset = queryset.persons()
        elif target in SIDE_FIELDS:
            queryset = queryset.sides()
        return queryset, may_have_duplicates

    def get_inlines(self, request, obj):
        if obj is None or obj.kind == Actor.Kind.PERSON:
            return self.inlines
        return []


@admin.register(Affiliation)
class AffiliationAdmin(HistoryRevertAdmin):
    list_display = ["person", "role", "organization", "start_date", "end_date"]
    list_filter = ["organization__kind"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__name", "organization__name", "role"]
    autocomplete_fields = ["person", "organization"]
    date_hierarchy = "start_date"
