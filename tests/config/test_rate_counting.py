"""Rates are counted in the shared cache with one increment per request:
exact within a window of the rate's period, refused requests not counted,
the same count whichever process (throttle) asked, and never a wait longer
than the period."""

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
    clock = Clock(6_000_000.0 + 15)  # 15 s into a minute
    for _ in range(3):
        _asks(clock)
    allowed, throttle, request = _asks(clock)

    assert allowed is False
    assert throttle.wait() == 45
    assert request.rate_limit == (3, 0, 45)

    clock.now += 45
    assert [_asks(clock)[0] for _ in range(4)] == [True, True, True, False]


def test_a_refusal_is_not_counted_against_the_rest_of_the_window():
    clock = Clock(6_000_000.0)
    for _ in range(5):
        _asks(clock)
    _, throttle, request = _asks(clock)

    assert cache.get(f"{throttle.key}:{int(clock.now // 60)}") == 3
    assert request.rate_limit == (3, 0, 60)


def test_the_count_stays_one_number_however_many_requests():
    clock = Clock(6_000_000.0)
    for _ in range(3):
        _asks(clock)
    _, throttle, _ = _asks(clock)

    assert cache.get(f"{throttle.key}:{int(clock.now // 60)}") == 3
