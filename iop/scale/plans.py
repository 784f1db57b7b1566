"""Treatment plans of the scale program: the initial plan signed within days of admission,
reviewed on the program's cadence, revised into new versions, superseded and closed at
discharge, each version with the content hash `plan_activate` takes (the same content as
`plans.signatures.plan_content`)."""

import uuid
from datetime import datetime, time, timedelta

from iop.hashing import content_sha256
from iop.scale.trail import CREATE, UPDATE
from patients.models import Episode
from plans.models import Goal, Intervention, Objective, PlanReview, Problem, TreatmentPlan

PROBLEMS = {
    "mood": (
        "Depressed mood, withdrawal and missed work",
        "F33.1",
        "I want to get up in the morning and feel like going to work again.",
        "PHQ-9 total below 10, with five working days in a row",
        "PHQ9",
        10,
        [("cbt", "3 group sessions a week", "Behavioural activation and thought records")],
    ),
    "worry": (
        "Worry and tension that disturb sleep",
        "F41.1",
        "Sleep through the night most nights.",
        "GAD-7 total below 8; 6+ hours of sleep on 5 nights a week",
        "GAD7",
        8,
        [("mindfulness", "Daily practice, reviewed weekly", "")],
    ),
    "use": (
        "Alcohol use that harms work and family",
        "F10.20",
        "Stay sober and keep my job.",
        "No use for 30 days, by self-report and breath tests",
        "",
        None,
        [
            ("relapse_prevention", "3 groups a week", "Relapse-prevention plan and cravings log"),
            ("mi", "Weekly individual session", ""),
        ],
    ),
    "trauma": (
        "Intrusive memories and avoidance after trauma",
        "F43.10",
        "Drive again without panicking.",
        "Drive a short route twice a week",
        "",
        None,
        [("cbt", "Weekly individual session", "Graded exposure")],
    ),
}
DISCHARGE_LABELS = Episode.DischargeReason.choices
BY_TRACK = {
    "mental_health": ["mood", "worry"],
    "substance_use": ["use", "mood"],
    "co_occurring": ["use", "worry"],
    "adolescent": ["mood"],
    "trauma": ["trauma", "mood"],
}


PLAN_FIELDS = (
    "id",
    "patient_id",
    "episode_id",
    "version",
    "status",
    "revision",
    "created_by_id",
    "created_at",
    "updated_at",
    "updated_by_id",
    "signed_by_id",
    "signed_at",
    "content_hash",
    "patient_ack_name",
    "patient_ack_at",
    "activated_at",
    "ended_at",
    "previous_id",
    "summary",
    "next_review_due",
    "close_reason",
)
REVIEW_FIELDS = (
    "id",
    "plan_id",
    "patient_id",
    "due_date",
    "status",
    "period_start",
    "prefill",
    "decision",
    "summary",
    "draft",
    "revision",
    "opened_at",
    "opened_by_id",
    "completed_at",
    "completed_by_id",
)
SUMMARY = "Motivated and insightful; needs structure to rebuild routine and mood."


class Plans:
    """Treatment plan versions with their problems, goals, objectives and interventions, and
    the completed reviews between them."""

    def __init__(self, world):
        self.world = world
        self.rows = {
            m: [] for m in (TreatmentPlan, Problem, Goal, Objective, Intervention, PlanReview)
        }

    def build(self):
        world = self.world
        world.progress.stage("planning treatment plans", len(world.admitted))
        for e in world.admitted:
            self._episode(e)
            world.progress.advance()

    def _at(self, day, hour):
        return datetime.combine(
            day, time(hour, self.world.rng.randint(0, 59)), tzinfo=self.world.tz
        )

    def _episode(self, e):
        world, rng = self.world, self.world.rng
        keys = BY_TRACK[world.programs[e.program][1]]
        lineages = {k: str(uuid.UUID(int=rng.getrandbits(128), version=4)) for k in keys}
        activated = self._at(e.admission_date + timedelta(days=rng.randint(0, 2)), 15)
        end = (
            datetime.combine(e.discharge_date, time(16), tzinfo=world.tz)
            if e.discharge_date
            else None
        )
        if activated >= world.now - timedelta(hours=1) or (end and activated >= end):
            return
        version, previous = 1, None
        while True:
            plan = world.sink.new_id(TreatmentPlan)
            problems = keys[: min(len(keys), version)]
            period, due, reviews = activated.date(), activated.date() + timedelta(days=30), []
            while True:
                review_at = self._at(due - timedelta(days=rng.randint(0, 3)), 14)
                if (end and review_at >= end) or review_at >= world.now - timedelta(hours=1):
                    if not end and rng.random() < 0.08:
                        due = world.today - timedelta(days=rng.randint(1, 10))  # review overdue
                    status = "closed" if end else "active"
                    self._version(
                        e, plan, version, previous, problems, lineages, activated, status, end, due
                    )
                    self._reviews(e, plan, reviews)
                    return
                decision = "revise" if rng.random() < 0.55 else "continue"
                reviews.append((due, period, review_at, decision))
                if decision == "revise":
                    self._version(
                        e,
                        plan,
                        version,
                        previous,
                        problems,
                        lineages,
                        activated,
                        "superseded",
                        review_at,
                        due,
                    )
                    self._reviews(e, plan, reviews)
                    version, previous, activated = (
                        version + 1,
                        plan,
                        review_at + timedelta(minutes=30),
                    )
                    break
                period, due = review_at.date(), review_at.date() + timedelta(days=30)

    def _version(self, e, pk, version, previous, problems, lineages, activated, status, ended, due):
        world, rows = self.world, self.rows
        user = e.primary
        created = activated - timedelta(minutes=40)
        content = []
        for p_pos, key in enumerate(problems):
            description, code, words, objective, instrument, target, interventions = PROBLEMS[key]
            problem, goal, obj = (world.sink.new_id(m) for m in (Problem, Goal, Objective))
            target_date = activated.date() + timedelta(days=45)
            goal_date = activated.date() + timedelta(days=60)
            rows[Problem].append((problem, pk, p_pos, description, code))
            rows[Goal].append((goal, problem, 0, words, goal_date, "in_progress"))
            rows[Objective].append(
                (obj, goal, lineages[key], 0, objective, target_date, instrument, target, "", [])
            )
            listed = []
            for i_pos, (modality, frequency, text) in enumerate(interventions):
                rows[Intervention].append(
                    (world.sink.new_id(Intervention), obj, i_pos, modality, text, frequency, user)
                )
                listed.append(
                    {
                        "position": i_pos,
                        "modality": modality,
                        "description": text,
                        "frequency": frequency,
                        "responsible": user,
                    }
                )
            content.append(
                {
                    "position": p_pos,
                    "description": description,
                    "diagnosis_code": code,
                    "goals": [
                        {
                            "position": 0,
                            "client_words": words,
                            "target_date": goal_date,
                            "status": "in_progress",
                            "objectives": [
                                {
                                    "position": 0,
                                    "lineage": lineages[key],
                                    "description": objective,
                                    "target_date": target_date,
                                    "measure_instrument": instrument,
                                    "measure_target": target,
                                    "interventions": listed,
                                }
                            ],
                        }
                    ],
                }
            )
        digest = content_sha256(
            {
                "plan": pk,
                "episode": e.id,
                "version": version,
                "summary": SUMMARY,
                "patient_ack_name": e.name,
                "problems": content,
            }
        )
        close = (
            f"Discharged: {dict(DISCHARGE_LABELS)[e.discharge_reason]}"
            if status == "closed"
            else ""
        )
        rows[TreatmentPlan].append(
            (
                pk,
                e.patient_id,
                e.id,
                version,
                status,
                6,
                user,
                created,
                ended or activated,
                user,
                user,
                activated,
                digest,
                e.name,
                activated,
                activated,
                ended,
                previous,
                SUMMARY,
                due,
                close,
            )
        )
        trail, path = world.trail, f"/patients/{e.patient_id}/plan/"
        trail.change(created, user, CREATE, "plans.treatmentplan", pk, e.patient_id, path=path)
        trail.change(
            created + timedelta(minutes=20),
            user,
            UPDATE,
            "plans.treatmentplan",
            pk,
            e.patient_id,
            path=path,
        )
        trail.change(
            activated,
            user,
            UPDATE,
            "plans.treatmentplan",
            pk,
            e.patient_id,
            detail="signed and activated",
            path=path,
        )
        if previous:
            trail.change(
                activated,
                user,
                UPDATE,
                "plans.treatmentplan",
                previous,
                e.patient_id,
                detail=f"superseded by version {version}",
                path=path,
            )
        if status == "closed":
            trail.change(
                ended,
                user,
                UPDATE,
                "plans.treatmentplan",
                pk,
                e.patient_id,
                detail="closed at discharge",
                path=f"/patients/{e.patient_id}/discharge/",
            )

    def _reviews(self, e, plan, reviews):
        world = self.world
        for due, period, done, decision in reviews:
            pk = world.sink.new_id(PlanReview)
            opened = done - timedelta(minutes=30)
            summary = "Progress reviewed with the patient; " + (
                "objectives revised." if decision == "revise" else "plan continues."
            )
            self.rows[PlanReview].append(
                (
                    pk,
                    plan,
                    e.patient_id,
                    due,
                    "completed",
                    period,
                    {},
                    decision,
                    summary,
                    {},
                    2,
                    opened,
                    e.primary,
                    done,
                    e.primary,
                )
            )
            path = f"/plans/reviews/{pk}/"
            world.trail.change(
                opened, e.primary, CREATE, "plans.planreview", pk, e.patient_id, path=path
            )
            world.trail.change(
                done,
                e.primary,
                UPDATE,
                "plans.planreview",
                pk,
                e.patient_id,
                detail=f"completed: {decision}",
                path=path,
            )

    def write(self):
        sink, rows = self.world.sink, self.rows
        sink.write(TreatmentPlan, PLAN_FIELDS, rows[TreatmentPlan], label="treatment plan versions")
        sink.write(
            Problem, ("id", "plan_id", "position", "description", "diagnosis_code"), rows[Problem]
        )
        sink.write(
            Goal,
            ("id", "problem_id", "position", "client_words", "target_date", "status"),
            rows[Goal],
        )
        sink.write(
            Objective,
            (
                "id",
                "goal_id",
                "lineage",
                "position",
                "description",
                "target_date",
                "measure_instrument",
                "measure_target",
                "target_kind",
                "target_options",
            ),
            rows[Objective],
        )
        sink.write(
            Intervention,
            (
                "id",
                "objective_id",
                "position",
                "modality",
                "description",
                "frequency",
                "responsible_id",
            ),
            rows[Intervention],
        )
        sink.write(PlanReview, REVIEW_FIELDS, rows[PlanReview], label="plan reviews")
