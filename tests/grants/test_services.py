"""The grant services: applying, review, decisions within the appropriation, payments, reports, clawbacks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from grants import selectors, services, workflow
from grants.models import Application, FormVersion, GrantRound, Review, Transition
from portal.models import Notification
from tests.factories import AssociationFactory, MembershipFactory, UserFactory
from tests.grants.factories import ApplicationFactory, FormVersionFactory, GrantRoundFactory

pytestmark = pytest.mark.django_db
S = Application.State


@pytest.fixture(autouse=True)
def _english():
    """Messages and amounts as an English page shows them, whatever the translations say."""
    with translation.override("en"):
        yield


def messages_of(exc_info):
    return [str(m) for m in exc_info.value.messages]


def data(**overrides):
    base = {
        "title": "Kesäleiri",
        "summary": "Viisi päivää leiriä",
        "answers": {"activity": "Leiri", "participants": "30"},
        "budget_lines": [{"item": "Ruoka", "amount": "500"}, {"item": "Bussi", "amount": "300,50"}],
        "own_contribution": "100",
        "amount_requested": "800.50",
        "planned_results": [{"description": "Lapsia leirillä", "target_value": "30", "measure": "Osallistujalista"}],
    }
    base.update(overrides)
    return base


# --- Applying -------------------------------------------------------------------------------
def test_a_representative_creates_a_draft_with_budget_and_planned_results(grant_round, association, association_admin):
    application = services.application_create(
        round=grant_round, association=association, user=association_admin, data=data()
    )
    assert application.state == S.DRAFT
    assert application.form_version == grant_round.form_version
    assert application.budget_total == Decimal("800.50")
    assert application.amount_requested == Decimal("800.50")
    result = application.planned_results.get()
    assert (result.description, result.target_value, result.measure) == ("Lapsia leirillä", 30, "Osallistujalista")


def test_an_outsider_cannot_apply_for_an_association(grant_round, association, outsider):
    with pytest.raises(PermissionDenied):
        services.application_create(round=grant_round, association=association, user=outsider, data=data())
    assert not Application.objects.exists()


def test_an_informal_group_cannot_apply_to_a_call_for_registered_associations(grant_round):
    group = AssociationFactory(kind="informal")
    user = MembershipFactory(association=group).user
    with pytest.raises(ValidationError) as exc:
        services.application_create(round=grant_round, association=group, user=user, data=data())
    assert "not open to applicants of your kind" in messages_of(exc)[0]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", services.AMOUNT_NEGATIVE),
        ("abc", "with at most two decimals"),
        ("1.005", "with at most two decimals"),
        ("99999999999", "larger than this call's whole appropriation"),
        ("10000.01", "larger than this call's whole appropriation"),
    ],
)
def test_a_negative_or_absurd_amount_is_refused_and_nothing_is_saved(draft, association_admin, amount, message):
    with pytest.raises(ValidationError) as exc:
        services.application_update(application=draft, user=association_admin, data=data(amount_requested=amount))
    assert str(message) in " ".join(messages_of(exc))
    draft.refresh_from_db()
    assert draft.amount_requested == Decimal("1000.00") and draft.title.startswith("Summer camp")


def test_submission_before_the_deadline_is_logged_and_mailed(draft, association_admin):
    services.application_submit(application=draft, user=association_admin)
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED and draft.submitted_by == association_admin
    transition = Transition.objects.get(application=draft)
    assert (transition.from_state, transition.to_state, transition.by) == ("draft", "submitted", association_admin)
    mail = Notification.objects.get(to=association_admin.email)
    assert draft.title in mail.subject and f"/grants/applications/{draft.pk}/" in mail.body_text
    assert Notification.objects.filter(to=draft.round.grant_type.contact.email).exists()


def test_submission_one_minute_after_the_deadline_is_refused_with_the_local_closing_time(draft, association_admin):
    closes = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=1)
    GrantRound.objects.filter(pk=draft.round_id).update(closes_at=closes, opens_at=closes - dt.timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=draft, user=association_admin)
    # The closing time as the city's clock shows it (Europe/Helsinki), not UTC.
    local = timezone.localtime(closes, timezone.get_default_timezone())
    assert messages_of(exc)[0].startswith(f"The call closed on {services.local_time(closes)}.")
    assert services.local_time(closes).endswith(local.strftime(" %H:%M"))
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and not Transition.objects.exists()


def test_submission_at_the_last_minute_before_the_deadline_is_accepted(draft, association_admin):
    now = timezone.now()
    GrantRound.objects.filter(pk=draft.round_id).update(closes_at=now + dt.timedelta(minutes=1))
    services.application_submit(application=draft, user=association_admin, now=now)
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED


def test_an_incomplete_application_is_not_submitted(draft, association_admin):
    services.application_update(
        application=draft, user=association_admin, data={"answers": {"activity": ""}, "planned_results": []}
    )
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=draft, user=association_admin)
    assert set(exc.value.message_dict) == {"answer_activity", "planned_results"}
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_a_form_changed_mid_round_keeps_old_applications_and_refuses_a_stale_save(draft, association_admin):
    new_version = FormVersionFactory(grant_type=draft.round.grant_type, fields=[{"name": "new", "label": "New?"}])
    GrantRound.objects.filter(pk=draft.round_id).update(form_version=new_version)
    with pytest.raises(ValidationError) as exc:
        services.application_update(
            application=draft, user=association_admin, data=data(title="Changed"), form_version_id=new_version.pk
        )
    assert messages_of(exc) == [str(services.FORM_CHANGED)]
    draft.refresh_from_db()
    assert draft.title != "Changed"
    # The application made with the old version is still checked against its own version.
    services.application_submit(application=draft, user=association_admin)
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED and draft.form_version.number != new_version.number
    assert FormVersion.objects.filter(grant_type=draft.round.grant_type).count() == 2


def test_withdraw_and_return_for_completion_then_resubmit_after_the_deadline(submitted, association_admin, staff):
    with pytest.raises(ValidationError):
        services.application_return(application=submitted, user=staff, note="")
    services.application_return(application=submitted, user=staff, note="Liitä talousarvio.")
    submitted.refresh_from_db()
    assert submitted.state == S.RETURNED
    assert Notification.objects.filter(to=association_admin.email, body_text__contains="Liitä talousarvio.").exists()
    GrantRound.objects.filter(pk=submitted.round_id).update(
        closes_at=timezone.now() - dt.timedelta(hours=1), opens_at=timezone.now() - dt.timedelta(days=9)
    )
    services.application_update(application=submitted, user=association_admin, data={"summary": "Budget attached"})
    services.application_submit(application=submitted, user=association_admin)
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED
    services.application_withdraw(application=submitted, user=association_admin)
    submitted.refresh_from_db()
    assert submitted.state == S.WITHDRAWN
    assert list(submitted.transitions.values_list("to_state", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "withdrawn",
    ]


def test_staff_of_another_department_cannot_move_an_application(submitted, other_staff):
    with pytest.raises(PermissionDenied):
        services.application_start_review(application=submitted, user=other_staff)
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_the_workflow_refuses_a_move_that_is_not_in_the_table(draft, staff):
    with pytest.raises(ValidationError) as exc:
        workflow.application_transition(application=draft, to_state=S.PAID, user=staff)
    assert "cannot move from" in messages_of(exc)[0]
    with pytest.raises(PermissionDenied):
        workflow.application_transition(application=draft, to_state=S.SUBMITTED, user=staff)


# --- Review ---------------------------------------------------------------------------------
def test_a_representative_of_the_applicant_is_recused_from_review(in_review, staff, association_member):
    with pytest.raises(ValidationError) as exc:
        services.review_assign(application=in_review, reviewer=association_member, user=staff)
    assert messages_of(exc) == [str(services.REVIEWER_REPRESENTS_APPLICANT)]
    assert not Review.objects.exists()


def test_a_reviewer_sees_and_scores_only_after_declaring_no_conflict(in_review, staff):
    reviewer = UserFactory()
    review = services.review_assign(application=in_review, reviewer=reviewer, user=staff)
    assert not services.review_may_see_content(review, reviewer)
    criteria = list(in_review.round.criteria.all())
    scores = {c.pk: 4 for c in criteria}
    with pytest.raises(ValidationError) as exc:
        services.review_submit(review=review, user=reviewer, scores=scores)
    assert messages_of(exc) == [str(services.CONFLICT_NOT_DECLARED)]
    review = services.review_declare_conflict(review=review, user=reviewer, has_conflict=False)
    assert services.review_may_see_content(review, reviewer)
    with pytest.raises(ValidationError):
        services.review_submit(review=review, user=reviewer, scores={criteria[0].pk: 9, criteria[1].pk: 1})
    services.review_submit(review=review, user=reviewer, scores=scores, comment="Hyvä")
    review.refresh_from_db()
    assert review.submitted_at and review.scores.count() == 2


def test_a_reviewer_who_declares_a_conflict_cannot_score(in_review, staff):
    reviewer = UserFactory()
    review = services.review_assign(application=in_review, reviewer=reviewer, user=staff)
    services.review_declare_conflict(review=review, user=reviewer, has_conflict=True, note="Sister is chair")
    with pytest.raises(ValidationError) as exc:
        services.review_submit(review=review, user=reviewer, scores={})
    assert messages_of(exc) == [str(services.CONFLICT_DECLARED_RECUSED)]


def test_the_panel_summary_weights_scores_and_ranks(in_review, staff):
    criteria = list(in_review.round.criteria.order_by("order"))  # Impact ×2, Feasibility ×1, max 5
    for impact, feasibility in [(5, 5), (2, 2)]:
        reviewer = UserFactory()
        review = services.review_assign(application=in_review, reviewer=reviewer, user=staff)
        services.review_declare_conflict(review=review, user=reviewer, has_conflict=False)
        services.review_submit(
            review=review, user=reviewer, scores={criteria[0].pk: impact, criteria[1].pk: feasibility}
        )
    [row] = selectors.panel_summary(in_review.round)
    assert sorted(row.totals) == [Decimal("40.0"), Decimal("100.0")]
    assert row.average == Decimal("70.0") and row.spread == Decimal("60.0") and row.rank == 1


# --- Decisions and the ledger ---------------------------------------------------------------
def test_a_decision_commits_the_amount_and_tells_the_applicant(in_review, staff, association_admin):
    decision = services.decision_make(application=in_review, user=staff, amount="600", grounds="Good plan")
    in_review.refresh_from_db()
    in_review.round.refresh_from_db()
    assert decision.amount == Decimal("600.00") and in_review.state == S.PARTLY_GRANTED
    assert in_review.round.committed == Decimal("600.00")
    assert Notification.objects.filter(to=association_admin.email, template="grant-decision").exists()
    assert decision.history.count() == 1


def test_a_decision_above_what_remains_is_refused_with_the_remaining_amount(in_review, staff):
    GrantRound.objects.filter(pk=in_review.round_id).update(committed=Decimal("9500.00"))
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=in_review, user=staff, amount="1000", grounds="x")
    assert "only €500.00 is left" in messages_of(exc)[0]
    in_review.refresh_from_db()
    assert in_review.state == S.IN_REVIEW and not hasattr(in_review, "decision")


def test_zero_rejects_and_a_second_decision_is_refused(in_review, staff):
    services.decision_make(application=in_review, user=staff, amount="0", grounds="Outside the criteria")
    in_review.refresh_from_db()
    assert in_review.state == S.REJECTED
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=in_review, user=staff, amount="10", grounds="again")
    assert messages_of(exc) == [str(services.ALREADY_DECIDED)]


def test_more_than_requested_is_refused(in_review, staff):
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=in_review, user=staff, amount="1000.01", grounds="x")
    assert "cannot exceed the amount applied for" in messages_of(exc)[0]


def _in_review(grant_round, association, staff, amount="1000"):
    application = ApplicationFactory(
        round=grant_round, association=association, state=S.IN_REVIEW, amount_requested=Decimal(amount)
    )
    return application


def test_the_cap_per_grant_is_checked(grant_round, association, staff):
    GrantRound.objects.filter(pk=grant_round.pk).update(max_per_grant=Decimal("500"))
    application = _in_review(grant_round, association, staff)
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=application, user=staff, amount="501", grounds="x")
    assert "The most one grant in this call can be is €500.00" in messages_of(exc)[0]


def test_the_cap_per_association_per_year_spans_rounds(grant_round, association, staff, department):
    other_round = GrantRoundFactory(department=department, max_per_association_year=Decimal("1500"))
    first = _in_review(grant_round, association, staff)
    services.decision_make(application=first, user=staff, amount="1000", grounds="x")
    second = _in_review(other_round, association, staff)
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=second, user=staff, amount="600", grounds="x")
    assert "already been granted €1" in messages_of(exc)[0]
    services.decision_make(application=second, user=staff, amount="500", grounds="x")


def test_the_cap_on_the_share_of_the_appropriation(grant_round, association, staff):
    GrantRound.objects.filter(pk=grant_round.pk).update(max_share_percent=Decimal("15"))
    first = _in_review(grant_round, association, staff)
    services.decision_make(application=first, user=staff, amount="1000", grounds="x")
    second = _in_review(grant_round, association, staff)
    with pytest.raises(ValidationError) as exc:
        services.decision_make(application=second, user=staff, amount="501", grounds="x")
    assert "at most 15% of the appropriation (€1,500.00)" in messages_of(exc)[0]


def test_payments_reports_and_clawback_flow_through_the_ledger(in_review, staff, association_admin):
    grant_round = in_review.round
    services.application_propose(application=in_review, user=staff, amount="900")
    assert selectors.round_ledger(grant_round).proposed == Decimal("900.00")
    services.decision_make(application=in_review, user=staff, amount="900", grounds="Good")
    services.payment_record(application=in_review, user=staff, amount="500", paid_on=timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.payment_record(application=in_review, user=staff, amount="401", paid_on=timezone.localdate())
    assert "exceed the amount granted" in messages_of(exc)[0]
    services.payment_record(application=in_review, user=staff, amount="400", paid_on=timezone.localdate())
    in_review.refresh_from_db()
    assert in_review.state == S.PAID
    planned = in_review.planned_results.get()
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            application=in_review, user=association_admin, use_of_funds="Camp", amount_used="800", results={}
        )
    assert "results" in exc.value.message_dict
    services.report_submit(
        application=in_review,
        user=association_admin,
        use_of_funds="Camp held",
        amount_used="800",
        results={planned.pk: "35"},
        participants={"1": "35"},
    )
    services.report_request_more(application=in_review, user=staff, note="Receipts please")
    in_review.refresh_from_db()
    assert in_review.state == S.PAID
    report = services.report_submit(
        application=in_review,
        user=association_admin,
        use_of_funds="Camp held, receipts attached",
        amount_used="800",
        results={planned.pk: "35"},
    )
    assert report.results.get().achieved_value == Decimal("35.00")
    services.report_approve(application=in_review, user=staff)
    in_review.refresh_from_db()
    assert in_review.state == S.REPORT_APPROVED
    services.clawback_create(
        application=in_review, user=staff, amount="100", reason="Unused", due_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.clawback_create(
            application=in_review, user=staff, amount="800.01", reason="More", due_on=timezone.localdate()
        )
    ledger = selectors.round_ledger(grant_round)
    assert ledger.requested == Decimal("1000.00")
    assert ledger.proposed == Decimal("0.00")  # decided: no longer a proposal
    assert (ledger.decided, ledger.paid, ledger.returned) == (Decimal("900.00"), Decimal("900.00"), Decimal("100.00"))
    assert ledger.committed == Decimal("800.00") and ledger.remaining == Decimal("9200.00")
    in_review.refresh_from_db()
    assert in_review.state == S.CLAWBACK
    assert Notification.objects.filter(to=association_admin.email, template="grant-clawback").exists()


def test_the_ledger_of_many_rounds_is_one_query(django_assert_num_queries, department):
    for _ in range(3):
        grant_round = GrantRoundFactory(department=department)
        for _ in range(3):
            ApplicationFactory(round=grant_round, state=S.SUBMITTED)
    with django_assert_num_queries(1):
        rows = list(selectors.rounds_with_ledger())
    assert all(selectors.ledger_of(row).requested == Decimal("3000.00") for row in rows)


def test_advice_messages_go_between_the_applicant_and_the_contact(submitted, association_admin, outsider):
    services.message_post(application=submitted, user=association_admin, body="Can we include rent?")
    assert Notification.objects.filter(to=submitted.round.grant_type.contact.email).count() == 2  # received + message
    with pytest.raises(PermissionDenied):
        services.message_post(application=submitted, user=outsider, body="Hi")
