"""The first demo (positions/devdata/demo/data.py and loader.py at commit
bcf1f5c), kept here only to test that the current demo updates a database it
loaded. Its data is reproduced as it was; ``load_first_demo`` is its loader.
"""

import datetime
from pathlib import Path

D = datetime.date.fromisoformat

STATES = [
    {
        "slug": "united-states",
        "name": "United States",
        "short_name": "US",
        "kind": "state",
        "aliases": ["USA", "U.S.", "Washington"],
        "description": "The United States of America.",
    },
    {
        "slug": "north-korea",
        "name": "North Korea",
        "short_name": "DPRK",
        "kind": "state",
        "aliases": ["Democratic People's Republic of Korea", "Pyongyang"],
        "description": "The Democratic People's Republic of Korea.",
    },
    {
        "slug": "south-korea",
        "name": "South Korea",
        "short_name": "ROK",
        "kind": "state",
        "aliases": ["Republic of Korea", "Seoul"],
        "description": "The Republic of Korea.",
    },
    {
        "slug": "sejong-institute",
        "name": "Sejong Institute",
        "short_name": "Sejong",
        "kind": "organization",
        "aliases": [],
        "description": "Think tank in Seoul.",
    },
]

PERSONS = [
    {"slug": "donald-trump", "name": "Donald Trump", "aliases": []},
    {"slug": "kim-jong-un", "name": "Kim Jong Un", "aliases": ["Kim Jong-un"]},
    {"slug": "moon-jae-in", "name": "Moon Jae-in", "aliases": ["Moon Jae In"]},
    {"slug": "mike-pompeo", "name": "Mike Pompeo", "aliases": ["Michael Pompeo"]},
    {"slug": "john-bolton", "name": "John Bolton", "aliases": []},
    {"slug": "stephen-biegun", "name": "Stephen Biegun", "aliases": []},
    {"slug": "kang-kyung-wha", "name": "Kang Kyung-wha", "aliases": ["Kang Kyung Wha"]},
    {
        "slug": "lee-do-hoon",
        "name": "Lee Do-hoon",
        "aliases": ["Lee Do Hoon"],
        "description": "Took up his post in 2018; the day is not recorded here, so "
        "his affiliation starts on 2018-01-01.",
    },
    {
        "slug": "choe-son-hui",
        "name": "Choe Son Hui",
        "aliases": ["Choe Son-hui", "Choe Sun Hui"],
        "description": "Affiliation recorded from her first statement in this data "
        "(2019-03-15); she held the post before.",
    },
    {
        "slug": "kim-kye-gwan",
        "name": "Kim Kye Gwan",
        "aliases": ["Kim Kye-gwan"],
        "description": "Affiliation recorded from his first statement in this data "
        "(2018-05-16); he held the post before.",
    },
    {
        "slug": "woo-jung-yeop",
        "name": "Woo Jung-yeop",
        "aliases": ["Woo Jung Yeop"],
        "description": "Analyst. His readings are a source's view, not a side's "
        "stance, so they are not recorded as positions.",
    },
]

AFFILIATIONS = [
    ("donald-trump", "united-states", "President", D("2017-01-20"), D("2021-01-20")),
    (
        "kim-jong-un",
        "north-korea",
        "Chairman of the State Affairs Commission",
        D("2016-06-29"),
        None,
    ),
    ("moon-jae-in", "south-korea", "President", D("2017-05-10"), D("2022-05-09")),
    ("mike-pompeo", "united-states", "Secretary of State", D("2018-04-26"), None),
    (
        "john-bolton",
        "united-states",
        "National Security Advisor",
        D("2018-04-09"),
        D("2019-09-10"),
    ),
    (
        "stephen-biegun",
        "united-states",
        "Special Representative for North Korea",
        D("2018-08-23"),
        None,
    ),
    ("kang-kyung-wha", "south-korea", "Foreign Minister", D("2017-06-18"), None),
    (
        "lee-do-hoon",
        "south-korea",
        "Special Representative for Korean Peninsula Peace and Security Affairs",
        D("2018-01-01"),
        None,
    ),
    ("choe-son-hui", "north-korea", "Vice Foreign Minister", D("2019-03-15"), None),
    (
        "kim-kye-gwan",
        "north-korea",
        "First Vice Foreign Minister",
        D("2018-05-16"),
        None,
    ),
    ("woo-jung-yeop", "sejong-institute", "Research fellow", D("2019-03-28"), None),
]

NEGOTIATION = {
    "slug": "korea-denuclearization-2018-2019",
    "title": "Korean Peninsula denuclearization talks, 2018–2019",
    "description": "The summit diplomacy between the United States and North Korea, "
    "with South Korea as broker: Singapore (June 2018), Pyongyang (September 2018), "
    "Hanoi (February 2019, no agreement). Washington wants a big deal, Pyongyang a "
    "phased deal with partial sanctions relief, Seoul a comprehensive road map "
    "implemented step by step.",
    "participants": ["united-states", "north-korea", "south-korea"],
}

PROPOSALS = [
    {
        "slug": "big-deal",
        "title": "Big deal",
        "summary": "Complete denuclearisation up front, including all weapons of mass "
        "destruction, in exchange for full sanctions relief.",
        "originated_by": "united-states",
    },
    {
        "slug": "phased-deal",
        "title": "Phased deal",
        "summary": "Step-by-step denuclearisation for partial sanctions relief: "
        "“simultaneous measures” by both sides.",
        "originated_by": "north-korea",
    },
    {
        "slug": "road-map",
        "title": "Road map",
        "summary": "One comprehensive agreement on the whole process, implemented in "
        "pieces with reciprocal measures for each step.",
        "originated_by": "south-korea",
    },
    {
        "slug": "libya-model",
        "title": "Libya model",
        "summary": "Disarm first, compensation later: the name John Bolton used in "
        "2018, after Libya's 2003 disarmament.",
        "originated_by": "united-states",
    },
]

SEARCH_LINK_NOTE = (
    " The exact address of this article was not recorded: the link is a search for "
    "it on the outlet's site, and the title describes it."
)

ARTICLES = [
    {
        "key": "bloomberg-2018-05-16",
        "url": "https://www.bloomberg.com/search?query=Kim+Kye+Gwan+Libya+model",
        "title": "North Korea's Kim Kye Gwan rejects the “Libya model”",
        "outlet": "Bloomberg",
        "published_on": D("2018-05-16"),
        "summary": "Kim Kye Gwan rejects giving up weapons first, voices repugnance "
        "toward Bolton and says Pyongyang might reconsider the summit."
        + SEARCH_LINK_NOTE,
    },
    {
        "key": "washington-post-2018-05-17",
        "url": "https://www.washingtonpost.com/search/?query=Libya+model+Trump+Kim",
        "title": "Trump offers reassurance that North Korean dictator Kim Jong Un "
        "would remain in power under nuclear deal",
        "outlet": "The Washington Post",
        "published_on": D("2018-05-17"),
        "summary": "Trump distances himself from the Libya model named by his "
        "national security adviser." + SEARCH_LINK_NOTE,
    },
    {
        "key": "straits-times-2018-06-12",
        "url": "https://www.straitstimes.com/search?searchkey=Trump+Kim+joint+statement",
        "title": "Trump and Kim sign joint statement at the Singapore summit",
        "outlet": "The Straits Times",
        "published_on": D("2018-06-12"),
        "summary": "Singapore joint statement: US security guarantees; Kim reaffirms "
        "complete denuclearization of the Korean Peninsula; sanctions stay for now."
        + SEARCH_LINK_NOTE,
    },
    {
        "key": "usa-today-2018-09-19",
        "url": "https://www.usatoday.com/story/news/world/2018/09/19/"
        "kim-jong-un-moon-jae-sign-agreement-peace/1355006002/",
        "title": "North Korea agrees to dismantle missile test site as Kim Jong Un, "
        "Moon Jae-in sign deal",
        "outlet": "USA Today",
        "authors": "Thomas Maresca",
        "published_on": D("2018-09-19"),
        "summary": "Pyongyang Joint Declaration: the North would permanently "
        "dismantle Yongbyon if the US takes corresponding measures.",
    },
    {
        "key": "los-angeles-times-2019-03-15",
        "url": "https://www.latimes.com/world/la-fg-north-korea-kim-20190314-story.html",
        "title": "Kim Jong Un is rethinking U.S. talks and his launch moratorium, North "
        "Korea official says",
        "outlet": "Los Angeles Times",
        "authors": "Associated Press",
        "published_on": D("2019-03-15"),
        "summary": "Choe Son Hui says the North has no intention to compromise or "
        "continue talks unless the US changes its political calculation.",
    },
    {
        "key": "korea-herald-2019-03-28",
        "url": "https://www.koreaherald.com/view.php?ud=20190328000716",
        "title": "South Korean nuclear envoy to propose ‘phased denuke approach’ to US "
        "counterpart",
        "outlet": "The Korea Herald",
        "authors": "Park Han-na",
        "published_on": D("2019-03-28"),
        "summary": "Seoul affirms a comprehensive agreement implemented step by step, "
        "between Washington's big deal and Pyongyang's phased approach.",
        "body_file": "korea-herald-2019-03-28-phased-denuke.txt",
    },
    {
        "key": "nk-news-2019-04-13",
        "url": "https://www.nknews.org/?s=Kim+Jong+Un+Supreme+People%27s+Assembly+speech",
        "title": "Kim Jong Un's Supreme People's Assembly speech: US must change its "
        "method of calculation",
        "outlet": "NK News",
        "published_on": D("2019-04-13"),
        "summary": "Kim will wait until the end of the year for a courageous decision "
        "by the United States." + SEARCH_LINK_NOTE,
    },
]

# Each position names its side, or a speaker whose affiliation supplies it.
POSITIONS = [
    {
        "article": "bloomberg-2018-05-16",
        "speaker": "kim-kye-gwan",
        "proposal": "libya-model",
        "stance": -2,
        "stated_on": D("2018-05-16"),
        "confidence": "high",
        "note": "Rejected the Libya model of giving up weapons first; spoke of "
        "“repugnance” toward Bolton and said Pyongyang might reconsider the summit.",
    },
    {
        "article": "bloomberg-2018-05-16",
        "speaker": "kim-kye-gwan",
        "proposal": "big-deal",
        "stance": -2,
        "stated_on": D("2018-05-16"),
        "note": "Disarming first, as the big deal asks, is what he rejected.",
    },
    {
        "article": "washington-post-2018-05-17",
        "speaker": "donald-trump",
        "proposal": "libya-model",
        "stance": -1,
        "stated_on": D("2018-05-17"),
        "confidence": "high",
        "quote": "The Libya model isn't the model that we have at all",
        "note": "Contradicting his national security adviser.",
    },
    {
        "article": "straits-times-2018-06-12",
        "speaker": "donald-trump",
        "proposal": "big-deal",
        "stance": 2,
        "stated_on": D("2018-06-12"),
        "quote": "no longer a factor",
        "note": "Sanctions stay until nuclear weapons are “no longer a factor”.",
    },
    {
        "article": "straits-times-2018-06-12",
        "speaker": "kim-jong-un",
        "proposal": "big-deal",
        "stance": 0,
        "stated_on": D("2018-06-12"),
        "quote": "complete denuclearization of the Korean Peninsula",
        "note": "Reaffirmed the goal without accepting its sequencing.",
    },
    {
        "article": "usa-today-2018-09-19",
        "speaker": "kim-jong-un",
        "proposal": "phased-deal",
        "stance": 2,
        "stated_on": D("2018-09-19"),
        "quote": "corresponding measures",
        "note": "Willing to dismantle Yongbyon permanently if the US takes "
        "corresponding measures (conditional).",
    },
    {
        "article": "usa-today-2018-09-19",
        "speaker": "moon-jae-in",
        "proposal": "road-map",
        "stance": 2,
        "stated_on": D("2018-09-19"),
        "note": "Announced the declaration and its reciprocal steps.",
    },
    {
        "article": "los-angeles-times-2019-03-15",
        "speaker": "choe-son-hui",
        "proposal": "big-deal",
        "stance": -2,
        "stated_on": D("2019-03-15"),
        "confidence": "high",
        "quote": "gangster-like stand of the U.S.",
        "note": "No intention to compromise or continue talks unless the US changes "
        "its political calculation.",
    },
    {
        "article": "korea-herald-2019-03-28",
        "speaker": "choe-son-hui",
        "proposal": "big-deal",
        "stance": -2,
        "stated_on": D("2019-03-15"),
        "note": "The seed article reports her threat of 15 March to pull out of "
        "nuclear negotiations with Washington.",
    },
    {
        "article": "korea-herald-2019-03-28",
        "speaker": "lee-do-hoon",
        "proposal": "road-map",
        "stance": 2,
        "stated_on": D("2019-03-28"),
        "confidence": "high",
        "quote": "The most important thing now is to resume US-North Korea "
        "negotiations and what we can do to help it",
        "note": "Seoul affirms a comprehensive agreement with step-by-step "
        "implementation.",
    },
    {
        "article": "korea-herald-2019-03-28",
        "actor": "united-states",
        "proposal": "big-deal",
        "stance": 2,
        "stated_on": D("2019-03-28"),
        "quote": "Washington demands a “big deal” in which North Korea relinquishes "
        "all of its weapons of mass destruction.",
    },
    {
        "article": "korea-herald-2019-03-28",
        "actor": "north-korea",
        "proposal": "phased-deal",
        "stance": 2,
        "stated_on": D("2019-03-28"),
        "quote": "willing to give up nuclear weapons in a phased manner in exchange "
        "for partial sanctions relief",
    },
    {
        "article": "nk-news-2019-04-13",
        "speaker": "kim-jong-un",
        "proposal": "big-deal",
        "stance": -2,
        "stated_on": D("2019-04-12"),
        "confidence": "high",
        "quote": "current method of calculation",
        "note": "The US must drop its current method of calculation; he will wait "
        "until the end of the year for a courageous decision.",
    },
]


def load_first_demo() -> None:
    """The first demo's loader, as it was (less its counting)."""
    from actors.models import Actor, Affiliation
    from positions.models import Article, Confidence, Negotiation, Position, Proposal
    from positions.services import position_create, side_for_speaker

    here = Path(__file__).resolve().parents[2] / "positions/devdata/demo"

    def create(model, **fields):
        obj = model(**fields)
        obj.full_clean()
        obj.save()
        return obj

    actors = {}
    for fields in STATES + [dict(p, kind="person") for p in PERSONS]:
        actors[fields["slug"]] = create(Actor, **fields)
    for person, organization, role, start, end in AFFILIATIONS:
        create(
            Affiliation,
            person=actors[person],
            organization=actors[organization],
            role=role,
            start_date=start,
            end_date=end,
        )
    spec = dict(NEGOTIATION)
    participants = [actors[slug] for slug in spec.pop("participants")]
    negotiation = create(Negotiation, **spec)
    negotiation.participants.set(participants)
    proposals = {}
    for fields in PROPOSALS:
        fields = dict(fields, originated_by=actors[fields["originated_by"]])
        proposals[fields["slug"]] = create(Proposal, negotiation=negotiation, **fields)
    articles = {}
    for fields in ARTICLES:
        fields = dict(fields)
        key = fields.pop("key")
        body_file = fields.pop("body_file", None)
        if body_file:
            fields["body"] = (here / body_file).read_text(encoding="utf-8")
        articles[key] = create(Article, **fields)
    for spec in POSITIONS:
        speaker = actors[spec["speaker"]] if "speaker" in spec else None
        actor = actors[spec["actor"]] if "actor" in spec else None
        if actor is None:
            actor = side_for_speaker(speaker=speaker, on=spec["stated_on"])
        position_create(
            actor=actor,
            speaker=speaker,
            proposal=proposals[spec["proposal"]],
            article=articles[spec["article"]],
            stance=spec["stance"],
            stated_on=spec["stated_on"],
            confidence=Confidence[spec.get("confidence", "medium").upper()],
            quote=spec.get("quote", ""),
            note=spec.get("note", ""),
        )
    assert Position.objects.count() == len(POSITIONS)
