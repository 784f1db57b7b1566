"""The folders a running process needs, made when it starts rather than when settings load.

Importing settings has no side effects; `manage.py`, the WSGI and ASGI entry points, Celery's
worker and beat, and the test run call `ensure_var_dirs()` once at start.
"""

from pathlib import Path


def var_dirs():
    """The folders under VAR_DIR (or wherever the settings point) that must exist."""
    from django.conf import settings

    folders = [Path(settings.VAR_DIR), Path(settings.STATIC_ROOT)]
    if settings.CELERY_BROKER_URL == "filesystem://":
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [
            Path(options[key])
            for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
        ]
    return folders


def ensure_var_dirs():
    """Create the folders the settings name: the SQLite database's, static files (whitenoise
    warns at start without one) and the filesystem broker's queue."""
    for folder in var_dirs():
        folder.mkdir(parents=True, exist_ok=True)
