"""The demo shows the compliance section: every figure has a value and lists its patients."""

import io

from django.core.management import call_command

from iop.accounts.roles import Role
from tests.reports.test_compliance import assert_drills_match


def test_the_demo_shows_every_figure_with_its_patients(db, settings):
    from iop.accounts.models import User
    from reports.scope import default_scope

    settings.DEBUG = True
    call_command("seed_demo", password="a-demo-password-1", stdout=io.StringIO())
    director = User.objects.filter(groups__name=Role.DIRECTOR).first()
    section = assert_drills_match(default_scope(director))
    assert [f.key for f in section.figures if f.value is None] == []
    # Every figure lists patients; no one admitted in the demo is still within their
    # initial-plan days, so that count is 0.
    empty = [f.key for f in section.figures if not f.patients]
    assert empty == ["initial-plans-pending"]
    figures = {f.key: f for f in section.figures}
    # Avery Nguyen: moderate risk, her safety plan in force.
    assert (figures["safety-plans"].value, figures["safety-plans"].patients) == (100.0, 1)
