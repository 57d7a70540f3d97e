"""Examples of the main operations' answers, for the schema and its docs
page. The values are those of the demo data (``manage.py load_demo``)."""

from drf_spectacular.utils import OpenApiExample

POSITION = {
    "id": 11,
    "actor": "north-korea",
    "proposal": "big-deal",
    "negotiation": "korea-denuclearization-2018-2019",
    "stance": 0,
    "stance_label": "neutral / ambiguous",
    "stated_on": "2018-06-12",
    "article": 17,
    "speaker": "kim-jong-un",
    "quote": "Chairman Kim Jong-un reaffirmed his firm and unwavering commitment to "
    "complete denuclearisation of the Korean Peninsula",
    "note": "self (joint text)",
    "confidence": "high",
    "event": "singapore-summit",
    "attribution": "stated",
    "condition": "no sequencing, timeline or sanctions terms",
    "condition_proposal": None,
    "condition_event": None,
    "quote_original": "",
    "quote_language": "",
    "quote_check": "no_text",
    "quote_check_span": None,
    "version": 1,
    "url": "http://127.0.0.1:8000/api/v1/positions/11/",
    "created_at": "2026-01-05T10:00:00Z",
    "updated_at": "2026-01-05T10:00:00Z",
}

POSITIONS_PAGE = OpenApiExample(
    "North Korea on the big deal",
    summary="?actor=north-korea&proposal=big-deal",
    value=POSITION,
    response_only=True,
    status_codes=["200"],
)

STANCES_PAGE = OpenApiExample(
    "The matrix on a date",
    summary="?as_of=2019-03-31",
    value={
        "next": "http://127.0.0.1:8000/api/v1/stances/?as_of=2019-03-31&cursor=eyJ…",
        "previous": None,
        "results": [
            {
                "actor": "north-korea",
                "proposal": "big-deal",
                "stance": -2,
                "stance_label": "rejects outright",
                "stated_on": "2019-03-15",
                "position": 6,
                "disputed": False,
                "resolution": "single",
                "day_stance_min": -2,
                "day_stance_max": -2,
                "day_positions": 1,
            }
        ],
    },
    response_only=True,
    status_codes=["200"],
)

TIMELINE_PAGE = OpenApiExample(
    "One pair's line",
    summary="?actor=north-korea&proposal=big-deal",
    value={
        "series": [
            {
                "actor": "north-korea",
                "proposal": "big-deal",
                "points": [
                    {"stated_on": "2019-02-28", "stance": -1, "position": 4},
                    {"stated_on": "2019-03-15", "stance": -2, "position": 6},
                ],
            }
        ],
        "next": None,
        "previous": None,
    },
    response_only=True,
    status_codes=["200"],
)

CHANGES_PAGE = OpenApiExample(
    "A reversal",
    summary="?kind=reversal",
    value={
        "next": None,
        "previous": None,
        "results": [
            {
                "actor": "north-korea",
                "proposal": "sanctions-relief",
                "kind": "reversal",
                "from_stance": 2,
                "to_stance": -1,
                "from_position": 41,
                "to_position": 78,
                "changed_on": "2019-12-31",
                "disputed": False,
                "contested": False,
            }
        ],
    },
    response_only=True,
    status_codes=["200"],
)

GAP = OpenApiExample(
    "The United States and North Korea",
    summary="?a=united-states&b=north-korea&terms=false",
    value={
        "a": "united-states",
        "b": "north-korea",
        "points": [
            {
                "date": "2019-02-28",
                "gap": 3.0,
                "proposals": 1,
                "terms": [],
                "moved_a": 0.0,
                "moved_b": 0.0,
                "composition": 3.0,
                "changed": ["b"],
            }
        ],
    },
    response_only=True,
    status_codes=["200"],
)
