from django import template

from positions.editors import editor_label

register = template.Library()


@register.simple_tag(takes_context=True)
def changed_by(context, history_user) -> str:
    """Who saved a version, as this reader may see it (positions.editors);
    "—" when nobody is recorded."""
    request = context.get("request")
    return editor_label(history_user, getattr(request, "user", None)) or "—"
