"""The demo's sides, the people who speak for them, and their roles over time.

Where a source gives the first day of a role, the affiliation starts on it.
Where it does not, the affiliation starts on the first date the demo's
sources show the person in the role, and the person's description says so.
"""

import datetime

D = datetime.date.fromisoformat

FIRST_SEEN = (
    "The day the post began is not in the sources used here; the affiliation starts "
    "on the first date they show {pronoun} in it ({date})."
)

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
        "description": FIRST_SEEN.format(pronoun="her", date="2019-03-01")
        + " She is First Vice Foreign Minister in a statement of 2019-09-09.",
    },
    {
        "slug": "kim-kye-gwan",
        "name": "Kim Kye Gwan",
        "aliases": ["Kim Kye-gwan"],
        "description": FIRST_SEEN.format(pronoun="him", date="2018-05-16")
        + " He speaks as an adviser to the Foreign Ministry on 2019-11-18.",
    },
    {
        "slug": "ri-yong-ho",
        "name": "Ri Yong Ho",
        "aliases": ["Ri Yong-ho", "Lee Yong-ho", "Lee Yong Ho"],
        "description": FIRST_SEEN.format(pronoun="him", date="2018-09-29"),
    },
    {
        "slug": "ri-thae-song",
        "name": "Ri Thae Song",
        "aliases": ["Ri Thae-song", "Ri Tae Song"],
        "description": "Vice Foreign Minister for US affairs. "
        + FIRST_SEEN.format(pronoun="him", date="2019-12-03"),
    },
    {
        "slug": "kim-myong-gil",
        "name": "Kim Myong Gil",
        "aliases": ["Kim Myong-gil"],
        "description": "North Korea's chief negotiator at the Stockholm talks. "
        + FIRST_SEEN.format(pronoun="him", date="2019-10-05"),
    },
    {
        "slug": "dprk-foreign-ministry-spokesman",
        "name": "DPRK Foreign Ministry spokesman",
        "aliases": ["North Korean Foreign Ministry spokesman"],
        "description": "The ministry's spokesman, unnamed in the KCNA statements. "
        "The affiliation starts on the first statement in the demo (2018-07-07).",
    },
    {
        "slug": "morgan-ortagus",
        "name": "Morgan Ortagus",
        "aliases": [],
        "description": FIRST_SEEN.format(pronoun="her", date="2019-10-05"),
    },
    {
        "slug": "ko-min-jung",
        "name": "Ko Min-jung",
        "aliases": ["Ko Min Jung"],
        "description": "Spokesperson of Cheong Wa Dae, the South Korean presidential "
        "office. " + FIRST_SEEN.format(pronoun="her", date="2019-06-27"),
    },
    {
        "slug": "woo-jung-yeop",
        "name": "Woo Jung-yeop",
        "aliases": ["Woo Jung Yeop"],
        "description": "Analyst. His readings are a source's view, not a side's "
        "stance: they are recorded with the attribution “analyst”, for the side they "
        "describe.",
    },
]

# (person, organization, role, start, end)
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
    ("choe-son-hui", "north-korea", "Vice Foreign Minister", D("2019-03-01"), None),
    (
        "choe-son-hui",
        "north-korea",
        "First Vice Foreign Minister",
        D("2019-09-09"),
        None,
    ),
    (
        "kim-kye-gwan",
        "north-korea",
        "First Vice Foreign Minister",
        D("2018-05-16"),
        None,
    ),
    (
        "kim-kye-gwan",
        "north-korea",
        "Adviser to the Foreign Ministry",
        D("2019-11-18"),
        None,
    ),
    ("ri-yong-ho", "north-korea", "Foreign Minister", D("2018-09-29"), None),
    (
        "ri-thae-song",
        "north-korea",
        "Vice Foreign Minister for US affairs",
        D("2019-12-03"),
        None,
    ),
    ("kim-myong-gil", "north-korea", "Chief negotiator", D("2019-10-05"), None),
    (
        "dprk-foreign-ministry-spokesman",
        "north-korea",
        "Foreign Ministry spokesman",
        D("2018-07-07"),
        None,
    ),
    (
        "morgan-ortagus",
        "united-states",
        "State Department spokesperson",
        D("2019-10-05"),
        None,
    ),
    (
        "ko-min-jung",
        "south-korea",
        "Cheong Wa Dae spokesperson",
        D("2019-06-27"),
        None,
    ),
    ("woo-jung-yeop", "sejong-institute", "Research fellow", D("2019-03-28"), None),
]
