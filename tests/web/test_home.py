from django.urls import reverse


def test_it_shows_the_negotiation_and_todays_stances(korea_case, client):
    response = client.get(reverse("positions:home"))

    assert response.status_code == 200
    assert "Denuclearization talks" in response.text
    assert "rejects outright" in response.text  # North Korea on the big deal
    assert "How this was computed" in response.text


def test_it_runs_a_fixed_number_of_queries(
    korea_case, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get(reverse("positions:home"))
