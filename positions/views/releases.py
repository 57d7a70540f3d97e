from django.http import FileResponse, Http404
from django.shortcuts import render

from config.lib.access import public_read
from config.lib.snapshots import IMMUTABLE
from positions import citations
from positions.models import Release
from positions.selectors.releases import release_by_slug, releases_listed
from positions.services.releases import release_directory


def _release_or_404(slug: str) -> Release:
    release = release_by_slug(slug)
    if release is None:
        raise Http404("No such release.")
    return release


@public_read
def release_list(request):
    return render(
        request,
        "positions/release_list.html",
        {"releases": releases_listed()},
    )


@public_read
def release_detail(request, slug):
    release = _release_or_404(slug)
    return render(
        request,
        "positions/release_detail.html",
        {
            "release": release,
            "cite": citations.release_citation(
                release, request.build_absolute_uri(release.get_absolute_url())
            ),
        },
    )


@public_read
def release_file(request, slug, name):
    release = _release_or_404(slug)
    if name not in {file["name"] for file in release.files}:
        raise Http404("No such file in this release.")
    response = FileResponse(
        (release_directory(release) / name).open("rb"),
        as_attachment=True,
        filename=name,
    )
    response["Cache-Control"] = IMMUTABLE
    return response
