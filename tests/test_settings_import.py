"""Importing the settings touches nothing on disk; starting a process makes the folders it needs."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The test run's own variables, which must not leak into the processes started here.
INHERITED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VAR_DIR", "STATIC_ROOT"}


def run(args, var_dir):
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED}
    environment.update(DEBUG="1", VAR_DIR=str(var_dir))
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_importing_the_settings_creates_no_folder(tmp_path):
    var_dir = tmp_path / "var"
    result = run(["-c", "import iop.settings as s; print(s.VAR_DIR)"], var_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(var_dir)
    assert list(tmp_path.iterdir()) == []


def test_a_command_makes_the_folders_the_app_needs(tmp_path):
    var_dir = tmp_path / "var"
    result = run(["manage.py", "check"], var_dir)
    assert result.returncode == 0, result.stderr
    made = {str(p.relative_to(var_dir)) for p in var_dir.rglob("*") if p.is_dir()}
    assert {"staticfiles", "broker/queue", "broker/processed", "broker/control"} <= made
