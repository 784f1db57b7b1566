#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Load the settings first: Django's command runner would otherwise swallow a
        # configuration error and fail later with an unrelated "Models aren't loaded yet".
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}\n(For local development: DEBUG=1, or `make run`.)")
    from iop.runtime import ensure_var_dirs

    ensure_var_dirs()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
