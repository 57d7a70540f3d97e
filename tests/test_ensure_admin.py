import re
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

User = get_user_model()
PRINTED_PASSWORD = re.compile(r"with password: (\S+)")


def ensure_admin(*args):
    out = StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_superuser_admin_with_a_printed_password(db):
    output = ensure_admin()

    password = PRINTED_PASSWORD.search(output).group(1)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert authenticate(username="admin", password=password) == admin
    assert authenticate(username="admin", password=password + "x") is None
    assert User.objects.count() == 1


def test_it_prints_a_new_password_on_each_database(db):
    first = PRINTED_PASSWORD.search(ensure_admin()).group(1)
    User.objects.all().delete()

    second = PRINTED_PASSWORD.search(ensure_admin()).group(1)

    assert first != second
    assert len(second) >= 16


def test_it_creates_nothing_and_prints_no_password_when_run_again(db):
    password = PRINTED_PASSWORD.search(ensure_admin()).group(1)
    admin = User.objects.get(username="admin")

    output = ensure_admin()

    assert PRINTED_PASSWORD.search(output) is None
    assert password not in output
    assert "Log in as 'admin'" in output
    assert User.objects.count() == 1
    assert User.objects.get(username="admin").password == admin.password
    assert authenticate(username="admin", password=password) == admin


def test_it_leaves_an_existing_user_of_that_name_alone(db):
    existing = User.objects.create_user(username="admin", password="their-own-1")

    output = ensure_admin()

    assert PRINTED_PASSWORD.search(output) is None
    existing.refresh_from_db()
    assert not existing.is_superuser
    assert authenticate(username="admin", password="their-own-1") == existing
    assert User.objects.count() == 1


def test_it_takes_another_username(db):
    output = ensure_admin("--username", "curator-in-chief")

    password = PRINTED_PASSWORD.search(output).group(1)
    assert authenticate(username="curator-in-chief", password=password).is_superuser
    assert not User.objects.filter(username="admin").exists()
