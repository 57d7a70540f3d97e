"""The demo's negotiation and the proposals on its table."""

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
    {
        "slug": "end-of-war-declaration",
        "title": "End-of-war declaration",
        "summary": "A political declaration that the Korean War is over, as a first "
        "step towards a peace treaty replacing the 1953 armistice; not itself a "
        "legally binding treaty.",
        "originated_by": None,
    },
    {
        "slug": "sanctions-relief",
        "title": "Sanctions relief",
        "summary": "Lifting or easing the UN and US sanctions on North Korea, in part "
        "(those that hit the civilian economy) or in full, and when: before, during "
        "or only after denuclearisation.",
        "originated_by": None,
    },
    {
        "slug": "yongbyon-dismantlement",
        "title": "Yongbyon dismantlement",
        "summary": "Permanent dismantlement of the nuclear complex at Yongbyon "
        "(also romanised Nyongbyon or Yeongbyeon), with its plutonium and uranium "
        "facilities, under outside inspection, in return for corresponding "
        "measures.",
        "originated_by": "north-korea",
    },
]
