import pytest

from positions.services import position_update

# (admin path, the korea_case attribute whose object the pages show)
MODEL_PAGES = [
    ("actors/actor", "us"),
    ("actors/affiliation", "pompeo_affiliation"),
    ("positions/negotiation", "talks"),
    ("positions/proposal", "big_deal"),
    ("positions/article", "herald"),
    ("positions/position", "us_big_deal"),
]


@pytest.fixture
def shown(korea_case):
    korea_case.pompeo_affiliation = korea_case.pompeo.affiliations.get()
    return korea_case


def autocomplete(client, *, model_name, field_name, term):
    return client.get(
        "/admin/autocomplete/",
        {
            "app_label": "positions" if model_name == "position" else "actors",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )


@pytest.mark.parametrize(("path", "attribute"), MODEL_PAGES)
def test_it_lists_the_object_on_the_changelist(
    superuser_client, shown, path, attribute
):
    obj = getattr(shown, attribute)

    response = superuser_client.get(f"/admin/{path}/")

    assert response.status_code == 200
    assert obj.pk in [row.pk for row in response.context["cl"].result_list]


@pytest.mark.parametrize(("path", "attribute"), MODEL_PAGES)
def test_it_shows_an_empty_form_on_the_add_page(
    superuser_client, shown, path, attribute
):
    response = superuser_client.get(f"/admin/{path}/add/")

    assert response.status_code == 200
    assert response.context["add"] is True
    assert response.context["adminform"].form.instance.pk is None


@pytest.mark.parametrize(("path", "attribute"), MODEL_PAGES)
def test_it_shows_the_object_on_the_change_page(
    superuser_client, shown, path, attribute
):
    obj = getattr(shown, attribute)

    response = superuser_client.get(f"/admin/{path}/{obj.pk}/change/")

    assert response.status_code == 200
    assert response.context["original"] == obj
    assert response.context["adminform"].form.instance.pk == obj.pk


def test_it_renders_the_positions_an_article_cites_as_inline_forms(
    superuser_client, korea_case
):
    response = superuser_client.get(
        f"/admin/positions/article/{korea_case.herald.pk}/change/"
    )

    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert {form.instance.pk for form in formset.formset.forms} == set(
        korea_case.herald.positions.values_list("pk", flat=True)
    )
    assert 'name="positions-0-version"' in response.text


def test_it_shows_every_version_of_a_position_on_its_history_page(
    superuser_client, korea_case, superuser
):
    position = korea_case.us_big_deal
    position_update(
        position_id=position.pk,
        expected_version=position.version,
        changes={"stance": 1},
        by=superuser,
    )

    response = superuser_client.get(f"/admin/positions/position/{position.pk}/history/")

    assert response.status_code == 200
    records = list(position.history.order_by("history_id"))
    assert [record.version for record in records] == [1, 2]
    for record in records:
        assert f"/admin/positions/position/{position.pk}/history/{record.pk}/" in (
            response.text
        )
    assert "2 entries" in response.text
    assert "supports / open to" in response.text
    assert superuser.username in response.text


def test_it_offers_sides_but_not_persons_for_the_side_of_a_position(
    superuser_client, korea_case
):
    response = autocomplete(
        superuser_client, model_name="position", field_name="actor", term="o"
    )

    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"North Korea", "South Korea"}


def test_it_offers_only_persons_for_the_speaker_of_a_position(
    superuser_client, korea_case
):
    response = autocomplete(
        superuser_client, model_name="position", field_name="speaker", term="o"
    )

    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"Mike Pompeo", "John Bolton"}


def test_it_offers_only_persons_for_the_person_of_an_affiliation(
    superuser_client, korea_case
):
    response = autocomplete(
        superuser_client, model_name="affiliation", field_name="person", term="e"
    )

    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"Mike Pompeo"}


def test_it_offers_states_for_the_organization_of_an_affiliation(
    superuser_client, korea_case
):
    response = autocomplete(
        superuser_client, model_name="affiliation", field_name="organization", term="e"
    )

    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"United States", "North Korea", "South Korea"}
