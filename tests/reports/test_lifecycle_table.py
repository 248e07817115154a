"""Every move the lifecycle's TRANSITIONS table does not allow is refused.

For each action, from-status and to-status absent from the table, the
lifecycle refuses: `_move` (the conditional update every transition goes
through) raises IllegalTransition, and so does the action's own function from
every status the action does not start from (opening a report and attributing
one are not errors: they answer False). Either way the row is left as it was,
with no event and no email."""

from datetime import timedelta
from itertools import product

import pytest
from django.utils import timezone

from notifications.models import OutgoingEmail
from reports import lifecycle
from reports.lifecycle import TRANSITIONS, IllegalTransition
from reports.models import Report, ReportStatus, Response, ResponseKind
from signalconso.audit import Event

from ..accounts.factories import UserFactory
from ..companies.factories import CompanyFactory
from .factories import ReportFactory, company_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


S = ReportStatus
STATUSES = list(S)

# The state machine of reports/lifecycle.py's docstring, move by move.
DOCUMENTED = {
    ("read", S.SENT, S.READ),
    ("answer", S.READ, S.PROMISED),
    ("answer", S.READ, S.REJECTED),
    ("answer", S.READ, S.NOT_CONCERNED),
    ("expire", S.SENT, S.CLOSED_UNREAD),
    ("expire", S.READ, S.CLOSED_UNANSWERED),
    ("reopen", S.CLOSED_UNREAD, S.SENT),
    ("reopen", S.CLOSED_UNANSWERED, S.READ),
    *(("anonymise", status, S.ANONYMISED) for status in S if status != S.ANONYMISED),
    ("attribute", S.NOT_SENT, S.SENT),
    ("redirect", S.SENT, S.SENT),
    ("redirect", S.READ, S.SENT),
    ("redirect", S.CLOSED_UNREAD, S.SENT),
    ("redirect", S.CLOSED_UNANSWERED, S.SENT),
}


def allowed() -> set[tuple[str, str, str]]:
    return {
        (action, start, end) for action, moves in TRANSITIONS.items() for start, ends in moves.items() for end in ends
    }


def test_the_table_is_the_state_machine_documented():
    """A new move is a decision: the docstring, this set and the table change together."""
    assert allowed() == DOCUMENTED


def a_report(status: str, **fields) -> Report:
    """A report in `status` whose deadline has passed (so that expiring it is a
    question of status only) unless told otherwise."""
    fields.setdefault("expires_at", timezone.now() - timedelta(days=1))
    return ReportFactory(status=status, **fields)


def snapshot(report: Report):
    row = Report.objects.filter(pk=report.pk).values().get()
    return (
        row,
        Response.objects.filter(report=report).count(),
        Event.objects.filter(report=report).count(),
        OutgoingEmail.objects.filter(report=report).count(),
        list(report.tags.values_list("slug", flat=True)),
    )


# --- The conditional update, for every (action, from, to) ------------------------------------------


@pytest.mark.parametrize(
    ("action", "start"), [pytest.param(a, s, id=f"{a}-from-{s}") for a, s in product(TRANSITIONS, STATUSES)]
)
def test_every_move_absent_from_the_table_is_refused(action, start):
    report = a_report(start)
    before = snapshot(report)
    refused = [end for end in STATUSES if (action, start, end) not in allowed()]
    for end in refused:
        with pytest.raises(IllegalTransition):
            lifecycle._move(Report.objects.get(pk=report.pk), action, end)
        assert snapshot(report) == before, f"{action}: {start} → {end} changed the row"


# --- Each action's own function, from every status it does not start from --------------------------


def _answer(kind, reason):
    return lambda report, world: lifecycle.report_answer(
        report=report, user=world["pro"], kind=kind, reason=reason, message="Notre réponse."
    )


# Each action's functions (answering has one per kind of answer).
ACTIONS = {
    "read": [lambda report, world: lifecycle.report_mark_read(report=report, user=world["pro"])],
    "answer": [
        _answer(ResponseKind.ACCEPTED, "remboursement"),
        _answer(ResponseKind.REJECTED, "conforme"),
        _answer(ResponseKind.NOT_CONCERNED, "autre-entreprise"),
    ],
    "expire": [lambda report, world: lifecycle.report_expire(report=report)],
    "reopen": [lambda report, world: lifecycle.report_reopen(report=report, user=world["admin"])],
    "anonymise": [lambda report, world: lifecycle.report_anonymise(report=report, user=world["admin"])],
    "attribute": [
        lambda report, world: lifecycle.report_attribute(report=report, company=world["other"], user=world["agent"])
    ],
    "redirect": [lambda report, world: lifecycle.report_redirect(report=report, company=world["other"])],
}
# Opening a report is no error, nor is attributing one that is not waiting for
# a company: these two answer False.
ANSWER_FALSE = {"read", "attribute"}
# A report kept from companies (NA) pointed at another company changes its
# company only, not its status: that is no move (see test below).
NOT_A_MOVE = {("redirect", S.NOT_SENT)}


def refused_starts():
    for action, start in product(TRANSITIONS, STATUSES):
        if start not in TRANSITIONS[action] and (action, start) not in NOT_A_MOVE:
            yield pytest.param(action, start, id=f"{action}-from-{start}")


def test_every_action_has_its_function():
    assert set(ACTIONS) == set(TRANSITIONS)


@pytest.mark.parametrize(("action", "start"), list(refused_starts()))
def test_an_action_refuses_every_status_it_does_not_start_from(action, start):
    company = CompanyFactory()
    world = {
        "pro": company_user(company),
        "admin": UserFactory(admin=True),
        "agent": UserFactory(agent=True),
        "other": CompanyFactory(),
    }
    fields = {"company": company}
    if action == "answer":
        fields["expires_at"] = timezone.now() + timedelta(days=10)  # refused for its status, not its deadline
    if action == "attribute":
        fields["company"] = None  # refused for its status, not its company
    report = a_report(start, **fields)
    before = snapshot(report)
    for call in ACTIONS[action]:
        if action in ANSWER_FALSE:
            assert call(Report.objects.get(pk=report.pk), world) is False
        else:
            with pytest.raises(IllegalTransition):
                call(Report.objects.get(pk=report.pk), world)
        assert snapshot(report) == before


def test_a_report_kept_from_companies_changes_company_but_not_status():
    report = a_report(S.NOT_SENT, expires_at=None)
    other = CompanyFactory()
    lifecycle.report_redirect(report=Report.objects.get(pk=report.pk), company=other)
    report.refresh_from_db()
    assert report.status == S.NOT_SENT and report.company == other and report.expires_at is None
