"""Error pages without internals: JSON under /api/, plain HTML elsewhere."""

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error


def handler500(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Server error. It has been logged; please try again later."},
            status=500,
        )
    return server_error(request, *args, **kwargs)


def handler404(request, exception=None, *args, **kwargs):
    # An API path that matches no route (/api/v1/positions/0.5/) is JSON too.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception, *args, **kwargs)
