"""The job-run list in the admin: the minute-by-minute heartbeat does not bury the other runs."""

import re

from iop.jobs.models import JobRun


def _listed_jobs(html):
    return re.findall(r'<th class="field-job"><a [^>]*>([^<]+)</a>', html)


def _runs(count_heartbeats):
    for _ in range(count_heartbeats):
        JobRun.objects.create(job="heartbeat", outcome=JobRun.Outcome.SUCCESS)
    JobRun.objects.create(job="reminders", outcome=JobRun.Outcome.SUCCESS)


def test_it_hides_heartbeats_by_default(db, client, admin_user_role):
    _runs(5)
    client.force_login(admin_user_role)
    html = client.get("/admin/jobs/jobrun/").content.decode()
    assert _listed_jobs(html) == ["reminders"]


def test_it_shows_heartbeats_when_asked(db, client, admin_user_role):
    _runs(2)
    client.force_login(admin_user_role)
    html = client.get("/admin/jobs/jobrun/?heartbeats=shown").content.decode()
    assert sorted(_listed_jobs(html)) == ["heartbeat", "heartbeat", "reminders"]


def test_filtering_on_the_heartbeat_job_shows_its_runs(db, client, admin_user_role):
    _runs(2)
    client.force_login(admin_user_role)
    html = client.get("/admin/jobs/jobrun/?job__exact=heartbeat").content.decode()
    assert _listed_jobs(html) == ["heartbeat", "heartbeat"]


def test_the_filter_offers_both_choices(db, client, admin_user_role):
    client.force_login(admin_user_role)
    html = client.get("/admin/jobs/jobrun/").content.decode()
    assert "By heartbeats" in html and "?heartbeats=shown" in html
