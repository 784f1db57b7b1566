"""The chart header reads the current risk and the open risk alerts together: the same answer
as reading them apart, in one query when no risk alert is open."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patients import services
from patients.models import Alert
from patients.selectors import _risk_and_open_alerts, current_risk

CSSRS_MODERATE = [True, True, True, False, False, False, None]


def _apart(patient):
    alerts = patient.alerts.filter(kind=Alert.Kind.RISK, status=Alert.Status.OPEN)
    return current_risk(patient), list(alerts.order_by("-priority", "-raised_at"))


def _alert(patient, title, *, kind=Alert.Kind.RISK, priority=Alert.Priority.HIGH, **fields):
    return Alert.objects.create(
        patient=patient, kind=kind, priority=priority, title=title, **fields
    )


def test_the_risk_and_open_alerts_are_those_read_apart(patient, clinician):
    services.measure_record(
        patient=patient, instrument_code="CSSRS", responses=CSSRS_MODERATE, user=clinician
    )
    Alert.objects.filter(patient=patient).delete()
    now = timezone.now()
    _alert(patient, "older urgent", priority=Alert.Priority.URGENT, raised_at=now - timedelta(1))
    _alert(patient, "newer high", raised_at=now)
    _alert(patient, "older high", raised_at=now - timedelta(2))
    _alert(patient, "closed", status=Alert.Status.CLOSED)
    _alert(patient, "not risk", kind=Alert.Kind.MEASURE_DUE)
    risk, alerts = _risk_and_open_alerts(patient)
    assert (risk, alerts) == _apart(patient)
    assert [a.title for a in alerts] == ["older urgent", "newer high", "older high"]
    assert (risk.level, risk.source) == ("moderate", "C-SSRS")


def test_a_newer_clinician_assessment_is_the_risk_with_alerts_open(patient, clinician):
    services.measure_record(
        patient=patient, instrument_code="CSSRS", responses=CSSRS_MODERATE, user=clinician
    )
    services.risk_assessment_record(
        patient=patient, level="high", rationale="Plan and intent.", user=clinician
    )
    risk, alerts = _risk_and_open_alerts(patient)
    assert (risk, alerts) == _apart(patient)
    assert (risk.level, risk.source, len(alerts)) == ("high", "clinician assessment", 2)


def test_without_an_open_risk_alert_one_query_reads_the_risk(patient, clinician):
    services.risk_assessment_record(
        patient=patient, level="low", rationale="Denies thoughts.", user=clinician
    )
    with CaptureQueriesContext(connection) as queries:
        risk, alerts = _risk_and_open_alerts(patient)
    assert (len(queries), risk.level, alerts) == (1, "low", [])


def test_no_risk_and_no_alert(patient):
    assert _risk_and_open_alerts(patient) == (None, [])
