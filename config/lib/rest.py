"""REST plumbing of both apps: permissions, throttles, errors, saving, formats."""

from collections import Counter

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, permissions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser
from rest_framework.throttling import UserRateThrottle

from config.lib.access import may_read
from config.lib.limits import is_digits, is_id
from config.lib.problems import PROBLEM_MEDIA_TYPE
from config.lib.throttling import WindowCounterMixin


class ReadOrModelPermission(permissions.DjangoModelPermissions):
    """Reads for anyone when PUBLIC_READ is on (else for logged-in users);
    writes need the model's Django permission (add_, change_, delete_)."""

    authenticated_users_only = False

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return may_read(request.user)
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(view, "queryset", None) is None and not hasattr(
            view, "get_queryset"
        ):
            # A read-only analysis view: any other method is answered 405.
            return True
        return super().has_permission(request, view)


class SignedInRateThrottle(WindowCounterMixin, UserRateThrottle):
    """The user rate, for signed-in users only. DRF's own also counts anonymous
    clients, by address, beside the anonymous rate: a second cache read and
    write on every anonymous request. Anonymous clients have the anonymous
    rate alone (THROTTLE_ANON, the lower one)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


def error_dict(error: DjangoValidationError) -> dict[str, list[str]]:
    """A model's ValidationError by field, ``__all__`` named as DRF names it."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def django_validation_error_to_drf(
    error: DjangoValidationError,
) -> exceptions.ValidationError:
    """Keep the field keys of a model's ValidationError in DRF's error format."""
    return exceptions.ValidationError(error_dict(error))


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads the settings that name this
    # module, so importing it at the top would be a circle through DRF.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_to_drf(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    return drf_exception_handler(exc, context)


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = (
        "The request body is too large. Send fewer rows at a time "
        "(the limit is DATA_UPLOAD_MAX_MEMORY_SIZE)."
    )
    default_code = "request_too_large"


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with the stored data."
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = (
        "If-Match does not match the stored version: someone changed it since you "
        "read it. Fetch it again and reapply your change."
    )
    default_code = "precondition_failed"


def protected_message(instance, protected_objects) -> str:
    """ "Not deleted: 3 positions cite this article." and the like."""
    counts = Counter(type(obj) for obj in protected_objects)
    parts = [
        f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in sorted(counts.items(), key=lambda item: item[0].__name__)
    ]
    verb = "refers to" if sum(counts.values()) == 1 else "refer to"
    return (
        f"Not deleted: {' and '.join(parts)} {verb} this "
        f"{instance._meta.verbose_name}. Delete or re-attribute them first."
    )


def _type_error(field, value) -> str | None:
    """What is wrong with the JSON type of ``value`` for ``field`` (the schema
    says string or list; DRF alone would turn 0 into "0" and {} into [])."""
    if value is None:
        return None
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return "Not a string."
    many = serializers.ManyRelatedField | serializers.ListField
    if isinstance(field, many | serializers.ListSerializer):
        if not isinstance(value, list):
            return "Not a list."
        child = getattr(field, "child", None)
        if isinstance(child, serializers.CharField) and not all(
            isinstance(item, str) for item in value
        ):
            return "Not a list of strings."
    return None


class KnownFieldsOnly:
    """A serializer mixin: a field the resource does not have is a 400 naming
    it, as an unknown query parameter is, instead of being dropped (a
    misspelt optional field would be lost without a word). Read-only fields
    are known: a body read from the API can be sent back. A value of the
    wrong JSON type for a text or list field is a 400 too, not coerced."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            wrong = {
                name: message
                for name, value in data.items()
                if name in self.fields
                and (message := _type_error(self.fields[name], value))
            }
            if wrong:
                raise exceptions.ValidationError(
                    {name: [message] for name, message in wrong.items()}
                )
        if isinstance(data, dict):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                known = ", ".join(
                    name for name, field in self.fields.items() if not field.read_only
                )
                raise exceptions.ValidationError(
                    {
                        name: [
                            f"Unknown field. The fields that can be written: {known}."
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


ALL_DIGIT_SLUG = (
    "A slug of digits alone would read as an id (every slug parameter also "
    "takes the numeric id): add a letter."
)


class ValidatedModelSerializer(KnownFieldsOnly, serializers.ModelSerializer):
    """Saves through ``full_clean``, so model rules and constraints come back as
    400s with field keys instead of database errors, and records who saved it.
    A slug of digits alone is refused: it would name the row with that id."""

    def validate(self, attrs):
        slug = attrs.get("slug")
        if isinstance(slug, str) and is_digits(slug):
            raise exceptions.ValidationError({"slug": [ALL_DIGIT_SLUG]})
        return super().validate(attrs)

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, instance, validated_data):
        many_to_many = {
            field.name: validated_data.pop(field.name)
            for field in instance._meta.many_to_many
            if field.name in validated_data
        }
        for name, value in validated_data.items():
            setattr(instance, name, value)
        with transaction.atomic():
            try:
                instance.full_clean()
            except DjangoValidationError as error:
                raise django_validation_error_to_drf(error) from None
            user = self.context["request"].user
            if user.is_authenticated:
                instance._history_user = user
            instance.save()
            for name, value in many_to_many.items():
                getattr(instance, name).set(value)
        return instance


def slug_or_id(value: str) -> dict:
    """The lookup of a row named by slug or, all digits, by id."""
    if not is_digits(value):
        return {"slug": value}
    number = int(value)
    # Out of range: an id no row has (0), rather than a database error.
    return {"pk": number if is_id(number) else 0}


class SlugOrIdLookupMixin:
    """A ViewSet addressed by slug also finds a row by its numeric id."""

    def get_object(self):
        value = str(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        if not is_digits(value):
            return super().get_object()
        if not is_id(int(value)):
            raise exceptions.NotFound()
        queryset = self.filter_queryset(self.get_queryset())
        instance = get_object_or_404(queryset, pk=int(value))
        self.check_object_permissions(self.request, instance)
        return instance


class EmptyParameterMiddleware:
    """An empty query value on the API (``?stated_before=``) is a 400 naming
    the parameter, as a malformed one is, never "not given". The schema
    views are left alone: Swagger UI's page fetches ``?script=``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path.startswith("/api/"):
            return None
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and view_class.__module__.startswith(
            "drf_spectacular"
        ):
            return None
        empty = sorted(
            name
            for name, values in request.GET.lists()
            if any(not value.strip() for value in values)
        )
        if not empty:
            return None
        return JsonResponse(
            {
                name: ["Empty value: give a value, or leave the parameter out."]
                for name in empty
            },
            status=400,
        )


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is a 400 naming the parameter, not a 404.
    ``application/problem+json`` in Accept counts as JSON: the errors are
    rewritten as problem details (config.lib.problems), the rest is JSON."""

    def get_accept_list(self, request):
        return [
            "application/json" if item.strip().startswith(PROBLEM_MEDIA_TYPE) else item
            for item in super().get_accept_list(request)
        ]

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            known = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise exceptions.ValidationError(
                {"format": [f"Unknown format “{format}”. Known here: {known}."]}
            )
        return matching


class BoundedJSONParser(JSONParser):
    """JSON whose nesting Python's parser cannot follow (``[`` × 100,000) is a
    400 like any unreadable body, not a RecursionError and a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - nested too deeply."
            ) from None
