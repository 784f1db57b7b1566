"""Plan libraries: per program, the problems, goals, objectives and interventions a clinician
picks in the plan editor to fill in an item's form, then edits (a goal always ends up in the
client's own words: `plans.services.library` refuses a goal left in the library's wording).

Admins maintain them in the Django admin (and the API); a supervisor maintains the libraries of
the programs they supervise on the library page. No patient data lives here."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from iop.accounts.roles import Role
from patients.models import Program
from patients.querysets import is_director, supervised_programs
from plans.models import Intervention

TEXT_MAX = 1000


def maintained_programs(user):
    """The programs whose library `user` maintains: every one for an admin or a director, a
    supervisor's own programs; none for anyone else."""
    if not (user and user.is_authenticated and user.is_active):
        return Program.objects.none()
    if user.has_role(Role.ADMIN) or is_director(user):
        return Program.objects.all()
    if user.has_role(Role.SUPERVISOR):
        return Program.objects.filter(pk__in=supervised_programs(user))
    return Program.objects.none()


class LibraryEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        """Every program's library for clinical staff and admins (it holds no patient data);
        nothing for anyone else."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if not user.has_role(Role.ADMIN, *Role.CLINICAL):
            return self.none()
        return self

    def offered(self, program_id, kind):
        """What the plan editor offers for a new or changed `kind` of item in this program."""
        return self.filter(program_id=program_id, kind=kind, is_active=True).order_by("text")


class LibraryEntry(models.Model):
    class Kind(models.TextChoices):
        PROBLEM = "problem", "Problem"
        GOAL = "goal", "Goal"
        OBJECTIVE = "objective", "Objective"
        INTERVENTION = "intervention", "Intervention"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="plan_library")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(
        max_length=TEXT_MAX,
        help_text="A problem's or objective's description, a goal's usual wording (the "
        "clinician rewrites it in the client's words), an intervention's description.",
    )
    modality = models.CharField(
        max_length=25,
        choices=Intervention.Modality.choices,
        blank=True,
        help_text="Interventions only.",
    )
    frequency = models.CharField(
        max_length=80, blank=True, help_text="Interventions only, e.g. 3 groups a week."
    )
    is_active = models.BooleanField(
        "offered", default=True, help_text="Entries no longer offered stay out of the editor."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LibraryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["program", "kind", "text"]
        verbose_name = "plan library entry"
        verbose_name_plural = "plan library entries"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "text"], name="library_entry_unique"
            ),
            models.CheckConstraint(
                condition=(Q(kind="intervention") & ~Q(modality="") & ~Q(frequency=""))
                | (~Q(kind="intervention") & Q(modality="") & Q(frequency="")),
                name="library_intervention_fields",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    def get_absolute_url(self):
        return reverse("plans:library", args=[self.program_id]) + f"#entry-{self.pk}"

    # No patient's data: its audit events name no patient.
    audit_patient_id = None

    @property
    def label(self):
        text = self.text if len(self.text) <= 90 else self.text[:89] + "…"
        if self.kind == self.Kind.INTERVENTION:
            return f"{self.get_modality_display()}, {self.frequency}" + (
                f" — {text}" if text else ""
            )
        return text

    def clean(self):
        self.text = (self.text or "").strip()
        self.frequency = (self.frequency or "").strip()
        if any("\x00" in value for value in (self.text, self.frequency)):
            raise ValidationError("Text may not contain NUL characters.")
        if len(self.text) > TEXT_MAX:
            raise ValidationError({"text": f"Keep an entry under {TEXT_MAX} characters."})
        if self.kind == self.Kind.INTERVENTION:
            missing = {
                name: "An intervention gives its modality and frequency."
                for name in ("modality", "frequency")
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)
        else:
            if not self.text:
                raise ValidationError({"text": "Write the entry's text."})
            extra = {
                name: "Only an intervention has a modality and frequency."
                for name in ("modality", "frequency")
                if getattr(self, name)
            }
            if extra:
                raise ValidationError(extra)

    def prefill(self):
        """The plan item form's fields this entry fills in."""
        if self.kind == self.Kind.INTERVENTION:
            return {
                "modality": self.modality,
                "frequency": self.frequency,
                "description": self.text,
            }
        field = "client_words" if self.kind == self.Kind.GOAL else "description"
        return {field: self.text}
