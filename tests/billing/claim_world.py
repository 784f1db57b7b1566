"""What the claim line tests share: Ames in Mon 9 Nov 2026's group, covered by Acme with an
authorization of November, and a biller."""

from datetime import date
from types import SimpleNamespace

import pytest

from billing.claim_models import ClaimLine
from billing.claims.build import claims_build
from billing.models import Authorization, Coverage, Payer
from iop.accounts.roles import Role
from sessions import services as ss
from tests.factories import UserFactory
from tests.sessions.helpers import MON_9, at, group_session

DX = [{"code": "F33.1", "description": "Major depressive disorder, recurrent, moderate"}]
SHARED = {"data": "Skills review.", "assessment": "Engaged.", "plan": "Practise daily."}


@pytest.fixture
def biller(db):
    return UserFactory(username="biller", role=Role.BILLER)


@pytest.fixture
def payer(db):
    return Payer.objects.create(name="Acme Health", payer_id="ACME1")


def cover(episode, payer, *, codes="90853 90834 90837 S9480", authorize=True, self_pay=False):
    coverage = Coverage.objects.create(
        episode=episode,
        payer=None if self_pay else payer,
        self_pay=self_pay,
        member_id="" if self_pay else "M-100",
        effective_from=date(2026, 11, 1),
    )
    if authorize and not self_pay:
        Authorization.objects.create(
            episode=episode,
            coverage=coverage,
            service_codes=codes,
            number_authorized=20,
            first_date=date(2026, 11, 1),
            last_date=date(2026, 11, 30),
            reference_number="AUTH-1",
            status=Authorization.Status.APPROVED,
        )
    return coverage


def sign(session, clinician, patient_ids, *, sign=True):
    note = ss.note_start(session=session, user=clinician)
    ss.note_save(
        note=note,
        user=clinician,
        shared=SHARED,
        entries={pid: {"text": f"Part for {pid}.", "risk_level": "none"} for pid in patient_ids},
    )
    if sign:
        ss.note_sign(note=note, user=clinician)
    note.refresh_from_db()
    return note


@pytest.fixture
def monday(clock, group, enroll, clinician, payer):
    """Ames in Mon 9 Nov's 180-minute 09:00 group, covered by Acme with an authorization of
    Nov for the program's codes; the clock at 18:00 that day. `monday.setup(mode=...)`."""
    ames = enroll(last_name="Ames")
    ames.intake.diagnoses = DX
    ames.intake.save()
    ss.group_schedule_generate(weeks=1, start=MON_9)

    def setup(*, mode="per_service", authorize=True, self_pay=False):
        ames.program.billing_mode = mode
        ames.program.save()
        cover(ames, payer, authorize=authorize, self_pay=self_pay)
        clock.move_to(at(MON_9, 18), tick=False)
        return SimpleNamespace(ames=ames, group=group_session(group, MON_9))

    return setup


def build(user, **kw):
    return claims_build(user=user, first_date=MON_9, last_date=MON_9, **kw)


def lines():
    return list(ClaimLine.objects.order_by("code", "pk"))
