"""Error pages without internals: JSON under /api/, plain HTML elsewhere."""

from django.http import JsonResponse
from django.views.defaults import server_error


def handler500(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Server error. It has been logged; please try again later."},
            status=500,
        )
    return server_error(request, *args, **kwargs)
