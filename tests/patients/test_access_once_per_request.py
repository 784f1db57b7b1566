"""A chart's later access checks (may they write the medication list, release records, keep
authorizations...) answer from what opening the chart read, for the user who opened it only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.access import may_write_authorizations
from medications.services import may_write
from patients.access import get_patient_for_user, routine_clinical_access
from tests.factories import EpisodeFactory


def _queries(check):
    with CaptureQueriesContext(connection) as queries:
        answer = check()
    return answer, len(queries)


def test_the_care_team_clinicians_later_checks_ask_no_query(clinician):
    episode = EpisodeFactory(primary_clinician=clinician)
    clinician.roles  # noqa: B018 - the roles are read once per user, whatever the page
    patient = get_patient_for_user(clinician, episode.patient_id, clinical=True)
    assert _queries(lambda: routine_clinical_access(clinician, patient)) == (True, 0)
    assert _queries(lambda: may_write(clinician, patient)) == (True, 0)


def test_the_supervisors_later_checks_ask_no_query(supervisor, program):
    episode = EpisodeFactory(program=program)
    supervisor.roles  # noqa: B018
    patient = get_patient_for_user(supervisor, episode.patient_id, clinical=True)
    assert _queries(lambda: may_write_authorizations(supervisor, patient)) == (True, 0)


def test_another_user_is_asked_afresh(clinician, clinician2):
    episode = EpisodeFactory(primary_clinician=clinician)
    patient = get_patient_for_user(clinician, episode.patient_id, clinical=True)
    answer, queries = _queries(lambda: routine_clinical_access(clinician2, patient))
    assert answer is False
    assert queries > 0
