import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from iop.validation import dates_in_order, not_in_future, plausible_date_of_birth
from patients.querysets import EpisodeQuerySet, PatientQuerySet


def generate_mrn():
    """A medical record number: "M" and 7 random digits (not guessable from a sequence)."""
    return f"M{secrets.randbelow(10**7):07d}"


def display_name(preferred_name, legal_first_name, legal_last_name):
    """How a patient is named on screens (`Patient.display_name`), from the columns
    themselves: for lists that read a page's patients as plain values."""
    return f"{preferred_name or legal_first_name} {legal_last_name}"


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        INTERSEX = "intersex", "Intersex"
        UNKNOWN = "unknown", "Unknown / not recorded"

    class ContactChannel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "Text message (SMS)"
        PHONE = "phone", "Phone call"
        NONE = "none", "No contact"

    mrn = models.CharField("MRN", max_length=12, unique=True, default=generate_mrn, editable=False)
    legal_first_name = models.CharField(max_length=80)
    legal_last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField()
    pronouns = models.CharField(max_length=40, blank=True)
    sex = models.CharField(
        "sex assigned at birth", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN
    )
    gender_identity = models.CharField(max_length=60, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_channel = models.CharField(
        max_length=10, choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    insurance_payer = models.CharField(max_length=120, blank=True)
    insurance_member_id = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Bumped by every change of the details (services.patient_update): an edit made from an
    # older copy is refused instead of overwriting what someone saved meanwhile.
    revision = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "pk"]
        indexes = [models.Index(fields=["legal_last_name", "legal_first_name"])]

    def __str__(self):
        return f"{self.display_name} ({self.mrn})"

    def get_absolute_url(self):
        return reverse("patients:chart", args=[self.pk])

    def clean(self):
        # Here too, so that the Django admin refuses an implausible date of birth.
        if self.date_of_birth:
            plausible_date_of_birth(self.date_of_birth, field="date_of_birth")

    @property
    def audit_patient_id(self):
        return self.pk

    @property
    def display_name(self):
        return display_name(self.preferred_name, self.legal_first_name, self.legal_last_name)

    @property
    def legal_name(self):
        return f"{self.legal_first_name} {self.legal_last_name}"

    def age_on(self, day=None):
        day = day or date.today()
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Episode(models.Model):
    """One admission of a patient to a program, from referral to discharge."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        INTAKE = "intake", "Intake"
        ACTIVE = "active", "Active"
        DISCHARGED = "discharged", "Discharged"
        DECLINED = "declined", "Declined"

    OPEN_STATUSES = (Status.REFERRED, Status.INTAKE, Status.ACTIVE)

    class LevelOfCare(models.TextChoices):
        PHP = "PHP", "PHP (partial hospitalization)"
        IOP = "IOP", "IOP (intensive outpatient)"
        OP = "OP", "OP (outpatient)"

    class DischargeReason(models.TextChoices):
        COMPLETED = "completed", "Completed the program"
        STEPPED_DOWN = "stepped_down", "Stepped down to a lower level of care"
        TRANSFERRED = "transferred", "Transferred"
        HIGHER_LEVEL = "higher_level", "Higher level of care"
        AGAINST_ADVICE = "against_advice", "Left against advice"

    # Allowed moves; anything else is refused with a reason (services.episode_transition).
    TRANSITIONS = {
        Status.REFERRED: {Status.INTAKE, Status.DECLINED},
        Status.INTAKE: {Status.ACTIVE, Status.DECLINED},
        Status.ACTIVE: {Status.DISCHARGED},
        Status.DISCHARGED: set(),
        Status.DECLINED: set(),
    }
    LEVEL_RANK = {LevelOfCare.OP: 0, LevelOfCare.IOP: 1, LevelOfCare.PHP: 2}

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey(
        "patients.Program", on_delete=models.PROTECT, related_name="episodes"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.REFERRED, db_index=True
    )
    referral_source = models.CharField(max_length=120)
    referral_date = models.DateField(default=date.today)
    referral_reason = models.TextField(blank=True)
    admission_date = models.DateField(null=True, blank=True)
    discharge_date = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    decline_reason = models.TextField(blank=True)
    level_of_care = models.CharField(
        max_length=3, choices=LevelOfCare.choices, default=LevelOfCare.IOP
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_episodes",
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="care_team_episodes"
    )
    is_sud = models.BooleanField(
        "SUD care (42 CFR Part 2)",
        default=False,
        help_text="Substance use disorder treatment records are protected under 42 CFR Part 2.",
    )
    # SUD care: admission needs a Part 2 consent in force, or the patient's refusal recorded
    # here with the reason (services.part2_refusal_record).
    part2_refusal_reason = models.TextField("why the patient declines a Part 2 consent", blank=True)
    part2_refusal_at = models.DateTimeField(null=True, blank=True)
    part2_refusal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [
            # The episodes in their order: the API's plans list (by episode, then version)
            # walks it for a supervisor and stops when the page is full.
            models.Index(fields=["referral_date", "id"], name="episode_referral_order"),
            # A supervisor's patients (`visible_patient_ids`: their programs' episodes'
            # patients) read from the index alone, not from every episode's row.
            models.Index(fields=["program", "patient"], name="episode_program_patient"),
            # Whether Part 2 protects a row's patient (`part2.protects_patient_of_row`, on each
            # caseload row): a probe of the SUD episodes' patients, not a scan of every
            # episode hashed (the caseload's statement, medians: 4.6 -> 4.0 ms, a clinician's).
            models.Index(
                fields=["patient"], condition=models.Q(is_sud=True), name="episode_sud_patient"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                # OPEN_STATUSES, spelled out: Meta cannot see the class being defined.
                condition=models.Q(status__in=["referred", "intake", "active"]),
                name="one_open_episode_per_patient",
            ),
        ]

    def __str__(self):
        return f"{self.program} — {self.get_status_display()} ({self.referral_date:%Y-%m-%d})"

    def clean(self):
        """Referral, admission and discharge have happened (not in the future, not before
        1900), in that order: admission not before the referral, discharge not before the
        admission."""
        not_in_future(self.referral_date, field="referral_date", what="The referral date")
        not_in_future(self.admission_date, field="admission_date", what="The admission date")
        dates_in_order(
            self.referral_date,
            self.admission_date,
            field="admission_date",
            message="The admission date is before the referral date.",
        )
        not_in_future(self.discharge_date, field="discharge_date", what="The discharge date")
        dates_in_order(
            self.admission_date,
            self.discharge_date,
            field="discharge_date",
            message="The discharge date is before the admission date.",
        )

    @property
    def audit_patient_id(self):
        return self.patient_id

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def can_move_to(self, status):
        return status in self.TRANSITIONS[self.status]


class LevelOfCareChange(models.Model):
    """A recorded move between PHP, IOP and OP; a move down is a step-down."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.CharField(max_length=3, choices=Episode.LevelOfCare.choices)
    to_level = models.CharField(max_length=3, choices=Episode.LevelOfCare.choices)
    effective_date = models.DateField(default=date.today)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date", "-pk"]

    def __str__(self):
        return f"{self.from_level} → {self.to_level} on {self.effective_date}"

    @property
    def audit_patient_id(self):
        return self.episode.patient_id

    @property
    def is_step_down(self):
        return Episode.LEVEL_RANK[self.to_level] < Episode.LEVEL_RANK[self.from_level]


class EpisodeChange(models.Model):
    """A change of an admitted episode's Part 2 flag, program or diagnoses, by a supervisor of
    its program, with the reason (services.episode_part2_set, services.episode_program_change,
    services.episode_diagnoses_set).
    The reason lives here, not in the audit trail, which never holds free text."""

    class Field(models.TextChoices):
        IS_SUD = "is_sud", "SUD care (42 CFR Part 2)"
        PROGRAM = "program", "Program"
        DIAGNOSES = "diagnoses", "Diagnoses"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(max_length=10, choices=Field.choices)
    old_value = models.CharField(max_length=120)
    new_value = models.CharField(max_length=120)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.get_field_display()}: {self.old_value} → {self.new_value}"

    @property
    def audit_patient_id(self):
        return self.episode.patient_id
