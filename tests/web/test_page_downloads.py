"""Each matrix, chart and list offers its data from the page: CSV and XLSX
of the matrix and the changes, SVG of the charts, and a permalink that
freezes the matrix's date."""

import xml.etree.ElementTree as ET

from django.test.html import parse_html

from tests.html import elements, text

SVG = "{http://www.w3.org/2000/svg}"


def _downloads(response) -> dict[str, str]:
    page = parse_html(response.content.decode())
    return {
        f"{text(p).split(':')[0]}: {text(a)}": dict(a.attributes)["href"].replace(
            "&amp;", "&"
        )
        for p in elements(page, "p", "downloads")
        for a in elements(p, "a")
    }


def test_the_matrix_downloads_as_it_is_shown_and_has_a_permalink(korea_case, client):
    page = client.get("/negotiations/talks/", {"as_of": "2019-03-20"})
    links = _downloads(page)

    csv = client.get(links["Download this matrix: CSV"])
    xlsx = client.get(links["Download this matrix: XLSX"])
    permalink = links[
        "Download this matrix: Permalink to the matrix as of March 20, 2019"
    ]

    assert csv.status_code == 200 and xlsx.status_code == 200
    lines = b"".join(csv.streaming_content if csv.streaming else [csv.content])
    rows = lines.decode().splitlines()
    # As of 20 March only North Korea had a stance (on the big deal).
    assert len(rows) == 2 and "north-korea" in rows[1] and "big-deal" in rows[1]
    assert permalink == "/negotiations/talks/?as_of=2019-03-20"


def test_the_charts_download_as_svg_files(korea_case, client):
    proposal = client.get("/proposals/big-deal/")
    negotiation = client.get("/negotiations/talks/")

    for page in (proposal, negotiation):
        [href] = [
            link for name, link in _downloads(page).items() if name.endswith("SVG")
        ]
        response = client.get(href)
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment;")
        drawing = ET.fromstring(response.content)
        assert drawing.tag == f"{SVG}svg"
        assert drawing.find(f"{SVG}style") is not None
        assert drawing.iter(f"{SVG}circle")


def test_the_changes_download_with_the_filter_typed_by_name(korea_case, client):
    page = client.get("/changes/", {"actor": "North Korea", "kind": "initial"})
    links = _downloads(page)

    csv = client.get(links["Atom feed of these changes · Download them: CSV"])

    assert csv.status_code == 200
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content])
    rows = body.decode().splitlines()[1:]
    assert rows and all("north-korea" in row for row in rows)
