"""Poznań mode (CITY=poznan, seed 004): the statutory offer form as a versioned form, the small
grant's 7-day comment period before a decision, and the demo's competition, small grant and
regranting round."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from grants import demo, forms_schema, services
from grants.models import Application, FormVersion, GrantRound, GrantType
from portal.cities import CITY_PROFILES
from portal.models import FocusArea, Programme
from tests.factories import AssociationFactory, DepartmentFactory, MembershipFactory
from tests.grants.factories import ApplicationFactory, GrantRoundFactory, GrantTypeFactory

pytestmark = pytest.mark.django_db
S = Application.State


@pytest.fixture
def poznan(settings):
    """The city profile switched to Poznań for one test (what CITY=poznan chooses at start-up)."""
    settings.CITY = "poznan"
    settings.CITY_PROFILE = CITY_PROFILES["poznan"]
    with translation.override("en"):
        yield settings.CITY_PROFILE


@pytest.fixture
def competition(poznan, department):
    grant_type = GrantTypeFactory(kind=GrantType.Kind.OPEN_COMPETITION, slug="otwarty-konkurs")
    grant_round = GrantRoundFactory(department=department, grant_type=grant_type, currency="PLN")
    old = grant_round.form_version
    grant_round.form_version = forms_schema.form_version_from_schema(grant_type=grant_type, key="pl-offer-2018")
    grant_round.save()
    return grant_round, old


def full_answers(form_version, **overrides):
    answers = {}
    for field in form_version.fields:
        answers[field["name"]] = {
            "confirm": "yes",
            "yes_no": "no",
            "date": "2027-03-01",
            "number": "100",
        }.get(field.get("type"), "Tekst")
    return answers | overrides


def test_the_statutory_offer_form_is_the_grant_types_next_version_and_loads_once(competition):
    grant_round, old = competition
    version = grant_round.form_version
    assert version.number == old.number + 1
    names = [f["name"] for f in version.fields]
    assert {"pl_opis_zadania", "pl_harmonogram", "pl_doswiadczenie", "pl_zasoby", "pl_osw_podatki"} <= set(names)
    sections = [f["section"] for f in version.fields if f.get("section")]
    assert sections[0].startswith("I.") and sections[-1] == "VII. Oświadczenia"
    again = forms_schema.form_version_from_schema(grant_type=grant_round.grant_type, key="pl-offer-2018")
    assert again == version and FormVersion.objects.filter(grant_type=grant_round.grant_type).count() == 2


def test_an_application_made_on_the_old_form_keeps_it(competition, association):
    grant_round, old = competition
    earlier = ApplicationFactory(round=grant_round, association=association, form_version=old)
    assert Application.objects.get(pk=earlier.pk).form_version == old


def test_an_offer_without_its_statements_is_not_submitted(competition, association, association_admin):
    grant_round, _old = competition
    answers = full_answers(grant_round.form_version, pl_osw_podatki="", pl_osw_rodo="no")
    application = services.application_create(
        round=grant_round,
        association=association,
        user=association_admin,
        data={
            "title": "Warsztaty sąsiedzkie",
            "answers": answers,
            "amount_requested": "5000",
            "planned_results": [{"description": "Uczestnicy", "target_value": "40", "measure": "Lista obecności"}],
        },
    )
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, user=association_admin)
    errors = refused.value.message_dict
    assert errors["answer_pl_osw_podatki"] == [
        "Confirm the statement “Oferent nie zalega z opłacaniem należności z tytułu zobowiązań podatkowych”."
    ]
    assert "answer_pl_osw_rodo" in errors
    assert Application.objects.get(pk=application.pk).state == S.DRAFT
    services.application_update(
        application=application, user=association_admin, data={"answers": full_answers(grant_round.form_version)}
    )
    services.application_submit(application=application, user=association_admin)
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pl_termin_od", "1.3.2027", "must be a date"),
        ("pl_odplatnosc", "maybe", "Choose yes or no"),
    ],
)
def test_a_bad_date_or_choice_saves_nothing(competition, association, association_admin, field, value, message):
    grant_round, _old = competition
    with pytest.raises(ValidationError) as refused:
        services.application_create(
            round=grant_round,
            association=association,
            user=association_admin,
            data={"answers": full_answers(grant_round.form_version, **{field: value})},
        )
    assert message in refused.value.message_dict[f"answer_{field}"][0]
    assert not Application.objects.exists()


def test_the_offer_form_shows_the_sections_radios_and_statements(
    competition, client_for, association, association_admin
):
    grant_round, _old = competition
    draft = ApplicationFactory(round=grant_round, association=association, form_version=grant_round.form_version)
    page = client_for(association_admin).get(f"/en/grants/applications/{draft.pk}/edit/").content.decode()
    assert '<h2 class="form-section">VII. Oświadczenia</h2>' in page
    assert 'type="radio" id="id_answer_pl_odplatnosc"' in page
    assert 'type="checkbox" id="id_answer_pl_osw_podatki"' in page
    assert 'type="date"' in page


def test_in_poznan_the_strategy_goals_are_poznans_programme_goals(poznan):
    pori = Programme.objects.create(city="pori", slug="pori", name="Pori", start_year=2026, end_year=2029)
    poznan_programme = Programme.objects.create(
        city="poznan", slug="poznan", name="Poznań", start_year=2018, end_year=2030
    )
    FocusArea.objects.create(programme=pori, order=1, title="Tilat", goal_state="x")
    goal = FocusArea.objects.create(programme=poznan_programme, order=1, title="Cel 1", goal_state="x")
    assert list(services.strategy_goal_choices()) == [goal]


def test_a_small_grant_is_decided_only_after_its_seven_days_of_comments(poznan, department, staff):
    from django.utils import timezone

    small = GrantRoundFactory(department=department, comment_days=7)
    offer = ApplicationFactory(round=small, state=S.SUBMITTED)
    with pytest.raises(ValidationError, match="Publish the offer for public comments first"):
        services.decision_make(application=offer, user=staff, amount="500", grounds="x")
    published = timezone.now()
    services.application_publish_for_comment(application=offer, user=staff, now=published)
    with pytest.raises(ValidationError, match="open for public comments until"):
        services.decision_make(application=offer, user=staff, amount="500", grounds="x", now=published)
    services.decision_make(
        application=offer, user=staff, amount="500", grounds="x", now=published + timezone.timedelta(days=7)
    )
    assert Application.objects.get(pk=offer.pk).state == S.PARTLY_GRANTED


def test_the_poznan_demo_has_a_competition_a_small_grant_in_comments_and_a_regranting_round(poznan, client):
    DepartmentFactory(name="Wydział Zdrowia i Spraw Społecznych")
    operator, *others = [AssociationFactory(name=f"Stowarzyszenie {n}") for n in range(4)]
    out = io.StringIO()
    demo.load(stdout=out)
    counts = (GrantRound.objects.count(), Application.objects.count(), FormVersion.objects.count())
    demo.load(stdout=out)
    assert (GrantRound.objects.count(), Application.objects.count(), FormVersion.objects.count()) == counts
    rounds = {r.grant_type.kind: r for r in GrantRound.objects.select_related("grant_type", "form_version")}
    competition = rounds[GrantType.Kind.OPEN_COMPETITION]
    assert competition.currency == "PLN" and competition.is_open()
    assert competition.form_version.fields == forms_schema.load_schema("pl-offer-2018")["fields"]
    assert competition.criteria.count() == 5
    small = rounds[GrantType.Kind.SMALL_GRANT]
    assert small.comment_days == 7 and small.max_per_grant == Decimal("10000")
    offer = small.applications.get()
    assert offer.comments_close_at > timezone_now()
    assert offer.strategy_goals.filter(programme__city="poznan").exists()
    assert client.get(f"/pl/grants/offers/{offer.pk}/").status_code == 200
    regranting = rounds[GrantType.Kind.REGRANTING]
    assert regranting.operator == operator and regranting.applications.get().association != operator
    admin = MembershipFactory(association=operator, role="admin").user
    assert services.workflow.manages(admin, regranting)


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def test_the_statutory_report_asks_its_sections_and_statements(competition, client_for, association, staff):
    from django.utils import timezone

    from grants.models import GrantReport

    grant_round, _old = competition
    representative = MembershipFactory(association=association, role="admin").user
    application = ApplicationFactory(
        round=grant_round, association=association, form_version=grant_round.form_version, state=S.IN_REVIEW
    )
    services.decision_make(application=application, user=staff, amount="1000", grounds="Dobra oferta")
    services.payment_record(application=application, user=staff, amount="1000", paid_on=timezone.localdate())
    planned = application.planned_results.get()
    base = {"use_of_funds": "Warsztaty", "amount_used": "1000", "results": {planned.pk: "38"}}
    with pytest.raises(ValidationError) as refused:
        services.report_submit(
            application=application, user=representative, **base, answers={"pl_spr_swiadczenia": "dużo"}
        )
    errors = refused.value.message_dict
    assert "must be a number" in errors["answer_pl_spr_swiadczenia"][0]
    assert not GrantReport.objects.exists()
    answers = full_answers(grant_round.form_version) | {
        f["name"]: {"confirm": "", "number": "0"}.get(f["type"], "Opis") for f in grant_round.form_version.report_fields
    }
    with pytest.raises(ValidationError) as refused:
        services.report_submit(application=application, user=representative, **base, answers=answers)
    assert set(refused.value.message_dict) == {
        "answer_pl_spr_osw_status",
        "answer_pl_spr_osw_prawda",
        "answer_pl_spr_osw_zamowienia",
    }
    page = client_for(representative).get(f"/en/grants/applications/{application.pk}/report/").content.decode()
    assert "Opis wykonania działań zgodnie z planem" in page and 'id="id_answer_pl_spr_osw_status"' in page
    answers |= dict.fromkeys(("pl_spr_osw_status", "pl_spr_osw_prawda", "pl_spr_osw_zamowienia"), "yes")
    response = client_for(representative).post(
        f"/en/grants/applications/{application.pk}/report/",
        {
            "use_of_funds": "Warsztaty",
            "amount_used": "1000",
            f"result_{planned.pk}": "38",
            **{f"answer_{name}": value for name, value in answers.items()},
        },
    )
    assert response.status_code == 302
    report = GrantReport.objects.get()
    assert report.answers["pl_spr_osw_status"] == "yes" and report.answers["pl_spr_dzialania"] == "Opis"
    assert "pl_opis_zadania" not in report.answers
