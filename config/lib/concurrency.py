"""Optimistic concurrency over HTTP: an ETag on reads, If-Match on writes.

One mixin for every ModelViewSet. A view names what its ETag is built from
(``etag_for``); a stale If-Match is a 412 and nothing is written.
"""

from django.db.models import ProtectedError
from rest_framework import status
from rest_framework.response import Response

from config.lib import response_cache
from config.lib.etags import names_etag
from config.lib.rest import Conflict, PreconditionFailed, protected_message


def quoted_etag(value: str) -> str:
    return f'"{value}"'


def if_match_allows(request, current_etag: str) -> bool:
    """True when there is no If-Match header or it names the current ETag."""
    header = request.headers.get("If-Match")
    return header is None or names_etag(header, current_etag)


def if_none_match_matches(request, current_etag: str) -> bool:
    """True when a conditional GET names the current ETag: answer 304."""
    return names_etag(request.headers.get("If-None-Match"), current_etag)


def tagged_response(request, etag: str, data_of) -> Response:
    """``data_of()`` with its ETag, or 304 when the client has it already."""
    if if_none_match_matches(request, etag):
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    response = Response(data_of())
    response["ETag"] = etag
    return response


class ConcurrencyMixin:
    """ETag on single-object reads and writes; If-Match checked before writes.

    ``perform_update`` and ``perform_destroy`` may raise ``PreconditionFailed``
    or ``Conflict`` themselves when the stored version moved on meanwhile.
    """

    def etag_for(self, obj) -> str:
        return quoted_etag(f"{obj.pk}-{obj.updated_at.timestamp():.6f}")

    def check_if_match(self, request, instance) -> None:
        if not if_match_allows(request, self.etag_for(instance)):
            raise PreconditionFailed()

    def retrieve(self, request, *args, **kwargs):
        response_cache.offer_current(request)
        instance = self.get_object()
        return tagged_response(
            request,
            self.etag_for(instance),
            lambda: self.get_serializer(instance).data,
        )

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_if_match(request, instance)
        serializer = self.get_serializer(
            instance, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        if getattr(instance, "_prefetched_objects_cache", None):
            instance._prefetched_objects_cache = {}
        response = Response(serializer.data)
        response["ETag"] = self.etag_for(serializer.instance)
        return response

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.check_if_match(request, instance)
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        user = self.request.user
        if user.is_authenticated:
            instance._history_user = user
        try:
            instance.delete()
        except ProtectedError as error:
            raise Conflict(
                protected_message(instance, error.protected_objects)
            ) from None
