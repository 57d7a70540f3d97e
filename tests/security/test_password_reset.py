"""A5/A23 (anti-automation of account pages): password reset exists only when
outgoing mail is configured; then it is throttled per address and per
mailbox, answers the same, in the same time, whether or not the address has
an account, and a failing mail server costs one log line, not a traceback."""

import logging
import threading
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend

from tests.factories import UserFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
RESET_PAGES = [
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def with_mail(settings):
    settings.PASSWORD_RESET_ENABLED = True
    settings.MAILERS = {"default": {"BACKEND": LOCMEM}}
    settings.PASSWORD_RESET_RATE = "5/hour"


@pytest.fixture
def ana(db):
    user = UserFactory(username="ana", password="correct horse battery")
    user.email = "ana@example.org"
    user.save()
    return user


def wait_for_mail(count: int, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def reset(client, email, address="203.0.113.7"):
    return client.post(
        "/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address
    )


@pytest.mark.parametrize("path", RESET_PAGES)
def test_it_has_no_reset_pages_without_outgoing_mail(client, db, settings, path):
    settings.PASSWORD_RESET_ENABLED = False

    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "ana@example.org"}).status_code == 404


def test_it_sends_a_reset_link_when_mail_is_configured(client, with_mail, ana):
    response = reset(client, "ana@example.org")

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    wait_for_mail(1)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert "/accounts/reset/" in mail.outbox[0].body


def test_it_answers_the_same_for_a_known_and_an_unknown_address(client, with_mail, ana):
    known = reset(client, "ana@example.org")
    unknown = reset(client, "nobody@example.org")

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.content == unknown.content
    wait_for_mail(1)
    assert len(mail.outbox) == 1


class BlockingBackend(EmailBackend):
    """A mail server that answers only when the test lets it."""

    release = threading.Event()
    sent = threading.Event()

    def send_messages(self, messages):
        self.release.wait(timeout=5)
        count = super().send_messages(messages)
        self.sent.set()
        return count


def test_it_answers_before_the_mail_server_does(client, with_mail, ana, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BlockingBackend"}}
    BlockingBackend.release.clear()
    BlockingBackend.sent.clear()

    response = reset(client, "ana@example.org")

    # The answer came while the mail server was still holding the mail.
    assert response.status_code == 302
    assert not BlockingBackend.sent.is_set()
    BlockingBackend.release.set()
    assert BlockingBackend.sent.wait(timeout=5)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_it_logs_a_failing_mail_server_in_one_line(
    client, with_mail, ana, settings, caplog
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}

    with caplog.at_level(logging.ERROR):
        response = reset(client, "ana@example.org")
        deadline = time.monotonic() + 5
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.01)

    assert response.status_code == 302
    [record] = caplog.records
    assert record.exc_info is None
    assert "ConnectionRefusedError" in record.getMessage()
    assert f"user {ana.pk}" in record.getMessage()


def test_it_throttles_requests_from_one_address(client, with_mail, ana):
    statuses = [reset(client, f"n{n}@example.org").status_code for n in range(6)]

    assert statuses == [302] * 5 + [429]
    assert "Too many password reset requests" in reset(client, "x@example.org").text
    assert reset(client, "y@example.org", address="198.51.100.9").status_code == 302


def test_it_sends_one_mailbox_only_so_many_mails_and_says_nothing(
    client, with_mail, ana
):
    responses = [
        reset(client, "ana@example.org", address=f"198.51.100.{n}") for n in range(7)
    ]

    assert {(r.status_code, r.url) for r in responses} == {
        (302, "/accounts/password_reset/done/")
    }
    wait_for_mail(5)
    time.sleep(0.2)
    assert len(mail.outbox) == 5


def test_it_reads_the_mail_server_from_one_url(monkeypatch):
    from config.env import env_mailers

    monkeypatch.setenv("EMAIL_URL", "smtp+tls://me%40x.org:p%2Fw@mail.example.org")
    monkeypatch.setenv("PLAIN", "smtp://relay?timeout=3")
    monkeypatch.setenv("EMPTY", "")

    assert env_mailers("EMAIL_URL")["default"]["OPTIONS"] == {
        "host": "mail.example.org",
        "port": 587,
        "timeout": 10,
        "use_tls": True,
        "username": "me@x.org",
        "password": "p/w",
    }
    assert env_mailers("PLAIN")["default"]["OPTIONS"] == {
        "host": "relay",
        "port": 25,
        "timeout": 3,
    }
    assert env_mailers("EMPTY") == {} == env_mailers("UNSET_EMAIL_URL")


@pytest.mark.parametrize(
    "url", ["http://u:hunter2@mail.example.org", "smtp://u:hunter2@mail:port"]
)
def test_it_refuses_a_bad_mail_url_without_repeating_it(monkeypatch, url):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_mailers

    monkeypatch.setenv("EMAIL_URL", url)

    with pytest.raises(ImproperlyConfigured) as error:
        env_mailers("EMAIL_URL")

    assert "hunter2" not in str(error.value)
