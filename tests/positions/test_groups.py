import pytest
from django.contrib.auth.models import Permission

MODELS = [
    "actors.actor",
    "actors.affiliation",
    "positions.negotiation",
    "positions.proposal",
    "positions.article",
    "positions.position",
    "positions.event",
    "positions.proposallink",
]
TRACKED_APPS = ["actors", "positions"]


def permission(action, model):
    app_label, model_name = model.split(".")
    return f"{app_label}.{action}_{model_name}"


def codenames(group, **filters):
    return set(
        group.permissions.filter(**filters).values_list(
            "content_type__app_label", "codename"
        )
    )


def test_it_gives_analysts_every_view_permission_of_the_tracked_apps(analysts, analyst):
    views = Permission.objects.filter(
        content_type__app_label__in=TRACKED_APPS, codename__startswith="view_"
    )

    names = {f"{view.content_type.app_label}.{view.codename}" for view in views}
    for model in MODELS:
        app_label, model_name = model.split(".")
        assert permission("view", model) in names
        assert permission("view", f"{app_label}.historical{model_name}") in names
    for view in views:
        assert analyst.has_perm(f"{view.content_type.app_label}.{view.codename}")


@pytest.mark.parametrize("model", ["positions.article", "positions.position"])
@pytest.mark.parametrize("action", ["add", "change"])
def test_it_lets_analysts_add_and_change_articles_and_positions(analyst, model, action):
    assert analyst.has_perm(permission(action, model))


@pytest.mark.parametrize("model", MODELS)
def test_it_forbids_analysts_to_delete_any_model(analyst, model):
    assert not analyst.has_perm(permission("delete", model))


def test_it_gives_analysts_no_delete_permission_at_all(analysts):
    assert codenames(analysts, codename__startswith="delete_") == set()


@pytest.mark.parametrize(
    "model",
    [
        "actors.actor",
        "actors.affiliation",
        "positions.negotiation",
        "positions.proposal",
    ],
)
@pytest.mark.parametrize("action", ["add", "change"])
def test_it_forbids_analysts_to_curate_actors_negotiations_and_proposals(
    analyst, model, action
):
    assert not analyst.has_perm(permission(action, model))


def test_it_gives_analysts_exactly_views_and_article_position_and_event_edits(
    analysts,
):
    edits = {
        ("positions", f"{action}_{model}")
        for action in ("add", "change")
        for model in ("article", "position", "event")
    }

    assert codenames(analysts, codename__startswith="view_") | edits == codenames(
        analysts
    )
    assert edits <= codenames(analysts)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("action", ["view", "add", "change", "delete"])
def test_it_lets_curators_add_change_and_delete_all_eight_models(
    curator, model, action
):
    assert curator.has_perm(permission(action, model))


@pytest.mark.parametrize("action", ["view", "add", "change", "delete"])
def test_it_gives_curators_no_permission_on_users(curators, curator, action):
    assert not curator.has_perm(f"auth.{action}_user")
    assert codenames(curators, content_type__app_label="auth") == set()


@pytest.mark.parametrize("model", MODELS)
def test_it_lets_curators_read_but_not_edit_history(curator, model):
    app_label, model_name = model.split(".")
    history = f"{app_label}.historical{model_name}"

    assert curator.has_perm(permission("view", history))
    for action in ("add", "change", "delete"):
        assert not curator.has_perm(permission(action, history))
