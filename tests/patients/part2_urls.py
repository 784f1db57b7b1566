"""The project's URLs plus a stand-in for the disclosures app's `release-new`, so the tests of
the print buttons' release link run before (and after) that app lands."""

from django.http import HttpResponse
from django.urls import include, path

from iop.urls import urlpatterns as project_urlpatterns


def release_new(request, pk):
    return HttpResponse("release form")


releases = (
    [path("patients/<int:pk>/releases/new/", release_new, name="release-new")],
    "disclosures",
)
urlpatterns = [*project_urlpatterns, path("part2-stand-in/", include(releases))]
