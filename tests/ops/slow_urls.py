"""A slow page, for the graceful-shutdown test only, beside the app's own URLs.

The view notes that it has started (a file the test waits for), works for TEST_SLOW_SECONDS,
reads the database and answers — so a SIGTERM sent after the file appears lands mid-request.
"""

import os
import time
from pathlib import Path

from django.http import HttpResponse
from django.urls import include, path

from iop.accounts.models import User


def slow(request):
    Path(os.environ["TEST_SLOW_STARTED"]).touch()
    time.sleep(float(os.environ.get("TEST_SLOW_SECONDS", "2")))
    return HttpResponse(f"done, {User.objects.count()} users", content_type="text/plain")


urlpatterns = [path("slow/", slow), path("", include("iop.urls"))]
