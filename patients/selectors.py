"""Reads of patient data that more than one page or endpoint needs: one home each."""

from django.urls import reverse

from patients import extensions
from patients.models import Alert


def chart_header(patient):
    """What the chart header shows: current episode, risk and Part 2 badges. Fixed queries."""
    episodes = list(
        patient.episodes.select_related("program", "primary_clinician").order_by(
            "-referral_date", "-pk"
        )
    )
    current = next((e for e in episodes if e.is_open), episodes[0] if episodes else None)
    open_risk = patient.alerts.filter(kind=Alert.Kind.RISK, status=Alert.Status.OPEN)
    open_risk_alert = open_risk.order_by("-priority", "-raised_at").first()
    patient.open_risk_alert = open_risk_alert
    facts = [fact for provider in extensions.header_facts for fact in provider(patient, current)]
    return {
        "episode": current,
        "episodes": episodes,
        "open_risk_alert": open_risk_alert,
        "is_part2": any(e.is_sud for e in episodes if e.is_open) or (current and current.is_sud),
        "header_facts": facts,
        "extra_tabs": [
            {
                "slug": t.slug,
                "label": t.label,
                "url": reverse(t.url_name, args=[patient.pk]),
                "clinical_only": t.clinical_only,
            }
            for t in extensions.chart_tabs
        ],
    }
