"""The medication form reads its prescribers once, however many times the page passes over
them, and still checks the one chosen against the database."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from iop.accounts.models import User
from iop.accounts.roles import Role
from medications.forms import MedicationForm
from tests.factories import UserFactory


def test_the_prescribers_are_read_once_for_the_page(db):
    UserFactory(
        username="prescriber",
        role=Role.CLINICIAN,
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )
    form = MedicationForm()
    with CaptureQueriesContext(connection) as queries:
        first, second = str(form["prescriber"]), str(form["prescriber"])
    assert len(queries) == 1
    assert first == second
    assert "prescriber" in first.lower()


def test_a_prescriber_who_left_is_refused(db):
    user = UserFactory(
        username="prescriber",
        role=Role.CLINICIAN,
        prescriber_credential=User.PrescriberCredential.PSYCHIATRIST,
    )
    form = MedicationForm()
    str(form["prescriber"])  # the page is drawn with them
    user.is_active = False
    user.save()
    posted = MedicationForm(
        {
            "name": "sertraline",
            "dose": "50 mg",
            "route": "oral",
            "frequency": "daily",
            "prescriber": user.pk,
        }
    )
    assert "prescriber" in posted.errors
