"""The authorization alerts (CLINICAL.md): 80 % used, 3 days before the last authorized
date, a concurrent review due. Raised by the `authorization_alerts` job (beat, and
`manage.py raise_authorization_alerts`); idempotent: each alert's dedupe key names the
authorization and what it is about (the number authorized, the last date, the review date),
so a run repeated raises nothing new, and an extension that changes them can alert again."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from billing.burndown import REVIEW_LEAD_DAYS, burndowns
from billing.models import Authorization
from patients.models import Alert, Episode
from patients.services.measures import alert_raise

BATCH = 200


def _raise(authorization, kind, title, key, context, priority=Alert.Priority.ROUTINE):
    before = Alert.objects.filter(dedupe_key=key).exists()
    if before:
        return False
    episode = authorization.episode
    alert_raise(
        patient=episode.patient,
        episode=episode,
        kind=kind,
        title=title,
        detail=f"Authorization {authorization.reference_number or 'without reference'} "
        f"({authorization.coverage.payer or 'payer'}).",
        priority=priority,
        source=authorization,
        dedupe_key=key,
        action_url=reverse("billing:chart", args=[episode.patient_id]),
        context=context,
    )
    return True


def authorization_alerts(*, today=None, context=None):
    """Raise the alerts due today for the approved authorizations of open episodes; answers
    the counts raised."""
    today = today or timezone.localdate()
    counts = {"low": 0, "ending": 0, "review_due": 0}
    authorizations = (
        Authorization.objects.approved()
        .filter(last_date__gte=today, episode__status__in=Episode.OPEN_STATUSES)
        .select_related("episode__program", "episode__patient", "coverage__payer")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(authorizations.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return counts
        last_pk = batch[-1].pk
        found = burndowns(batch, today=today)
        for authorization in batch:
            burn = found[authorization.pk]
            _alerts_of(authorization, burn, today, context, counts)


def _alerts_of(authorization, burn, today, context, counts):
    pk = authorization.pk
    if burn.low and _raise(
        authorization,
        Alert.Kind.AUTH_LOW,
        f"Authorization {burn.percent} % used: {burn.label}",
        f"auth:{pk}:low:{authorization.number_authorized}",
        context,
        Alert.Priority.HIGH,
    ):
        counts["low"] += 1
    if burn.ending(today) and _raise(
        authorization,
        Alert.Kind.AUTH_ENDING,
        f"Authorization ends {authorization.last_date:%-d %b %Y}",
        f"auth:{pk}:ending:{authorization.last_date.isoformat()}",
        context,
        Alert.Priority.HIGH,
    ):
        counts["ending"] += 1
    review = authorization.next_review_date
    if (
        review
        and review - timedelta(days=REVIEW_LEAD_DAYS) <= today
        and _raise(
            authorization,
            Alert.Kind.AUTH_REVIEW_DUE,
            f"Concurrent review due {review:%-d %b %Y}",
            f"auth:{pk}:review:{review.isoformat()}",
            context,
        )
    ):
        counts["review_due"] += 1
