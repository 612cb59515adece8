"""Who sees and does what with hearings, through the pages: role × object, and nothing changes
for those refused. Plus the public list's constant query count and the indicators' counts."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone, translation

from associations.hearings import services
from associations.hearings.indicators import (
    associations_answered,
    development_processes,
    ex_ante_assessments,
    hearings_per_year,
    summaries_published,
)
from associations.hearings.models import Hearing, HearingAnswer, HearingDocument
from associations.hearings.validators import HEARING_ANSWER_DEADLINE_PASSED
from portal import registries
from tests.associations.hearing_factories import HearingFactory, answer, close, pdf_upload
from tests.associations.utils import en
from tests.factories import AssociationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def grant_hearing_permissions(group):
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="associations", content_type__model__in=["hearing", "hearinganswer"]
        )
    )


@pytest.fixture
def hearing(department, staff):
    grant_hearing_permissions(department.staff_group)
    return HearingFactory(department=department, title="Uimahallin aukioloajat")


@pytest.fixture
def other(db):
    """Another association with its own representative and an answer nobody else may read."""
    club = AssociationFactory(name="Porin Uimarit ry", slug="porin-uimarit")
    MembershipFactory(association=club, user__email="uimari@uimarit.example")
    return club


@pytest.fixture
def secret_answer(hearing, other):
    """An answer that may not be published, with an attachment."""
    services.answer_save(
        hearing=hearing,
        association=other,
        user=other.memberships.get().user,
        data={"text": "Luottamuksellinen lausunto.", "may_publish": False},
        attachments=[pdf_upload("salainen.pdf")],
    )
    return HearingAnswer.objects.get(hearing=hearing, association=other)


def url(hearing, suffix=""):
    return f"/en/associations/hearings/{hearing.pk}/{suffix}"


# --- Answering ----------------------------------------------------------------------------
def test_an_outsider_cannot_answer_for_any_association_and_nothing_changes(client_for, outsider, hearing):
    response = client_for(outsider).post(url(hearing, "answer/"), {"text": "Minä vastaan.", "may_publish": "on"})
    assert response.status_code == 302
    assert response["Location"].endswith("/associations/represent/")
    assert not HearingAnswer.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, hearing):
    response = client.post(url(hearing, "answer/"), {"text": "Anonyymi."})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not HearingAnswer.objects.exists()


def test_a_representative_answers_only_for_the_association_they_act_for(
    client_for, association, association_member, hearing, other
):
    client = client_for(association_member)
    # An association id in the form is ignored: the answer is the acting association's.
    response = client.post(url(hearing, "answer/"), {"text": "Karhujen lausunto.", "association": other.pk})
    assert response.status_code == 302
    assert list(HearingAnswer.objects.values_list("association", flat=True)) == [association.pk]


def test_an_answer_after_the_deadline_is_refused_on_the_page_and_nothing_changes(
    client_for, association, association_member, hearing
):
    client = client_for(association_member)
    client.post(url(hearing, "answer/"), {"text": "Ajoissa."})
    # A deadline a few minutes ahead: the travel stays within the session's idle limit.
    Hearing.objects.filter(pk=hearing.pk).update(closes_at=timezone.now() + dt.timedelta(minutes=2))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        response = client.post(url(hearing, "answer/"), {"text": "Myöhässä."}, follow=True)
    assert response.redirect_chain[-1][0].endswith(url(hearing))
    content = response.content.decode()
    assert en(HEARING_ANSWER_DEADLINE_PASSED).split("%")[0] in content
    assert "nothing was saved" in content
    assert HearingAnswer.objects.get().text == "Ajoissa."


def test_the_answer_form_is_accessible_to_the_representative(client_for, association_member, hearing):
    response = client_for(association_member).get(url(hearing, "answer/"))
    assert response.status_code == 200
    assert "Porin Karhut ry" in response.content.decode()


# --- Reading answers --------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "outsider", "association_member", "other_staff"])
def test_an_unpublished_answer_and_its_file_stay_hidden(request, client_for, who, secret_answer, hearing):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    close(hearing)
    page = client.get(url(hearing))
    assert page.status_code == 200
    assert "Luottamuksellinen lausunto." not in page.content.decode()
    attachment = secret_answer.attachments.get()
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_the_answering_association_and_the_departments_staff_read_the_unpublished_answer(
    client_for, secret_answer, hearing, other, staff
):
    attachment = secret_answer.attachments.get()
    for user in (other.memberships.get().user, staff):
        client = client_for(user)
        assert "Luottamuksellinen lausunto." in client.get(url(hearing)).content.decode()
        response = client.get(attachment.get_absolute_url())
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("private, no-store")


def test_a_consented_answer_is_public_only_after_the_deadline(client, hearing, other):
    services.answer_save(
        hearing=hearing,
        association=other,
        user=other.memberships.get().user,
        data={"text": "Julkinen lausunto.", "may_publish": True},
    )
    assert "Julkinen lausunto." not in client.get(url(hearing)).content.decode()
    close(hearing)
    assert "Julkinen lausunto." in client.get(url(hearing)).content.decode()


# --- Drafts and documents ---------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anonymous", "outsider", "association_member", "other_staff"])
def test_a_draft_hearing_is_not_found_by_others(request, client_for, who, department):
    draft = HearingFactory(department=department, state=Hearing.State.DRAFT, opened_at=None)
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert client_for(user).get(url(draft)).status_code == 404


def test_a_draft_hearing_is_seen_by_its_departments_staff(client_for, department, staff):
    grant_hearing_permissions(department.staff_group)
    draft = HearingFactory(department=department, state=Hearing.State.DRAFT, opened_at=None)
    assert client_for(staff).get(url(draft)).status_code == 200


def test_a_private_document_is_for_staff_only(client_for, hearing, staff, outsider):
    from django.core.files.base import ContentFile

    document = HearingDocument(hearing=hearing, name="Luonnos", is_public=False)
    document.file.save("luonnos.pdf", ContentFile(b"%PDF-1.4 x"), save=True)
    assert client_for(outsider).get(document.get_absolute_url()).status_code == 404
    assert client_for(staff).get(document.get_absolute_url()).status_code == 200
    HearingDocument.objects.filter(pk=document.pk).update(is_public=True)
    assert client_for(None).get(document.get_absolute_url()).status_code == 200


# --- The public list ----------------------------------------------------------------------
def test_the_public_list_takes_the_same_queries_for_3_or_30_hearings(client, department, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            hearing = HearingFactory(department=department)
            answer(hearing, AssociationFactory())

    make(3)
    with translation.override("en"):
        client.get("/en/associations/hearings/")  # warm the caches (city profile, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/associations/hearings/").status_code == 200
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/en/associations/hearings/")
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert response.content.decode().count('class="card hearing-card"') == 20  # a page


def test_the_public_list_shows_open_and_closed_but_no_drafts(client, department):
    HearingFactory(department=department, title="Avoin kuuleminen")
    close(HearingFactory(department=department, title="Päättynyt kuuleminen"))
    HearingFactory(department=department, title="Luonnos", state=Hearing.State.DRAFT, opened_at=None)
    content = client.get("/en/associations/hearings/").content.decode()
    assert "Avoin kuuleminen" in content and "Päättynyt kuuleminen" in content
    assert "Luonnos" not in content
    assert content.index("Avoin kuuleminen") < content.index("Päättynyt kuuleminen")


# --- Indicators ---------------------------------------------------------------------------
def test_the_indicators_count_the_years_hearings(department):
    """A year with known counts: 2 ex-ante (1 answered), 3 development (2 answered), 1 draft
    regulation, a draft that does not count, and one hearing of the year before."""
    year = timezone.localdate().year - 1  # a whole past year: every deadline in it has passed
    tz = timezone.get_default_timezone()

    def held(kind, month, answered_by=(), summary=False):
        opens = dt.datetime(year, month, 1, 9, tzinfo=tz)
        hearing = HearingFactory(
            department=department, kind=kind, opens_at=opens, closes_at=opens + dt.timedelta(days=20)
        )
        for association in answered_by:
            answer(hearing, association)
        Hearing.objects.filter(pk=hearing.pk).update(
            state=Hearing.State.SUMMARY_PUBLISHED if summary else Hearing.State.CLOSED,
            summary="Yhteenveto." if summary else "",
            summary_published_at=timezone.now() if summary else None,
        )
        return hearing

    a, b, c = (AssociationFactory() for _ in range(3))
    held(Hearing.Kind.EX_ANTE, 2, answered_by=[a], summary=True)
    held(Hearing.Kind.EX_ANTE, 3)
    held(Hearing.Kind.DEVELOPMENT, 4, answered_by=[a, b], summary=True)
    held(Hearing.Kind.DEVELOPMENT, 5, answered_by=[c])
    held(Hearing.Kind.DEVELOPMENT, 6)
    held(Hearing.Kind.DRAFT_REGULATION, 7, answered_by=[b], summary=True)
    HearingFactory(
        department=department,
        state=Hearing.State.DRAFT,
        opened_at=None,
        opens_at=dt.datetime(year, 8, 1, tzinfo=tz),
        closes_at=dt.datetime(year, 8, 20, tzinfo=tz),
    )
    earlier = dt.datetime(year - 1, 12, 31, 23, 30, tzinfo=tz)  # the year before, in Pori's time
    HearingFactory(
        department=department,
        kind=Hearing.Kind.EX_ANTE,
        opens_at=earlier,
        closes_at=earlier.replace(year=year, month=1, day=15),
    )

    with translation.override("en"):
        assert hearings_per_year(year) == {
            "Ex-ante impact assessment of a decision": 2,
            "Development of services, activities or areas": 3,
            "Draft regulation (consultation of a draft act)": 1,
        }
    assert associations_answered(year) == 3
    assert ex_ante_assessments(year) == 1
    assert development_processes(year) == 2
    # 7 hearings closed during the year (the one from the year before included), 3 with a summary.
    assert summaries_published(year) == round(100 * 3 / 7, 1)
    assert summaries_published(year - 5) is None


def test_the_indicators_are_registered_under_their_keys():
    keys = registries.all_indicators()
    for key in (
        "associations.hearings_per_year",
        "associations.hearing_associations_answered",
        "associations.hearing_summaries_published",
        "associations.hearing_ex_ante_assessments",
        "associations.hearing_development_processes",
    ):
        assert key in keys
