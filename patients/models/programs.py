from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from patients.instruments import INSTRUMENTS
from patients.querysets import ProgramQuerySet


def default_measure_schedule():
    return [{"instrument": "PHQ9", "every_days": 14}, {"instrument": "GAD7", "every_days": 14}]


def default_reminder_lead_hours():
    return [24, 2]


class Program(models.Model):
    """An IOP program (e.g. "Adult Mental Health IOP"), configured by admins."""

    class Track(models.TextChoices):
        MENTAL_HEALTH = "mental_health", "Mental health"
        SUBSTANCE_USE = "substance_use", "Substance use"
        CO_OCCURRING = "co_occurring", "Co-occurring"
        ADOLESCENT = "adolescent", "Adolescent"
        TRAUMA = "trauma", "Trauma"

    name = models.CharField(max_length=120, unique=True)
    track = models.CharField(max_length=20, choices=Track.choices)
    minimum_weekly_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="The IOP weekly minimum; leave blank for 9 hours, or 6 for adolescents "
        "(under 18, or in an adolescent program). PHP is always 20 hours and OP has none.",
    )
    initial_plan_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="The initial treatment plan is due within this many days of admission.",
    )
    review_cadence_days = models.PositiveSmallIntegerField(
        default=30, help_text="Treatment plans are reviewed at least this often."
    )
    measure_schedule = models.JSONField(
        default=default_measure_schedule,
        help_text='Instruments given on schedule, e.g. [{"instrument": "PHQ9", "every_days": 14}].',
    )
    reminder_lead_hours = models.JSONField(
        default=default_reminder_lead_hours,
        help_text="Hours before a session that reminders go out, e.g. [24, 2].",
    )
    pcl5_cutoff = models.PositiveSmallIntegerField(
        "PCL-5 cut-off",
        default=33,
        help_text="PCL-5 total at or above which PTSD is provisional (published range 31–33).",
    )
    billing_mode = models.CharField(
        max_length=11,
        choices=[("per_service", "Per service"), ("per_diem", "Per diem")],
        default="per_service",
        help_text="Per diem (one S9480/H0015/H0035 line a day at the threshold, the day's "
        "sessions bundled) or per service (each session's own code); never both.",
    )
    per_diem_threshold_minutes = models.PositiveSmallIntegerField(
        default=180,
        help_text="Attended program minutes in a day at or above which the per diem applies.",
    )
    is_active = models.BooleanField(default=True)
    # Who supervises this program: they see its patients, groups, sessions and queues
    # (patients.querysets). Clinical directors supervise every program without being listed.
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supervised_programs",
        limit_choices_to={"groups__name": "supervisor", "is_active": True},
        help_text="Users with the supervisor role; a clinical director (director role) "
        "supervises every program without being listed.",
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        schedule = self.measure_schedule
        if not isinstance(schedule, list) or not all(
            isinstance(e, dict)
            and e.get("instrument") in INSTRUMENTS
            and isinstance(e.get("every_days"), int)
            and e["every_days"] > 0
            for e in schedule
        ):
            codes = ", ".join(INSTRUMENTS)
            errors["measure_schedule"] = (
                f"Use a list of {{instrument, every_days}} entries; instruments are {codes} and "
                "every_days a whole number above 0."
            )
        leads = self.reminder_lead_hours
        if not isinstance(leads, list) or not all(
            isinstance(h, int) and 0 < h <= 168 for h in leads
        ):
            errors["reminder_lead_hours"] = "Use a list of whole hours between 1 and 168."
        elif len(set(leads)) > 4:
            errors["reminder_lead_hours"] = "At most four reminder times."
        if "measure_schedule" not in errors:
            codes = [e["instrument"] for e in schedule]
            if len(set(codes)) != len(codes):
                errors["measure_schedule"] = "Each instrument once."
            elif any(e["every_days"] > 365 for e in schedule):
                errors["measure_schedule"] = "Give each instrument every 1 to 365 days."
        if not 1 <= (self.review_cadence_days or 0) <= 180:
            errors["review_cadence_days"] = "Review plans every 1 to 180 days."
        hours = self.minimum_weekly_hours
        if hours is not None and not 0 < hours <= 40:
            errors["minimum_weekly_hours"] = "Give a weekly minimum above 0 and up to 40 hours."
        if not 20 <= self.pcl5_cutoff <= 60:
            errors["pcl5_cutoff"] = "Choose a cut-off between 20 and 60."
        if errors:
            raise ValidationError(errors)

    @property
    def weekly_hours_minimum(self):
        if self.minimum_weekly_hours is not None:
            return self.minimum_weekly_hours
        return Decimal(6) if self.track == self.Track.ADOLESCENT else Decimal(9)

    @property
    def is_substance_use(self):
        return self.track in (self.Track.SUBSTANCE_USE, self.Track.CO_OCCURRING)
