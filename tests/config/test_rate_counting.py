"""Rates are counted in the shared cache with one increment per request:
exact within a window, sliding across windows, refused requests not
counted, and the same count whichever process (throttle) asked."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from config.lib.throttling import AnonPageThrottle


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch):
    rates = dict(AnonPageThrottle.THROTTLE_RATES, anon_pages="3/minute")
    monkeypatch.setattr(AnonPageThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    yield
    cache.clear()


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def _asks(clock, *, address="203.0.113.9"):
    """One request from ``address`` through a throttle of its own, as each
    process would make it, at the clock's time."""
    request = RequestFactory().get("/negotiations/", REMOTE_ADDR=address)
    request.user = None
    throttle = AnonPageThrottle()
    throttle.timer = clock
    return throttle.allow_request(request, None), throttle, request


def test_it_allows_the_rate_and_refuses_the_next_request_across_processes():
    clock = Clock(6_000_000.0)  # the start of a minute

    answers = [_asks(clock)[0] for _ in range(4)]

    assert answers == [True, True, True, False]
    # Another address has its own count.
    assert _asks(clock, address="198.51.100.7")[0] is True


def test_a_refused_request_is_not_counted_and_says_how_long_to_wait():
    clock = Clock(6_000_000.0)
    for _ in range(3):
        _asks(clock)
    allowed, throttle, request = _asks(clock)

    assert allowed is False
    # The minute's three requests slide out of the period over the next
    # minute: the first may go when a third of them has.
    assert throttle.wait() == pytest.approx(60 + 20)
    assert request.rate_limit == (3, 0, 60)

    clock.now += 80.5
    assert _asks(clock)[0] is True


def test_the_previous_window_counts_for_what_the_period_still_covers():
    clock = Clock(6_000_000.0)
    for _ in range(3):
        _asks(clock)

    # Half way through the next minute, half of the last one's three still
    # count: one more request fits, a second does not.
    clock.now += 90
    assert [_asks(clock)[0] for _ in range(2)] == [True, False]


def test_the_count_stays_one_number_however_many_requests():
    clock = Clock(6_000_000.0)
    for _ in range(3):
        _asks(clock)
    _, throttle, _ = _asks(clock)

    assert cache.get(f"{throttle.key}:{int(clock.now // 60)}") == 3
