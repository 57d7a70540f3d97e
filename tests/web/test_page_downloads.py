"""Each matrix, chart and list offers its data from the page: CSV and XLSX
of the matrix and the changes, SVG of the charts, and a permalink that
freezes the matrix's date."""

import datetime
import xml.etree.ElementTree as ET

from django.test.html import parse_html
from django.urls import reverse

from positions.services import position_create
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


def _svg_link(page) -> str:
    [href] = [link for name, link in _downloads(page).items() if name.endswith("SVG")]
    return href


def _series(response) -> list[list[str]]:
    """The names of each line's points in a downloaded chart."""
    drawing = ET.fromstring(response.content)
    return [
        [link.get("aria-label") for link in group.iter(f"{SVG}a")]
        for group in drawing.iter(f"{SVG}g")
        if group.get("class") == "series"
    ]


def _pompeo_on_the_big_deal(case):
    # Said by the Secretary of State for the United States, beside the
    # outlet's own reading of the same day.
    return position_create(
        speaker=case.pompeo,
        proposal=case.big_deal,
        article=case.herald,
        stance=1,
        stated_on=datetime.date(2019, 3, 28),
        attribution="stated",
    )


def test_the_proposal_chart_downloads_with_one_line_per_speaker_as_shown(
    korea_case, client
):
    _pompeo_on_the_big_deal(korea_case)
    page = client.get("/proposals/big-deal/", {"by": "speaker"})

    href = _svg_link(page)
    chart = client.get(href)

    assert "by=speaker" in href
    # One line for Pompeo, one for the United States' positions without a
    # speaker, one for North Korea's: as on the page.
    names = [line[0].split(" · ")[0] for line in _series(chart)]
    assert names == ["DPRK (no speaker)", "US (no speaker)", "US — Mike Pompeo"]
    assert _series(chart) == _series_on_the_page(page)


def test_the_proposal_chart_downloads_with_the_attributions_shown(korea_case, client):
    said = _pompeo_on_the_big_deal(korea_case)
    page = client.get("/proposals/big-deal/", {"attribution": "stated"})

    chart = client.get(_svg_link(page))

    # Only what was stated: Pompeo's words, not the outlet's readings.
    [[point]] = _series(chart)
    assert point.startswith("United States · 2019-03-28: supports / open to")
    assert f"/positions/{said.pk}/" in chart.content.decode()
    assert (
        len(_series(client.get(reverse("positions:proposal-chart", args=["big-deal"]))))
        == 2
    )


def test_the_gap_chart_downloads_with_the_attributions_shown(korea_case, client):
    _pompeo_on_the_big_deal(korea_case)
    query = {"a": "us", "b": "north-korea"}
    every = client.get("/negotiations/talks/", query)
    stated = client.get("/negotiations/talks/", query | {"attribution": "stated"})

    every_chart = client.get(_svg_link(every))
    stated_chart = client.get(_svg_link(stated))

    assert "attribution=stated" in _svg_link(stated)
    # North Korea stated nothing: no proposal both have a stated stance on.
    assert list(ET.fromstring(every_chart.content).iter(f"{SVG}circle"))
    assert not list(ET.fromstring(stated_chart.content).iter(f"{SVG}circle"))


def test_the_matrix_downloads_and_permalink_keep_the_attributions_shown(
    korea_case, client
):
    _pompeo_on_the_big_deal(korea_case)
    page = client.get(
        "/negotiations/talks/", {"as_of": "2019-03-30", "attribution": "stated"}
    )
    links = _downloads(page)

    csv = client.get(links["Download this matrix: CSV"])

    rows = b"".join(csv.streaming_content).decode().splitlines()[1:]
    assert len(rows) == 1 and rows[0].startswith("us,big-deal,1,")
    assert links[
        "Download this matrix: Permalink to the matrix as of March 30, 2019"
    ] == ("/negotiations/talks/?as_of=2019-03-30&attribution=stated")


def test_an_svg_download_refuses_an_unknown_option(korea_case, client):
    response = client.get(
        reverse("positions:proposal-chart", args=["big-deal"]), {"by": "rumour"}
    )

    assert response.status_code == 404


def _series_on_the_page(page) -> list[list[str]]:
    chart = page.content.decode()
    start = chart.index("<svg")
    drawing = ET.fromstring(
        chart[start : chart.index("</svg>", start) + 6].replace(
            "<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1
        )
    )
    return [
        [link.get("aria-label") for link in group.iter(f"{SVG}a")]
        for group in drawing.iter(f"{SVG}g")
        if group.get("class") == "series"
    ]


def test_the_changes_download_with_the_filter_typed_by_name(korea_case, client):
    page = client.get("/changes/", {"actor": "North Korea", "kind": "initial"})
    links = _downloads(page)

    csv = client.get(links["Atom feed of these changes · Download them: CSV"])

    assert csv.status_code == 200
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content])
    rows = body.decode().splitlines()[1:]
    assert rows and all("north-korea" in row for row in rows)
