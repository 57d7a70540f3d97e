"""Numbers that several layers must agree on."""

# Rows of a page, in the API (``page_size``) and on the web lists.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

# Ids a bigint primary key can hold: anything else is no id, checked before a
# query so the database never sees an out-of-range value.
MAX_ID = 2**63 - 1


def is_id(value) -> bool:
    return type(value) is int and 0 < value <= MAX_ID

# Values one repeatable parameter may carry (``?actor=a&actor=b…``): each is
# a lookup and an OR in the query.
MAX_REPEATED_VALUES = 100
