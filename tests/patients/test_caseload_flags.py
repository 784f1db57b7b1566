"""What a clinician needs at a glance: the caseload's flags (no plan, no safety plan when the
risk calls for one, review due, hours short) and the chart header's diagnoses."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from patients.services import risk_assessment_record
from tests.factories import TreatmentPlanFactory
from tests.queries import query_counts


def flags_by_patient(response):
    return {
        e.patient.display_name: [f.label for f in e.flags] for e in response.context["episodes"]
    }


def test_the_caseload_flags_what_needs_attention(client, clinician, make_episode):
    today = timezone.localdate()
    no_plan = make_episode(clinician=clinician)
    review = make_episode(clinician=clinician)
    TreatmentPlanFactory(episode=review, status="active", next_review_due=today + timedelta(days=3))
    overdue = make_episode(clinician=clinician)
    TreatmentPlanFactory(
        episode=overdue, status="active", next_review_due=today - timedelta(days=1)
    )
    at_risk = make_episode(clinician=clinician)
    TreatmentPlanFactory(episode=at_risk, status="active", next_review_due=today + timedelta(60))
    risk_assessment_record(
        patient=at_risk.patient, level="high", rationale="Plan and intent.", user=clinician
    )
    short = make_episode(clinician=clinician)
    short.admission_date = today - timedelta(weeks=3)
    short.save(update_fields=["admission_date"])
    TreatmentPlanFactory(episode=short, status="active", next_review_due=today + timedelta(60))
    fine = make_episode(clinician=clinician)
    TreatmentPlanFactory(episode=fine, status="active", next_review_due=today + timedelta(60))

    client.force_login(clinician)
    response = client.get(reverse("patients:caseload"))
    flags = flags_by_patient(response)
    assert flags[no_plan.patient.display_name] == ["No plan"]
    assert flags[review.patient.display_name] == [f"Review due {today + timedelta(days=3):%-d %b}"]
    assert flags[overdue.patient.display_name] == ["Review overdue"]
    assert flags[at_risk.patient.display_name] == ["No safety plan"]
    minimum = short.level_of_care  # IOP: 9 h; nothing attended last week
    assert minimum == "IOP"
    assert flags[short.patient.display_name] == ["Hours short: 0.0 / 9 h last week"]
    assert flags[fine.patient.display_name] == []
    html = response.content.decode()
    assert html.count('data-testid="caseload-flags"') == 5
    assert f'href="{reverse("plans:safety", args=[at_risk.patient_id])}"' in html
    # This week is shown as in progress, never flagged.
    assert "(in progress)" in html


def test_the_week_in_progress_never_flags_hours_short(client, clinician, make_episode):
    episode = make_episode(clinician=clinician)  # admitted today: only this week is listed
    TreatmentPlanFactory(
        episode=episode, status="active", next_review_due=timezone.localdate() + timedelta(60)
    )
    client.force_login(clinician)
    response = client.get(reverse("patients:caseload"))
    assert flags_by_patient(response)[episode.patient.display_name] == []


def test_the_chart_header_shows_the_diagnoses(client, clinician, intake, episode, make_episode):
    client.force_login(clinician)
    html = client.get(reverse("patients:chart", args=[episode.patient_id])).content.decode()
    header = html[html.index('data-testid="header-diagnoses"') :]
    header = header[: header.index("</dd>")]
    assert "<code>F32.1</code> Major depressive disorder, single, moderate" in header
    assert "not yet confirmed" not in header
    referral = make_episode(status="referred")
    client.force_login(intake)
    html = client.get(reverse("patients:chart", args=[referral.patient_id])).content.decode()
    assert 'data-testid="header-diagnoses">none recorded' in html


def test_the_flags_cost_the_same_queries_for_few_or_many_patients(client, clinician, make_episode):
    today = timezone.localdate()

    def add(count):
        for _ in range(count):
            make_episode(clinician=clinician)  # no plan
            due = make_episode(clinician=clinician)
            TreatmentPlanFactory(episode=due, status="active", next_review_due=today)
            risk = make_episode(clinician=clinician)
            risk_assessment_record(
                patient=risk.patient, level="moderate", rationale="Thoughts.", user=clinician
            )
            short = make_episode(clinician=clinician)
            short.admission_date = today - timedelta(weeks=3)
            short.save(update_fields=["admission_date"])

    add(1)
    client.force_login(clinician)
    paths = [reverse("patients:caseload")]
    query_counts(client, paths)  # what a first request caches is not counted
    few = query_counts(client, paths)
    add(5)
    many = query_counts(client, paths)
    assert few == many
    flags = flags_by_patient(client.get(paths[0]))
    assert sum(len(f) for f in flags.values()) >= 6 * 4
