"""Reading rendered pages in tests, through Django's own HTML parser
(``django.test.html.parse_html``): elements by tag and class, their text,
and links by ``rel``."""

from collections.abc import Iterator

from django.test.html import Element, parse_html


def elements(node, tag: str, css_class: str | None = None) -> Iterator[Element]:
    """Every ``tag`` element under ``node``, in document order, optionally
    only those with ``css_class`` among their classes."""
    for child in getattr(node, "children", []):
        if isinstance(child, str):
            continue
        classes = (dict(child.attributes).get("class") or "").split()
        if child.name == tag and (css_class is None or css_class in classes):
            yield child
        yield from elements(child, tag, css_class)


def text(node) -> str:
    """The text of ``node`` and its descendants, with whitespace collapsed."""
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text(child) for child in node.children).split())


def link(response, rel: str) -> str | None:
    """The ``href`` of the first ``<a rel="…">`` of the page, or None."""
    for a in elements(parse_html(response.text), "a"):
        attributes = dict(a.attributes)
        if attributes.get("rel") == rel:
            return attributes["href"]
    return None


def stance_matrix(response) -> dict:
    """{(actor, proposal): the cell element} of a page's stance matrix."""
    [table] = elements(parse_html(response.text), "table", "matrix")
    [head] = elements(table, "thead")
    proposals = [text(th) for th in elements(head, "th")][1:]
    [body] = elements(table, "tbody")
    cells = {}
    for row in elements(body, "tr"):
        [actor] = elements(row, "th")
        for proposal, cell in zip(proposals, elements(row, "td"), strict=True):
            cells[text(actor), proposal] = cell
    return cells
