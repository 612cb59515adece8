"""The public archive of sent issues, by year, and its RSS and Atom feeds."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsletter.models import Issue
from tests.newsletter.factories import IssueFactory, sent_issue

pytestmark = pytest.mark.django_db


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 9, 0))


def test_the_archive_lists_sent_issues_and_their_years_but_never_drafts(client):
    spring = sent_issue(subject="Kevään yhdistysuutiset", sent_at=at(2026, 3, 10), year=2026, quarter=1)
    sent_issue(subject="Joulun yhdistysuutiset", sent_at=at(2025, 12, 1), year=2025, quarter=4)
    IssueFactory(subject="Luonnos: talven uutiset")
    IssueFactory(subject="Ajastettu", state=Issue.State.SCHEDULED, scheduled_at=timezone.now())

    page = client.get("/en/newsletter/").content.decode()

    assert "Kevään yhdistysuutiset" in page and "Joulun yhdistysuutiset" in page
    assert "Luonnos" not in page and "Ajastettu" not in page
    assert 'href="/en/newsletter/2026/"' in page and 'href="/en/newsletter/2025/"' in page
    assert 'href="/en/newsletter/2026-1/"' in page and spring.quarter_label == "1/2026"
    assert 'type="application/rss+xml"' in page


def test_a_year_page_shows_that_years_issues(client):
    sent_issue(subject="Kevään yhdistysuutiset", sent_at=at(2026, 3, 10))
    sent_issue(subject="Joulun yhdistysuutiset", sent_at=at(2025, 12, 1))

    page = client.get("/en/newsletter/2026/").content.decode()

    assert "Kevään yhdistysuutiset" in page and "Joulun yhdistysuutiset" not in page
    assert client.get("/en/newsletter/2019/").status_code == 404


def test_an_issue_page_is_the_web_version_in_its_language(client):
    issue = sent_issue(
        subject="Kevään yhdistysuutiset",
        body="## Avustukset\n\nHaku alkaa <script>alert(1)</script> **1.2.**",
        sent_at=at(2026, 3, 10),
    )
    sent_issue(subject="Föreningsnytt våren", language="sv", translation_of=issue, sent_at=at(2026, 3, 10))

    page = client.get("/en/newsletter/2026-1/").content.decode()  # no English version: the original, marked

    assert '<article class="newsletter-issue" lang="fi">' in page
    assert "This issue was published in Finnish only." in page
    assert "<h2>Avustukset</h2>" in page and "<strong>1.2.</strong>" in page
    assert "<script>alert" not in page
    assert 'href="/sv/newsletter/2026-1/" hreflang="sv"' in page
    swedish_page = client.get("/sv/newsletter/2026-1/").content.decode()
    assert '<article class="newsletter-issue" lang="sv">' in swedish_page and "Föreningsnytt våren" in swedish_page
    assert 'class="notice"' not in swedish_page


def test_each_language_s_archive_lists_a_number_once_in_its_own_language_where_written_in_it(client):
    spring = sent_issue(subject="Kevään yhdistysuutiset", sent_at=at(2026, 3, 10), year=2026, quarter=1)
    sent_issue(
        subject="Föreningsnytt våren",
        language="sv",
        translation_of=spring,
        sent_at=at(2026, 3, 10),
        year=2026,
        quarter=1,
    )
    sent_issue(subject="Sommarnytt", language="sv", sent_at=at(2026, 6, 1), year=2026, quarter=2)

    finnish = client.get("/fi/newsletter/").content.decode()
    swedish = client.get("/sv/newsletter/2026/").content.decode()

    assert "Kevään yhdistysuutiset" in finnish and "Föreningsnytt våren" not in finnish
    assert 'href="/fi/newsletter/2026-2/" lang="sv" hreflang="sv">Sommarnytt</a>' in finnish
    assert "Föreningsnytt våren" in swedish and "Kevään yhdistysuutiset" not in swedish
    assert 'href="/sv/newsletter/2026-2/">Sommarnytt</a>' in swedish
    assert "(2 " in client.get("/en/newsletter/").content.decode()  # 2026 has two numbers, not three issues


def test_the_addresses_before_numbers_lead_to_the_issue_in_its_language(client):
    spring = sent_issue(subject="Kevään yhdistysuutiset", sent_at=at(2026, 3, 10), year=2026, quarter=1)
    swedish = sent_issue(language="sv", translation_of=spring, sent_at=at(2026, 3, 10), year=2026, quarter=1)

    response = client.get(f"/fi/newsletter/2026/{swedish.pk}/")

    assert response.status_code == 301 and response["Location"] == "/sv/newsletter/2026-1/"
    assert client.get(f"/en/newsletter/2026/{spring.pk}/")["Location"] == "/fi/newsletter/2026-1/"
    assert spring.get_absolute_url() == "/fi/newsletter/2026-1/"


def test_drafts_and_wrong_years_are_not_found(client):
    draft = IssueFactory()
    sent = sent_issue(sent_at=at(2026, 3, 10))

    assert client.get(f"/en/newsletter/2026/{draft.pk}/").status_code == 404  # the old address of a draft
    assert client.get(f"/en/newsletter/{draft.year}-{draft.quarter}/").status_code == 404
    assert client.get(f"/en/newsletter/2025-{sent.quarter}/").status_code == 404
    assert client.get("/en/newsletter/2026-9/").status_code == 404


@pytest.mark.parametrize("year", ["0", "1", "9999", "99999", "99999999999999999999"])
def test_a_year_no_calendar_has_is_simply_not_found(client, year):
    sent = sent_issue(sent_at=at(2026, 3, 10))

    assert client.get(f"/en/newsletter/{year}/").status_code == 404
    assert client.get(f"/en/newsletter/{year}-{sent.quarter}/").status_code == 404
    assert client.get(f"/en/newsletter/2026/{year}/").status_code in (301, 404)


@pytest.mark.parametrize(("path", "kind"), [("/en/newsletter/feed/", "rss"), ("/en/newsletter/feed/atom/", "atom")])
def test_the_feeds_carry_sent_issues_only(client, path, kind):
    sent_issue(subject="Kevään yhdistysuutiset", sent_at=at(2026, 3, 10))
    IssueFactory(subject="Luonnos")

    response = client.get(path)

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    if kind == "rss":
        titles = [el.text for el in root.iter("item") for el in el.iter("title")]
    else:
        ns = {"a": "http://www.w3.org/2005/Atom"}
        titles = [entry.find("a:title", ns).text for entry in root.findall("a:entry", ns)]
    assert titles == ["Kevään yhdistysuutiset"]


@pytest.mark.parametrize("path", ["/en/newsletter/", "/en/newsletter/2026/", "/en/newsletter/feed/"])
def test_archive_pages_make_the_same_number_of_queries_for_few_and_many_issues(
    client, path, django_assert_max_num_queries
):
    for i in range(2):
        sent_issue(sent_at=at(2026, 3, 1 + i))
    with django_assert_max_num_queries(6) as few:
        assert client.get(path).status_code == 200
    for i in range(30):
        sent_issue(sent_at=at(2026, 4, 1) + dt.timedelta(days=i))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path).status_code == 200
