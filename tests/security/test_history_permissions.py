"""A7 (admin row): the "Revert" form of each admin history page.

django-simple-history shows an old version of an object at
``/admin/<app>/<model>/<id>/history/<version>/`` in a form whose button
saves it, and checks only *view* permission. These tests post that form as
each role, for each tracked model: viewing stays open to viewers, saving an
old version needs change permission, and bringing back a deleted object
needs add and delete permission (it undoes someone's deletion).
"""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from actors.models import Actor, Affiliation
from config.lib.admin import HistoryRevertPermissionMixin
from positions.models import Article, Negotiation, Position, Proposal
from positions.services import position_create, position_delete, position_update
from tests.factories import (
    AffiliationFactory,
    ArticleFactory,
    NegotiationFactory,
    ProposalFactory,
    StateFactory,
)

ROLES = ["analyst", "curator", "superuser"]
# What the analysts group may change (positions/migrations/0002_default_groups).
ANALYST_CHANGES = {"article", "position"}


def _actor():
    return StateFactory(name="Old name", slug="old-state"), "name", "New name"


def _affiliation():
    return AffiliationFactory(role="Old role"), "role", "New role"


def _negotiation():
    return NegotiationFactory(title="Old talks", slug="old-talks"), "title", "New"


def _proposal():
    return ProposalFactory(title="Old plan", slug="old-plan"), "title", "New plan"


def _article():
    return ArticleFactory(title="Old headline"), "title", "New headline"


def _position():
    position = position_create(
        actor=StateFactory(name="Side", slug="side"),
        proposal=ProposalFactory(title="Plan", slug="plan"),
        article=ArticleFactory(title="Source"),
        stance=1,
        stated_on=datetime.date(2019, 3, 28),
        note="Old note",
    )
    return position, "note", "New note"


BUILDERS = {
    "actor": _actor,
    "affiliation": _affiliation,
    "negotiation": _negotiation,
    "proposal": _proposal,
    "article": _article,
    "position": _position,
}
MODELS = {
    "actor": Actor,
    "affiliation": Affiliation,
    "negotiation": Negotiation,
    "proposal": Proposal,
    "article": Article,
    "position": Position,
}


def _change(obj, field, value):
    if isinstance(obj, Position):
        position_update(
            position_id=obj.pk, expected_version=obj.version, changes={field: value}
        )
    else:
        setattr(obj, field, value)
        obj.save()


def _delete(obj):
    if isinstance(obj, Position):
        position_delete(position_id=obj.pk)
    else:
        obj.delete()


def _stored(model_name, pk, field):
    row = MODELS[model_name].objects.filter(pk=pk).values_list(field, flat=True)
    return row.first()


def _history_count(model_name, pk):
    return MODELS[model_name].history.filter(id=pk).count()


def _url(obj_or_model, pk, history_id):
    opts = obj_or_model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[pk, history_id],
    )


def _form_data(response) -> dict:
    """The history form as the page rendered it, ready to post back."""
    form = response.context["adminform"].form
    data = {"_save": "Revert"}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            data[name] = ""
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def user(request, analyst):
    # The analysts group is not staff by default; give them the admin so the
    # permission checks, not the staff check, are what is tested.
    analyst.is_staff = True
    analyst.save()
    return request.getfixturevalue(request.param)


@pytest.fixture
def changed(db, request):
    """An object of the model, then changed: its first version is the old one."""
    obj, field, new_value = BUILDERS[request.param]()
    old_value = getattr(obj, field)
    first = obj.history.earliest("history_date")
    _change(obj, field, new_value)
    return request.param, obj, field, old_value, new_value, first.history_id


def _may_change(role, model_name):
    return role != "analyst" or model_name in ANALYST_CHANGES


@pytest.mark.parametrize("changed", list(BUILDERS), indirect=True)
@pytest.mark.parametrize("user", ROLES, indirect=True)
def test_it_shows_an_old_version_to_every_viewer(client, user, changed):
    model_name, obj, field, old_value, _, history_id = changed
    client.force_login(user)

    response = client.get(_url(obj, obj.pk, history_id))

    assert response.status_code == 200
    assert old_value in response.text
    reverts = 'name="_save"' in response.text
    assert reverts is _may_change(user.username, model_name)


@pytest.mark.parametrize("changed", list(BUILDERS), indirect=True)
@pytest.mark.parametrize("user", ROLES, indirect=True)
def test_it_reverts_only_for_users_who_may_change(client, user, changed):
    model_name, obj, field, old_value, new_value, history_id = changed
    client.force_login(user)
    url = _url(obj, obj.pk, history_id)
    data = _form_data(client.get(url))
    versions = _history_count(model_name, obj.pk)

    response = client.post(url, data)

    if _may_change(user.username, model_name):
        assert response.status_code == 302
        assert _stored(model_name, obj.pk, field) == old_value
        assert _history_count(model_name, obj.pk) == versions + 1
    else:
        assert response.status_code == 403
        assert _stored(model_name, obj.pk, field) == new_value
        assert _history_count(model_name, obj.pk) == versions


@pytest.mark.parametrize(
    "changed", ["actor", "affiliation", "negotiation", "proposal"], indirect=True
)
def test_it_refuses_the_bare_save_button_of_a_view_only_user(client, analyst, changed):
    """The reported attack: the view-only page's form, posted with ``_save``."""
    model_name, obj, field, _, new_value, history_id = changed
    analyst.is_staff = True
    analyst.save()
    client.force_login(analyst)
    versions = _history_count(model_name, obj.pk)

    response = client.post(_url(obj, obj.pk, history_id), {"_save": "Save"})

    assert response.status_code == 403
    assert _stored(model_name, obj.pk, field) == new_value
    assert _history_count(model_name, obj.pk) == versions


@pytest.mark.parametrize("changed", list(BUILDERS), indirect=True)
@pytest.mark.parametrize("user", ROLES, indirect=True)
def test_it_recreates_a_deleted_object_only_with_delete_permission(
    client, user, changed
):
    model_name, obj, field, old_value, _, history_id = changed
    pk, model = obj.pk, MODELS[model_name]
    _delete(obj)
    client.force_login(user)
    url = _url(model, pk, history_id)
    page = client.get(url)
    assert page.status_code == 200
    versions = _history_count(model_name, pk)

    response = client.post(url, _form_data(page))

    if user.username == "analyst":
        assert 'name="_save"' not in page.text
        assert response.status_code == 403
        assert not model.objects.filter(pk=pk).exists()
        assert _history_count(model_name, pk) == versions
    else:
        assert response.status_code == 302
        assert _stored(model_name, pk, field) == old_value
        assert _history_count(model_name, pk) > versions


def test_every_history_admin_checks_permissions_before_reverting():
    tracked = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if hasattr(model, "history")
        and model._meta.app_label in ("actors", "positions")
    ]

    assert {type(model_admin).__name__ for model_admin in tracked} >= {
        "ActorMergeAdmin",
        "AffiliationAdmin",
        "NegotiationAdmin",
        "ProposalAdmin",
        "ArticleAdmin",
        "PositionAdmin",
    }
    assert all(
        isinstance(model_admin, HistoryRevertPermissionMixin) for model_admin in tracked
    )


@pytest.mark.parametrize("changed", ["actor"], indirect=True)
def test_it_lets_nobody_revert_when_reverting_is_switched_off(
    client, superuser, changed, settings
):
    settings.SIMPLE_HISTORY_REVERT_DISABLED = True
    model_name, obj, field, _, new_value, history_id = changed
    client.force_login(superuser)
    url = _url(obj, obj.pk, history_id)
    page = client.get(url)

    response = client.post(url, _form_data(page))

    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert response.status_code == 403
    assert _stored(model_name, obj.pk, field) == new_value
