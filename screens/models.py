"""Drug screens (CLINICAL.md, *Drug screens*): a program's screening settings, the random draws
of screening days (each recorded with its seed), orders, their collection, and one result per
analyte judged expected or unexpected against the medication list.

Rows change only through `screens.services`, which audit every change. A SUD patient's screens
are Part 2 records like the rest of the chart (`patients.part2`: protection follows the patient).
"""

import random

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from patients.models import Episode, Patient, Program
from patients.querysets import PatientScopedQuerySet
from screens.panel import ANALYTE_CHOICES, ANALYTES, DEFAULT_PANEL

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def default_panel():
    return list(DEFAULT_PANEL)


def default_weekdays():
    return [0, 1, 2, 3, 4]


class Method(models.TextChoices):
    """How a presumptive screen is read; it picks the code (80305/80306/80307)."""

    OPTICAL = "optical", "Direct optical observation (cup, dipstick)"
    INSTRUMENT = "instrument", "Read by instrument"
    ANALYZER = "analyzer", "Chemistry analyzer (immunoassay)"


class Specimen(models.TextChoices):
    URINE = "urine", "Urine"
    ORAL_FLUID = "oral_fluid", "Oral fluid"


class ScreeningSettings(models.Model):
    """A program's screening: its panel, how screens are read, and the schedule (random: a share
    of the program's days drawn without pattern; or fixed weekdays)."""

    class Schedule(models.TextChoices):
        RANDOM = "random", "Random share of program days"
        FIXED = "fixed", "Fixed weekdays"

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="+")
    panel = models.JSONField(default=default_panel, help_text="Analyte codes, e.g. BUP, FYL.")
    specimen = models.CharField(max_length=12, choices=Specimen.choices, default=Specimen.URINE)
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.OPTICAL)
    schedule = models.CharField(max_length=8, choices=Schedule.choices, default=Schedule.RANDOM)
    random_percent = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Random schedule: the share of program days drawn for a screen.",
    )
    program_weekdays = models.JSONField(
        default=default_weekdays, help_text="The days the program meets (0 = Monday)."
    )
    fixed_weekdays = models.JSONField(
        default=list, blank=True, help_text="Fixed schedule: the screening weekdays (0 = Monday)."
    )
    auto_weekly_draw = models.BooleanField(
        "draw each week's screens automatically",
        default=False,
        help_text="Every morning the weekly draw job orders the coming week's screens of each "
        "admitted patient (screens.services.weekly).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "screening settings"
        constraints = [
            models.CheckConstraint(
                name="screening_percent_range",
                condition=models.Q(random_percent__gte=1, random_percent__lte=100),
            )
        ]

    def __str__(self):
        return f"Screening of {self.program}"

    @property
    def audit_patient_id(self):
        return None

    def panel_names(self):
        return [ANALYTES[code] for code in self.panel]

    def weekday_names(self, days):
        return ", ".join(WEEKDAYS[d] for d in days)


class ScreenDraw(models.Model):
    """One random draw: of the candidate days (the program days of a period not drawn before),
    `len(days)` were picked by `random.Random(seed).sample`. Seed and candidates are kept, so
    the draw can be replayed (`replay()`) and checked."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField()
    last_day = models.DateField()
    seed = models.BigIntegerField()
    percent = models.PositiveSmallIntegerField()
    candidates = models.JSONField(help_text="ISO dates the draw picked from, in order.")
    days = models.JSONField(help_text="ISO dates drawn, in the order drawn.")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when drawn by the weekly draw job.",
    )
    drawn_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="screen_draw_period_order",
                condition=models.Q(last_day__gte=models.F("first_day")),
            )
        ]

    def __str__(self):
        return f"Draw {self.first_day}–{self.last_day} (seed {self.seed})"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @staticmethod
    def pick(seed, candidates, percent):
        """The days a draw with this seed picks: a share of the candidates, each at most once."""
        count = max(1, round(len(candidates) * percent / 100)) if candidates else 0
        # Reproducible from the recorded seed by design; the seed itself comes from `secrets`.
        return random.Random(seed).sample(list(candidates), count)  # noqa: S311

    def replay(self):
        return self.pick(self.seed, self.candidates, self.percent)


class ScreenOrder(models.Model):
    class Reason(models.TextChoices):
        RANDOM = "random", "Random"
        SCHEDULED = "scheduled", "Scheduled"
        CLINICAL = "clinical", "Clinical (for cause)"

    class Testing(models.TextChoices):
        PRESUMPTIVE = "presumptive", "Presumptive (screen)"
        DEFINITIVE = "definitive", "Definitive (confirmation)"

    class Status(models.TextChoices):
        ORDERED = "ordered", "Ordered"
        COLLECTED = "collected", "Collected"
        RESULTED = "resulted", "Resulted"
        REFUSED = "refused", "Refused"
        MISSED = "missed", "Missed"

    CLOSED = (Status.RESULTED, Status.REFUSED, Status.MISSED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    draw = models.ForeignKey(
        ScreenDraw, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    due_date = models.DateField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    panel = models.JSONField(help_text="Analyte codes.")
    specimen = models.CharField(max_length=12, choices=Specimen.choices)
    testing = models.CharField(max_length=12, choices=Testing.choices, default=Testing.PRESUMPTIVE)
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.OPTICAL)
    observed = models.BooleanField(default=False, help_text="Collection is observed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ORDERED)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when ordered by the weekly draw job.",
    )
    ordered_at = models.DateTimeField(default=timezone.now, editable=False)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    temperature_c = models.DecimalField(
        "temperature (°C)", max_digits=3, decimal_places=1, null=True, blank=True
    )
    temperature_in_range = models.BooleanField(
        null=True, blank=True, help_text="Urine: 32–38 °C within 4 minutes of collection."
    )
    outcome_note = models.CharField(
        max_length=500, blank=True, help_text="Why refused or missed; collection remarks."
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "due_date"], name="screen_order_one_per_episode_day"
            ),
        ]
        indexes = [models.Index(fields=["due_date", "status"], name="screen_order_due")]

    def __str__(self):
        return f"Screen {self.due_date} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("screens:order", args=[self.patient_id, self.pk])

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_closed(self):
        return self.status in self.CLOSED

    def panel_names(self):
        return [ANALYTES.get(code, code) for code in self.panel]


class ScreenResult(models.Model):
    class Value(models.TextChoices):
        NEGATIVE = "negative", "Negative"
        POSITIVE = "positive", "Positive"
        INVALID = "invalid", "Invalid"

    class Reading(models.TextChoices):
        EXPECTED = "expected", "Expected"
        UNEXPECTED = "unexpected", "Unexpected"
        FLAGGED = "flagged", "Invalid — recollect"

    order = models.ForeignKey(ScreenOrder, on_delete=models.PROTECT, related_name="results")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    analyte = models.CharField(max_length=5, choices=ANALYTE_CHOICES)
    value = models.CharField(max_length=10, choices=Value.choices)
    reading = models.CharField(max_length=10, choices=Reading.choices)
    explanation = models.CharField(max_length=200)
    prescribed = models.BooleanField(
        help_text="A medication on the list on the collection day makes this analyte expected."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PatientScopedQuerySet.as_manager()

    class Meta:
        ordering = ["analyte"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "analyte"], name="screen_result_one_per_analyte"
            )
        ]

    def __str__(self):
        return f"{self.analyte} {self.value}"

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def analyte_name(self):
        return ANALYTES.get(self.analyte, self.analyte)
