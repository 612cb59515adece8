import pytest


@pytest.mark.django_db
def test_an_unknown_address_gets_the_friendly_not_found_page(client, settings):
    settings.DEBUG = False
    response = client.get("/fi/no-such-place/")

    assert response.status_code == 404
    assert "portal/not_found.html" in [t.name for t in response.templates]
