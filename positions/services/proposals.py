"""Proposal lineage: the links between proposals, written as one list."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from config.lib.versions import take_data_version
from positions.models import LINK_KINDS_BY_INVERSE, LinkSeen, Proposal, ProposalLink


@transaction.atomic
def proposal_set_links(*, proposal: Proposal, links: list[LinkSeen], by=None) -> None:
    """Make ``links`` (seen from ``proposal``) exactly the links touching it.

    Links not in the list are deleted, new ones created, each through the
    model's rules and into history; a link written from either end is the
    same link. Raises ``ValidationError`` keyed by the list index."""
    wanted = {}
    errors = {}
    for index, seen in enumerate(links):
        if seen.kind in LINK_KINDS_BY_INVERSE:
            source, kind, target = (
                seen.proposal,
                LINK_KINDS_BY_INVERSE[seen.kind],
                proposal,
            )
        else:
            source, kind, target = proposal, seen.kind, seen.proposal
        key = (source.pk, kind, target.pk)
        if key in wanted:
            errors[str(index)] = ["This link is given twice."]
            continue
        wanted[key] = (index, seen, source, target)
    take_data_version()  # before the rows' locks: see config.lib.versions
    touching = ProposalLink.objects.filter(
        Q(source=proposal) | Q(target=proposal)
    ).select_for_update()
    existing = {(link.source_id, link.kind, link.target_id): link for link in touching}
    for key, link in existing.items():
        if key not in wanted:
            if by is not None and by.is_authenticated:
                link._history_user = by
            link.delete()
    for key, (index, seen, source, target) in wanted.items():
        link = existing.get(key) or ProposalLink(
            source=source, kind=key[1], target=target
        )
        if link.pk and (link.since, link.article_id) == (
            seen.since,
            seen.article.pk if seen.article else None,
        ):
            continue
        link.since, link.article = seen.since, seen.article
        try:
            link.full_clean()
        except ValidationError as error:
            errors[str(index)] = error.messages
            continue
        if by is not None and by.is_authenticated:
            link._history_user = by
        link.save()
    if errors:
        raise ValidationError({"links": [errors]})
