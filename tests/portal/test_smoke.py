import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en", "pl"])
def test_home_page_answers_in_every_language(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
