from django.conf import settings
from django.db import models
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from patients.instruments import FLAG_LABELS, INSTRUMENTS, RISK_ALERT
from patients.querysets import PatientScopedQuerySet

INSTRUMENT_CHOICES = [(code, instrument.name) for code, instrument in INSTRUMENTS.items()]


def _recency():
    """1 for each patient's newest response to an instrument, 2 for the one before, ..."""
    return models.Window(
        RowNumber(),
        partition_by=[models.F("patient"), models.F("instrument")],
        order_by=[models.F("administered_at").desc(), models.F("pk").desc()],
    )


class MeasureResponseQuerySet(PatientScopedQuerySet):
    def scored_between(self, start, end):
        """The scored responses given from `start` to `end` (local dates, both included): an
        episode's measures run from its admission (its referral when never admitted) to its
        discharge, the window the discharge summary and the outcome reports read first and
        last scores in. `start` and `end` may be expressions (`OuterRef`)."""
        return self.filter(
            total_score__isnull=False,
            administered_at__date__gte=start,
            administered_at__date__lte=end,
        )

    def latest_per_instrument(self):
        """Each patient's newest response to each instrument (of this queryset)."""
        return self.annotate(recency=_recency()).filter(recency=1)

    def recent_per_instrument(self, count):
        """Each patient's newest `count` responses to each instrument (of this queryset),
        each carrying `instrument_total`: how many that patient's instrument has in all. One
        pass over the patient's rows, however long the history, returning only what a
        chart shows."""
        in_all = models.Window(
            models.Count("pk"), partition_by=[models.F("patient"), models.F("instrument")]
        )
        return self.annotate(recency=_recency(), instrument_total=in_all).filter(recency__lte=count)


def answers_as_given(instrument, values):
    """An administration's stored item answers (in item order) as they were given: yes/no
    answers, stored as 1/0, as booleans. A list's page reads the values of all its rows at
    once (`patients.selectors.attach_answer_values`)."""
    as_bool = INSTRUMENTS[instrument].answer_type is bool
    return [bool(value) if as_bool else value for value in values]


class MeasureResponse(models.Model):
    """One administration of an instrument; scored on the server from its item answers."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="measures"
    )
    episode = models.ForeignKey(
        "patients.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    instrument = models.CharField(max_length=10, choices=INSTRUMENT_CHOICES, db_index=True)
    administered_at = models.DateTimeField(default=timezone.now, db_index=True)
    total_score = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=30)
    flags = models.JSONField(default=list, blank=True)
    subscores = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-administered_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "instrument", "-administered_at"]),
            # The measures tab's results, newest first, a page at a time.
            models.Index(
                fields=["patient", "-administered_at", "-id"], name="measure_patient_recent"
            ),
        ]

    def __str__(self):
        total = "" if self.total_score is None else f" {self.total_score}"
        return f"{self.get_instrument_display()}{total} ({self.severity})"

    def get_absolute_url(self):
        return reverse("patients:measures", args=[self.patient_id]) + f"#measure-{self.pk}"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def definition(self):
        return INSTRUMENTS[self.instrument]

    @property
    def responses(self):
        """The item answers in item order (`answers_as_given`)."""
        return answers_as_given(self.instrument, [a.value for a in self.answers.all()])

    @property
    def flag_labels(self):
        return [(flag, FLAG_LABELS.get(flag, flag.replace("_", " "))) for flag in self.flags]

    @property
    def raises_risk_alert(self):
        return RISK_ALERT in self.flags


class MeasureAnswer(models.Model):
    """One item's answer. Yes/no answers are stored as 1/0."""

    response = models.ForeignKey(MeasureResponse, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    item_code = models.CharField(max_length=5)
    value = models.SmallIntegerField()

    class Meta:
        ordering = ["response", "position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "position"], name="one_answer_per_item"),
        ]

    def __str__(self):
        return f"item {self.item_code}: {self.value}"
