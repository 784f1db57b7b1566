"""Factories: model rows built directly, valid under each model's constraints.

For unit-level tests. They write no audit events and raise no alerts; a test that needs what a
service does on the way (an audit trail, an alert, a drawn MRN) builds its data through the
service instead.
"""

from datetime import date, time

import factory
from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from iop.accounts.models import User
from iop.accounts.roles import sync_role_permissions
from patients.models import Episode, IntakeAssessment, Patient, Program
from plans.models import Goal, Intervention, Objective, Problem, TreatmentPlan
from sessions.models import GroupEnrollment, TherapyGroup, TherapySession

PASSWORD = "correct-horse-battery-9"

# A completed intake's answers (the ASAM ratings are asked in SUD care only).
INTAKE_ANSWERS = {
    "presenting_problem": "Low mood and poor sleep for three months.",
    "client_goals": "I want to sleep through the night and go back to work.",
    "risk_level": "low",
    "risk_assessment": "Passive thoughts of death last year; none now; no plan.",
    "diagnoses": [{"code": "F32.1", "description": "Major depressive disorder, single, moderate"}],
    "recommended_level_of_care": "IOP",
    "level_of_care_rationale": "Needs structure several days a week; safe at home.",
    "asam_d1": 0,
    "asam_d2": 0,
    "asam_d3": 2,
    "asam_d4": 1,
    "asam_d5": 2,
    "asam_d6": 1,
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            if not Group.objects.filter(name=extracted).exists():
                # A transactional test flushed what the data migration created.
                sync_role_permissions(apps)
            self.groups.add(Group.objects.get(name=extracted))


# --- patients ---------------------------------------------------------------------------------


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("name",)

    name = "Adult Mental Health IOP"
    track = Program.Track.MENTAL_HEALTH


class PatientFactory(factory.django.DjangoModelFactory):
    """A patient; the MRN is drawn by the model's default, as the service does."""

    class Meta:
        model = Patient

    legal_first_name = factory.Sequence(lambda n: f"Pat{n}")
    legal_last_name = factory.Sequence(lambda n: f"Doe{n}")
    date_of_birth = date(1990, 1, 1)
    sex = Patient.Sex.FEMALE


class EpisodeFactory(factory.django.DjangoModelFactory):
    """An episode in `status`. From `intake` on it has an intake assessment; an active one has
    it completed, is admitted today and has its primary clinician on the care team: the rows
    `referral_register`, `intake_start`, `intake_save_step` and `intake_complete` leave."""

    class Meta:
        model = Episode
        skip_postgeneration_save = True

    patient = factory.SubFactory(PatientFactory)
    program = factory.SubFactory(ProgramFactory)
    status = Episode.Status.ACTIVE
    referral_source = "Primary care"
    level_of_care = Episode.LevelOfCare.IOP
    admission_date = factory.LazyAttribute(
        lambda e: timezone.localdate() if e.status == Episode.Status.ACTIVE else None
    )

    @factory.post_generation
    def intake(self, create, extracted, **kwargs):
        """`intake__by=user` is who started and completed it."""
        if not create or self.status == Episode.Status.REFERRED:
            return
        completed = self.status != Episode.Status.INTAKE
        answers = {
            field: value
            for field, value in INTAKE_ANSWERS.items()
            if self.is_sud or not field.startswith("asam_")
        }
        by = kwargs.get("by")
        IntakeAssessment.objects.create(
            episode=self,
            patient_id=self.patient_id,
            started_by=by,
            **(
                {
                    **answers,
                    "status": IntakeAssessment.Status.COMPLETED,
                    "current_step": "recommendation",
                    "completed_by": by,
                    "completed_at": timezone.now(),
                    "confirmed_by": self.primary_clinician,
                    "confirmed_at": timezone.now() if self.primary_clinician_id else None,
                }
                if completed
                else {}
            ),
        )
        if completed and self.primary_clinician_id:
            self.care_team.add(self.primary_clinician_id)


# --- plans ------------------------------------------------------------------------------------


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    """A draft plan, version 1, of an active episode."""

    class Meta:
        model = TreatmentPlan

    episode = factory.SubFactory(EpisodeFactory)
    patient = factory.SelfAttribute("episode.patient")
    created_by = factory.SelfAttribute("episode.primary_clinician")
    updated_by = factory.SelfAttribute("created_by")


class ProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Problem

    plan = factory.SubFactory(TreatmentPlanFactory)
    position = 1
    description = "Low mood most days; not working"
    diagnosis_code = "F32.1"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    problem = factory.SubFactory(ProblemFactory)
    position = 1
    client_words = "I want to feel like myself again"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    goal = factory.SubFactory(GoalFactory)
    position = 1
    description = "Mood improves as measured by PHQ-9"
    target_date = date(2027, 1, 31)
    measure_instrument = "PHQ9"
    measure_target = 10


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    objective = factory.SubFactory(ObjectiveFactory)
    position = 1
    modality = Intervention.Modality.CBT
    description = "Thought records"
    frequency = "3 groups a week"
    responsible = factory.SelfAttribute("objective.goal.problem.plan.created_by")


# --- groups and sessions ----------------------------------------------------------------------


class TherapyGroupFactory(factory.django.DjangoModelFactory):
    """A process group meeting Mon/Wed/Fri at 09:00 for 180 minutes."""

    class Meta:
        model = TherapyGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Group {n}")
    program = factory.SubFactory(ProgramFactory)
    kind = TherapyGroup.Kind.PROCESS
    schedule_days = factory.LazyFunction(lambda: [0, 2, 4])
    start_time = time(9)
    duration_minutes = 180

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.set(extracted)


class GroupEnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupEnrollment

    group = factory.SubFactory(TherapyGroupFactory)
    episode = factory.SubFactory(EpisodeFactory)


class TherapySessionFactory(factory.django.DjangoModelFactory):
    """A group session of `group` at `starts_at`, its facilitators as clinicians."""

    class Meta:
        model = TherapySession
        skip_postgeneration_save = True

    kind = "group"
    group = factory.SubFactory(TherapyGroupFactory)
    starts_at = factory.LazyFunction(timezone.now)
    duration_minutes = factory.SelfAttribute("group.duration_minutes")
    location = factory.SelfAttribute("group.location")
    delivery = factory.SelfAttribute("group.delivery")

    @factory.post_generation
    def clinicians(self, create, extracted, **kwargs):
        if create:
            self.clinicians.set(
                extracted if extracted is not None else self.group.facilitators.all()
            )
