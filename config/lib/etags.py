"""Entity tags as requests name them: one reading of ``If-None-Match`` and
``If-Match`` for every conditional answer (the API's, the pages', the edge
cache's)."""


def names_etag(header: str | None, etag: str) -> bool:
    """Whether ``header`` (a list of tags, weak or strong, or ``*``) names
    ``etag``; no header names nothing."""
    if header is None:
        return False
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in offered or etag in offered
