"""Reads of the billing app: a chart's billing (coverage, authorizations with their
burn-down, the days attended outside any authorization) and the billers' work list. Each in
a fixed number of queries."""

from collections import defaultdict

from django.utils import timezone

from billing.burndown import burndowns, current_burndowns, unauthorized_days
from billing.models import Authorization, Coverage
from patients.models import Patient


def chart_billing(patient, *, episodes=None, today=None):
    """The patient's episodes (newest first), each with its coverage and its authorizations
    and their burn-down, and the days of the current episode attended outside every approved
    authorization. Seven queries whatever the numbers; six when given `episodes`, all the
    patient's as the chart header read them (newest first, with their programs)."""
    today = today or timezone.localdate()
    if episodes is None:
        episodes = patient.episodes.select_related("program").order_by("-referral_date", "-pk")
    episodes = list(episodes)
    coverages = defaultdict(list)
    for coverage in (
        Coverage.objects.filter(episode__patient=patient)
        .select_related("payer")
        .order_by("priority", "-effective_from", "pk")
    ):
        coverages[coverage.episode_id].append(coverage)
    # Each authorization's episode is one of `episodes` (read with its program), not joined.
    by_id = {episode.pk: episode for episode in episodes}
    authorizations = list(
        Authorization.objects.filter(episode__patient=patient)
        .select_related("coverage__payer")
        .order_by("-first_date", "-pk")
    )
    for authorization in authorizations:
        authorization.episode = by_id[authorization.episode_id]
    burns = burndowns(
        [a for a in authorizations if a.status == Authorization.Status.APPROVED], today=today
    )
    by_episode = defaultdict(list)
    for authorization in authorizations:
        by_episode[authorization.episode_id].append((authorization, burns.get(authorization.pk)))
    current = next((e for e in episodes if e.is_open), episodes[0] if episodes else None)
    return {
        "episodes": [
            {"episode": e, "coverages": coverages[e.pk], "authorizations": by_episode[e.pk]}
            for e in episodes
        ],
        "current_episode": current,
        "unauthorized_days": unauthorized_days(current, today=today) if current else [],
    }


def worklist(user, *, today=None):
    """The approved authorizations of open episodes the user may read, ending soonest first
    (what a biller works through): a queryset; `worklist_rows` adds the burn-down of a page."""
    today = today or timezone.localdate()
    return (
        Authorization.objects.for_user(user)
        .approved()
        .filter(last_date__gte=today, episode__status__in=("referred", "intake", "active"))
        .select_related("episode__program", "episode__patient", "coverage__payer")
        .order_by("last_date", "pk")
    )


def worklist_rows(authorizations, *, today=None):
    """[(authorization, burn-down)] of one page, in at most two queries."""
    authorizations = list(authorizations)
    found = burndowns(authorizations, today=today)
    return [(a, found[a.pk]) for a in authorizations]


def patients_found(user, query, *, limit=25):
    """The patients whose billing `user` may read matching a name or MRN (at most `limit`)."""
    return list(
        Patient.objects.for_billing(user).search(query).order_by("legal_last_name", "pk")[:limit]
    )


__all__ = ["chart_billing", "current_burndowns", "patients_found", "worklist", "worklist_rows"]
