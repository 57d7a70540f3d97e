"""What the first demo (until commit bcf1f5c) had and this one replaces.

The first demo cited five articles under addresses the facts files do not
give: search links on the outlets' sites, and a Los Angeles Times address
that differs from the one the files record. Those articles and the seven
positions they sourced are retired when an older demo database is updated:
their statements are now sourced from the addresses the files give. An
article is only removed once nothing else cites it.
"""

import datetime

D = datetime.date.fromisoformat

# address -> the first demo's positions on it: (side, proposal, speaker, stated_on)
RETIRED = {
    "https://www.bloomberg.com/search?query=Kim+Kye+Gwan+Libya+model": [
        ("north-korea", "libya-model", "kim-kye-gwan", D("2018-05-16")),
        ("north-korea", "big-deal", "kim-kye-gwan", D("2018-05-16")),
    ],
    "https://www.washingtonpost.com/search/?query=Libya+model+Trump+Kim": [
        ("united-states", "libya-model", "donald-trump", D("2018-05-17")),
    ],
    "https://www.straitstimes.com/search?searchkey=Trump+Kim+joint+statement": [
        ("united-states", "big-deal", "donald-trump", D("2018-06-12")),
        ("north-korea", "big-deal", "kim-jong-un", D("2018-06-12")),
    ],
    "https://www.latimes.com/world/la-fg-north-korea-kim-20190314-story.html": [
        ("north-korea", "big-deal", "choe-son-hui", D("2019-03-15")),
    ],
    "https://www.nknews.org/?s=Kim+Jong+Un+Supreme+People%27s+Assembly+speech": [
        ("north-korea", "big-deal", "kim-jong-un", D("2019-04-12")),
    ],
}
