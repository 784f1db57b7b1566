"""Building the scale data set (`manage.py seed_demo --scale N`): plan the program in memory,
write it table by table in bulk, then the audit trail sealed in one pass."""

import random
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from iop.audit.models import AuditEvent
from iop.scale import cast, intake, measures, people, plans
from iop.scale.care import Sessions
from iop.scale.sink import Progress, Sink
from iop.scale.trail import LOGIN, VIEW, Trail
from patients.models import Alert, Episode, Patient, Program
from sessions.models import GroupEnrollment, TherapyGroup, TherapySession

HISTORY_DAYS = 730
AHEAD_DAYS = 14
AUDIT_EVENTS = 3_000_000  # at scale 1: what the pages' reads bring the trail to


def holds_data(using=DEFAULT_DB_ALIAS):
    """Whether the database already holds users, patients, sessions or audit events."""
    models = (get_user_model(), Patient, TherapySession, AuditEvent)
    return any(m._base_manager.using(using).exists() for m in models)


def build(*, scale, seed, password, using=DEFAULT_DB_ALIAS, progress=None):
    """Generate the program at `scale` × the reference size; returns {table: rows written}."""
    progress = progress or Progress()
    world = _world(scale, seed, using, progress)
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    progress.stage("planning staff, programs, patients")
    cast.plan_staff(world, password)
    world.staff_by_id = {s.id: s for s in world.staff}
    world.trail.usernames.update({s.id: s.username for s in world.staff})
    cast.plan_programs_and_groups(world)
    cast.plan_episodes(world)
    world.episode_by_id = {e.id: e for e in world.episodes}
    # On SQLite one transaction (much faster); on PostgreSQL each COPY commits by itself.
    outer = transaction.atomic(using=using) if connection.vendor != "postgresql" else _nothing()
    with outer:
        people.write_staff(world)
        people.write_programs_and_groups(world)
        people.write_patients(world)
        intake.write_intake(world)
        intake.write_discharges(world)
        sessions = Sessions(world)
        sessions.groups()
        sessions.individual()
        sessions.write()
        del sessions
        measures.measures(world)
        generated = plans.Plans(world)
        generated.build()
        generated.write()
        del generated
        visits(world, target=round(AUDIT_EVENTS * scale))
        world.trail.write(world.sink)
        world.sink.finish()
    progress.end()
    return world.sink.counts, world


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _world(scale, seed, using, progress):
    # To the minute: the same seed in the same minute writes the same rows, hashes included;
    # on another day the same program, its dates moved with the day.
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate(now)
    world = SimpleNamespace(
        rng=random.Random(seed),  # noqa: S311 - repeatable generated data, not security
        sink=Sink(using, progress),
        progress=progress,
        tz=timezone.get_current_timezone(),
        now=now,
        today=today,
        start_day=today - timedelta(days=HISTORY_DAYS),
        end_day=today + timedelta(days=AHEAD_DAYS),
        sizes=cast.sizes(scale),
        User=get_user_model(),
        Program=Program,
        TherapyGroup=TherapyGroup,
        GroupKinds=TherapyGroup.Kind.choices,
        Patient=Patient,
        EpisodeModel=Episode,
        GroupEnrollment=GroupEnrollment,
        Alert=Alert,
    )
    world.trail = Trail(world.rng, {}, now)
    world.cosigner = lambda staff: _cosigner(world, staff)
    return world


def _cosigner(world, staff):
    """A supervisor of the trainee's program (the director when it lists none)."""
    for username, programs in cast.SUPERVISES.items():
        if staff.program in programs and username in world.by_username:
            return world.by_username[username].id
    return world.by_username["director"].id


def visits(world, *, target):
    """Sign-ins each working day, and the reads that make up most of a real trail: each
    clinician's caseload list (one event per patient shown) and a chart or two opened from it,
    as often as it takes to bring the trail to `target` events."""
    rng, trail = world.rng, world.trail
    caseloads = {c.id: [] for c in world.clinicians}
    for e in world.admitted:
        for user in e.care_team:
            if user in caseloads:
                caseloads[user].append(e)
    workdays = [world.start_day + timedelta(days=n) for n in range(HISTORY_DAYS)]
    workdays = [d for d in workdays if d.weekday() < 5]
    world.progress.stage("planning sign-ins and page views", len(workdays))
    for day in workdays:
        for person in world.staff:
            if person.role != "admin" and rng.random() < 0.92:
                when = datetime.combine(day, time(8, rng.randint(0, 29)), tzinfo=world.tz)
                trail.add(
                    when,
                    person.id,
                    LOGIN,
                    path="/accounts/login/",
                    request=trail.request(person.id),
                )
    shown = {}
    total = 0
    for c, episodes in caseloads.items():
        for day in workdays:
            ids = sorted(e.patient_id for e in episodes if e.in_care(day))
            if ids:
                shown[(c, day)] = ids
                total += len(ids) + 1
    # Sessions bring most of the trail at scale 1; a clinician still opens the caseload about
    # one working day in ten.
    rate = max(0.1, (target - len(trail.events)) / total) if total else 0.0
    for (c, day), ids in shown.items():
        views = int(rate) + (rng.random() < rate - int(rate))
        for _ in range(views):
            when = datetime.combine(
                day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=world.tz
            )
            request = trail.request(c)
            for pid in ids:
                trail.add(
                    when,
                    c,
                    VIEW,
                    "patients.episode list",
                    "",
                    pid,
                    detail=f"patients shown: {len(ids)}",
                    path="/patients/",
                    request=request,
                )
            pid = rng.choice(ids)
            trail.add(
                when + timedelta(seconds=rng.randint(5, 90)),
                c,
                VIEW,
                "patients.patient",
                pid,
                pid,
                path=f"/patients/{pid}/",
                request=trail.request(c),
            )
        world.progress.advance(0)
    world.progress.end()
