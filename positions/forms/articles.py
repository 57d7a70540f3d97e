"""The article form: an article and, inline, the positions it reports."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from positions.forms.positions import WebPositionForm
from positions.models import Article, Position


class ArticlePositionFormSet(BaseInlineFormSet):
    """The positions of one article, validated against it while it is edited."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Lets each position be checked against the article's publication
        # date, also while the article itself is being added.
        form.instance.article = self.instance
        return form

    def clean(self):
        super().clean()
        # Each form checks uniqueness against saved rows only: of two identical
        # new positions, the second would fail in the service, too late for a
        # message on the page.
        seen = {}
        for number, form in enumerate(self.forms, start=1):
            if form.errors or not form.cleaned_data or self._should_delete_form(form):
                continue
            if not form.instance.pk and not form.has_changed():
                continue
            data = form.cleaned_data
            identity = tuple(
                data.get(field)
                for field in ("actor", "proposal", "speaker", "stated_on")
            )
            if identity in seen:
                form.add_error(
                    None,
                    ValidationError(
                        "Two of these positions are the same (positions "
                        f"{seen[identity]} and {number}: same side, proposal, "
                        "speaker and date). Keep one of them.",
                        code="duplicate_row",
                    ),
                )
            else:
                seen[identity] = number

    def changes(self) -> dict:
        """What to save, for ``article_save_with_positions``."""
        created, changed, deleted = [], [], []
        for form in self.forms:
            position = form.instance
            if position.pk and self._should_delete_form(form):
                deleted.append((position.pk, form.cleaned_data.get("version")))
            elif position.pk and form.has_changed():
                changed.append(
                    (position.pk, form.cleaned_data["version"], form.editable_data())
                )
            elif (
                not position.pk
                and form.has_changed()
                and not self._should_delete_form(form)
            ):
                created.append(form.editable_data())
        return {"created": created, "changed": changed, "deleted": deleted}


def has_version_conflict(formset) -> bool:
    """Whether a row was refused for being based on an older version."""
    return any(
        error.code == "version_conflict"
        for form in formset.forms
        for error in form.errors.as_data().get("__all__", [])
    )


def row_anchor(form) -> str:
    """The id of a position row on the page, for links to it (the one form of
    the position edit page has no prefix)."""
    return f"{form.prefix or 'position'}-row"


def error_summary(form, formset) -> list[dict]:
    """Every error of the article form, in page order, as ``{"text", "href"}``:
    a link to the field (or the row) it is about, for the summary shown at the
    top after a failed save. ``href`` is None for errors about the whole form."""
    entries = [{"text": str(error), "href": None} for error in form.non_field_errors()]
    for field in form:
        if not field.is_hidden:
            entries += [
                {"text": f"{field.label}: {error}", "href": f"#{field.auto_id}"}
                for error in field.errors
            ]
    entries += [
        {"text": str(error), "href": "#position-rows"}
        for error in formset.non_form_errors()
    ]
    for number, row in enumerate(formset.forms, start=1):
        entries += [
            {"text": f"Position {number}: {error}", "href": f"#{row_anchor(row)}"}
            for error in row.non_field_errors()
        ]
        for field in row:
            # A hidden input (the version) is shown as its row.
            href = f"#{row_anchor(row)}" if field.is_hidden else f"#{field.auto_id}"
            entries += [
                {"text": f"Position {number}, {field.label}: {error}", "href": href}
                for error in field.errors
            ]
    return entries


WebArticlePositionFormSet = inlineformset_factory(
    Article,
    Position,
    form=WebPositionForm,
    formset=ArticlePositionFormSet,
    extra=1,
    can_delete=True,
)


class ArticleForm(forms.ModelForm):
    # When the article was loaded: saving over a newer edit is refused.
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "url",
            "title",
            "outlet",
            "authors",
            "published_on",
            "language",
            "summary",
            "body",
        ]
        labels = {
            "url": "Address (URL)",
            "published_on": "Published on",
            "authors": "Authors",
        }
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_at"].initial = self.instance.updated_at.isoformat()
