from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers

from actors.models import Actor, Affiliation
from actors.services import actor_set_affiliations
from config.lib.rest import (
    KnownFieldsOnly,
    ValidatedModelSerializer,
    django_validation_error_to_drf,
)


class AffiliationSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug", queryset=Actor.objects.all()
    )

    class Meta:
        model = Affiliation
        fields = ["organization", "role", "start_date", "end_date"]


class ActorSerializer(ValidatedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="actor-detail", lookup_field="slug"
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False
    )
    affiliations = AffiliationSerializer(many=True, required=False)

    class Meta:
        model = Actor
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "kind",
            "description",
            "aliases",
            "affiliations",
            "url",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"slug": {"required": False}}

    def create(self, validated_data):
        affiliations = validated_data.pop("affiliations", None)
        with transaction.atomic():
            actor = super().create(validated_data)
            self._set_affiliations(actor, affiliations)
        return actor

    def update(self, instance, validated_data):
        affiliations = validated_data.pop("affiliations", None)
        with transaction.atomic():
            actor = super().update(instance, validated_data)
            self._set_affiliations(actor, affiliations)
        return actor

    def _set_affiliations(self, actor, affiliations):
        if affiliations is None:
            return
        try:
            actor_set_affiliations(
                person=actor, affiliations=affiliations, by=self.context["request"].user
            )
        except DjangoValidationError as error:
            raise django_validation_error_to_drf(error) from None
