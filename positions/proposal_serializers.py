"""Proposals in the API, with their lineage (``links``)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from actors.models import Actor
from config.lib.rest import KnownFieldsOnly, ValidatedModelSerializer
from positions.models import (
    INVERSE_LINK_KINDS,
    Article,
    LinkKind,
    LinkSeen,
    Negotiation,
    Proposal,
)
from positions.services import proposal_set_links

LINK_KINDS_SEEN = [*LinkKind.values, *INVERSE_LINK_KINDS.values()]


class ProposalLinkSerializer(KnownFieldsOnly, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=LINK_KINDS_SEEN,
        help_text="`variant_of`, `derived_from` or `superseded_by` the other "
        "proposal; the same link read from the other end is `variant`, "
        "`source_of` or `supersedes`.",
    )
    proposal = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Proposal.objects.all(),
        help_text="The other proposal.",
    )
    since = serializers.DateField(
        required=False, allow_null=True, help_text="When the link began, if known."
    )
    article = serializers.PrimaryKeyRelatedField(
        queryset=Article.objects.all(),
        required=False,
        allow_null=True,
        help_text="The article showing the link, if any.",
    )


class ProposalSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="proposal-detail", lookup_field="slug"
    )
    negotiation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Negotiation.objects.all()
    )
    originated_by = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
    )
    links = ProposalLinkSerializer(
        many=True,
        required=False,
        help_text="Every link touching this proposal, seen from it. Writing the "
        "list (PUT, PATCH) replaces them all, links written from the other end "
        "included.",
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "negotiation",
            "originated_by",
            "first_put_forward_on",
            "links",
            "url",
        ]
        extra_kwargs = {"slug": {"required": False}}

    def create(self, validated_data):
        links = validated_data.pop("links", None)
        with transaction.atomic():
            proposal = super().create(validated_data)
            self._set_links(proposal, links)
        return proposal

    def update(self, instance, validated_data):
        links = validated_data.pop("links", None)
        with transaction.atomic():
            proposal = super().update(instance, validated_data)
            self._set_links(proposal, links)
        return proposal

    def _set_links(self, proposal, links):
        if links is None:
            return
        try:
            proposal_set_links(
                proposal=proposal,
                links=[LinkSeen(**link) for link in links],
                by=self.context["request"].user,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(get_error_detail(error)) from None
        # The links just written, not those prefetched before.
        for cache in ("outgoing_links", "incoming_links"):
            getattr(proposal, "_prefetched_objects_cache", {}).pop(cache, None)
