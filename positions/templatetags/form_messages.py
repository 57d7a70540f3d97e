"""A page's form errors in words: each under its field's label, not the
query parameter's name ("As of: …", not "as_of: …")."""

from html import escape

from django import template
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.safestring import mark_safe

register = template.Library()


def field_label(form, name: str) -> str:
    field = form.fields.get(name)
    if field is not None and field.label:
        return str(field.label)
    return name.replace("_", " ").capitalize()


@register.simple_tag
def form_errors(form) -> str:
    """Each error of ``form`` (or of a FilterSet's form) as an alert
    paragraph, prefixed with its field's label."""
    # A FilterSet's errors include its unknown parameters; labels are its form's.
    labelled = getattr(form, "form", form)
    paragraphs = []
    for name, errors in form.errors.items():
        # Errors of no field (the form's own, unknown parameters) stand alone.
        known = name != NON_FIELD_ERRORS and name in labelled.fields
        prefix = f"{field_label(labelled, name)}: " if known else ""
        paragraphs.append(
            f'<p class="error" role="alert">{escape(prefix)}'
            f"{escape(' '.join(str(error) for error in errors))}</p>"
        )
    return mark_safe("".join(paragraphs))  # noqa: S308 (every text is escaped)
