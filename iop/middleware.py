"""Refusals of input no page, service or database should ever see."""

import json

from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

NUL = "\x00"
NUL_MESSAGE = (
    "The request contains a NUL character (\\x00), which no field accepts. "
    "Remove it (it often comes from pasting binary data) and try again."
)


def _has_nul(value):
    """Whether a parsed JSON value, or any string inside it, contains a NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _querydict_has_nul(querydict):
    return any(NUL in key or any(NUL in v for v in values) for key, values in querydict.lists())


def request_has_nul(request):
    """A NUL in the path, the query string, a form field or a JSON body (uploaded files'
    contents are not text and are not looked at)."""
    if NUL in request.path or _querydict_has_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    try:
        if request.content_type == "application/json":
            try:
                return _has_nul(json.loads(request.body or b"null"))
            except ValueError:
                return b"\x00" in request.body  # the parser will say what else is wrong
        return _querydict_has_nul(request.POST)
    except (SuspiciousOperation, MultiPartParserError):
        # Too big, too many fields, or a malformed multipart body: the view answers that itself
        # (the API with a 400), where reading it here was a 500.
        return False


class NulByteMiddleware:
    """Any NUL character in the input is a 400 before a view runs.

    PostgreSQL refuses NUL in text, so letting one through turns a search or a note into a
    server error; no clinical text ever needs one. The API answers JSON `{"detail": ...}`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE}, status=400)
            return HttpResponse(NUL_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
