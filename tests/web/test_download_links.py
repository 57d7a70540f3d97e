"""The pages' downloads offer the spreadsheet (XLSX) first, then the CSV,
and both give the page's positions."""

import re

import pytest
from django.urls import reverse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _downloads(html: str) -> list[str]:
    # The first downloads on a page are its positions'.
    paragraph = re.findall(r'<p class="downloads">(.*?)</p>', html, re.S)[0]
    return [
        link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', paragraph)
    ]


@pytest.mark.parametrize(
    "page, query",
    [
        (("positions:proposal-detail", "big-deal"), "proposal=big-deal"),
        (("positions:negotiation-detail", "talks"), "negotiation=talks"),
        (("positions:actor-detail", "us"), "actor=us"),
        (("positions:actor-detail", "mike-pompeo"), "speaker=mike-pompeo"),
    ],
)
def test_it_offers_xlsx_then_csv_of_the_pages_positions(
    korea_case, client, page, query
):
    name, slug = page
    html = client.get(reverse(name, args=[slug])).content.decode()

    xlsx, csv = _downloads(html)

    assert xlsx == f"/api/v1/positions/?{query}&format=xlsx"
    assert csv == f"/api/v1/positions/?{query}&format=csv"
    assert client.get(xlsx)["Content-Type"] == XLSX_TYPE
    assert client.get(csv)["Content-Type"].startswith("text/csv")
