"""One list of jobs: beat's schedule, a worker's catch-up, `run_job` and its alias come from it."""

from datetime import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iop.jobs.models import JobRun
from iop.jobs.registry import JOBS, beat_schedule
from patients.models import Program
from sessions.models import TherapyGroup, TherapySession


def test_beats_schedule_is_the_list_of_jobs():
    from iop.celery import app

    assert app.conf.beat_schedule == beat_schedule()
    assert {name: entry["task"] for name, entry in app.conf.beat_schedule.items()} == {
        name: job.task for name, job in JOBS.items()
    }
    assert [entry["schedule"] for entry in app.conf.beat_schedule.values()] == [
        job.schedule for job in JOBS.values()
    ]


def test_task_names_are_unchanged_for_messages_already_queued():
    assert {name: job.task for name, job in JOBS.items()} == {
        "heartbeat": "iop.jobs.heartbeat",
        "pending_tasks": "iop.jobs.pending_tasks",
        "reminders": "sessions.reminders",
        "reviews": "plans.reviews",
        "initial_plans": "plans.initial_plans",
        "documentation": "sessions.documentation",
        "cosignature": "sessions.cosignature",
        "engagement": "sessions.engagement",
        "measures_due": "patients.measures_due",
        "group_schedule": "sessions.group_schedule",
        "audit_verify": "audit.verify",
        "authorization_alerts": "billing.authorization_alerts",
        "screens_weekly_draw": "screens.weekly_draw",
    }


def test_a_starting_worker_catches_up_on_every_job_but_the_heartbeat():
    from iop.celery import CATCH_UP_TASKS

    assert sorted(CATCH_UP_TASKS) == sorted(
        job.task for name, job in JOBS.items() if name != "heartbeat"
    )


def test_every_job_has_a_registered_task_with_a_docstring():
    from iop.celery import app

    app.loader.import_default_modules()
    for job in JOBS.values():
        assert job.task in app.tasks, job.name
        assert (app.tasks[job.task].__doc__ or "").strip(), job.task


def test_run_job_offers_the_jobs_of_the_list(db):
    with pytest.raises(CommandError) as refusal:
        call_command("run_job", "nope")
    assert str(refusal.value).endswith(f"jobs are: {', '.join(JOBS)}.")


def test_generate_group_sessions_runs_the_group_schedule_job(db, settings, capsys):
    settings.GROUP_SCHEDULE_WEEKS = 2
    program = Program.objects.create(name="Adult Mental Health IOP", track="mental_health")
    TherapyGroup.objects.create(
        name="Every day",
        program=program,
        kind="process",
        schedule_days=[0, 1, 2, 3, 4, 5, 6],
        start_time=time(9),
    )
    call_command("generate_group_sessions")
    assert TherapySession.objects.count() == 14
    run = JobRun.objects.get()
    assert (run.job, run.outcome, run.counts) == ("group_schedule", "success", {"created": 14})
    assert "14 group sessions created for the next 2 weeks." in capsys.readouterr().out
