"""The chart header asks the providers of clinical facts (plans, MOUD/MAUD) only for a reader
of the clinical chart: an intake coordinator's header has the same facts as before, the
non-clinical ones, without their queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from patients.access import get_patient_for_user
from patients.selectors import chart_header


def _header(user, patient):
    opened = get_patient_for_user(user, patient.pk)
    with CaptureQueriesContext(connection) as queries:
        facts = chart_header(opened)["header_facts"]
    sql = " ".join(query["sql"] for query in queries)
    read = {table for table in ("plans_treatmentplan", "medications_medication") if table in sql}
    return [(f.label, f.value, f.non_clinical) for f in facts], read


def test_an_intake_coordinator_s_header_keeps_the_non_clinical_facts(
    clinician, intake, patient, bup
):
    clinical, clinical_read = _header(clinician, patient)
    assert [label for label, *_ in clinical] == [
        "Plan",
        "Initial plan",
        "MOUD/MAUD",
        "Authorization",
    ]
    facts, read = _header(intake, patient)
    assert facts == [fact for fact in clinical if fact[2]]
    # Neither the plans' nor the medications' read (the header reads the facts together, in
    # one round trip on PostgreSQL: their tables tell them apart, not the number of queries).
    assert clinical_read == {"plans_treatmentplan", "medications_medication"} and not read


def test_a_patient_not_opened_for_a_reader_gets_every_fact(patient, bup):
    facts = [f.label for f in chart_header(patient)["header_facts"]]
    assert facts == ["Plan", "Initial plan", "MOUD/MAUD", "Authorization"]
