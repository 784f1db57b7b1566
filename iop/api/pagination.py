"""Paging of API lists: page numbers for the short lists, cursors for those over tables that
grow without bound (sessions, attendance, notes)."""

import base64
import binascii
import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q
from rest_framework import serializers
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from iop.validation import LARGEST_ID

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGE_SIZE_PARAM = "page_size"
PAGE_SIZE_DESCRIPTION = (
    f"Results per page (default {PAGE_SIZE}; more than {MAX_PAGE_SIZE} is read as {MAX_PAGE_SIZE})."
)


def page_size_of(request):
    """`?page_size=`: a whole number of at least 1, more than the maximum read as the
    maximum. Anything else is a 400 (DRF's default silently fell back to 50, so a client's typo
    went unnoticed)."""
    raw = request.query_params.get(PAGE_SIZE_PARAM)
    if raw in (None, ""):
        return PAGE_SIZE
    field = serializers.IntegerField(min_value=1)
    try:
        value = field.run_validation(raw)
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({PAGE_SIZE_PARAM: exc.detail}) from exc
    return min(value, MAX_PAGE_SIZE)


class _Page(Page):
    """Django's page, iterated over its rows' list: a `Sequence` walks `__getitem__` row by
    row (its type checks and list test each time), ~1,000 calls for DRF's `list(page)` of
    200 rows."""

    def __iter__(self):
        if not isinstance(self.object_list, list):
            self.object_list = list(self.object_list)
        return iter(self.object_list)


class _Paginator(Paginator):
    def _get_page(self, *args, **kwargs):
        return _Page(*args, **kwargs)


class StandardPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 200; more is read as 200).

    A `page_size` that is not a whole number of at least 1 is a 400; a page past the last is a
    404.
    """

    django_paginator_class = _Paginator
    page_size = PAGE_SIZE
    page_size_query_param = PAGE_SIZE_PARAM
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        return page_size_of(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = PAGE_SIZE_DESCRIPTION
        return parameters


class CursorPagination(BasePagination):
    """`?cursor=` and `?page_size=`: for lists over tables that grow without bound.

    The rows come in the view's `cursor_ordering` (indexed columns, ending with the primary key
    so that it is total); a page is the rows after the last one of the page before, found
    through the index at any depth. Nothing is counted (a COUNT over a million rows cost more
    than the page) and there is no page number to jump to: `next` and `previous` are links
    carrying an opaque cursor, null at either end. Walking `next` from the first page gives
    every row once. A cursor that is not one the API gave is a 400.
    """

    cursor_query_param = "cursor"
    page_size = PAGE_SIZE
    invalid_cursor = "Not a cursor of this list: follow the `next` or `previous` link."

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = page_size_of(request)
        self.ordering = tuple(view.cursor_ordering)
        self.fields = [_field(queryset.model, name) for name in self.ordering]
        position, backwards = self.decode_cursor(request)
        order = tuple(_flip(name) for name in self.ordering) if backwards else self.ordering
        queryset = queryset.order_by(*order)
        if position is not None:
            queryset = queryset.filter(_after(order, position))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = position is not None, more
        self.first = self._key(rows[0]) if rows else position
        self.last = self._key(rows[-1]) if rows else position
        return rows

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_next_link(self):
        if not self.has_next or self.last is None:
            return None
        return self._link(self.last, backwards=False)

    def get_previous_link(self):
        if not self.has_previous or self.first is None:
            return None
        return self._link(self.first, backwards=True)

    def _link(self, key, *, backwards):
        url = self.request.build_absolute_uri()
        payload = json.dumps({"k": [_plain(v) for v in key], "b": backwards})
        cursor = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return replace_query_param(url, self.cursor_query_param, cursor)

    def _key(self, obj):
        if type(obj) is dict:  # a page of values (`iop.api.rows.values_of`)
            return [obj[field.attname] for field in self.fields]
        return [getattr(obj, field.attname) for field in self.fields]

    def decode_cursor(self, request):
        """(the position's values, backwards?) or (None, False) for the first page."""
        raw = request.query_params.get(self.cursor_query_param)
        if raw in (None, ""):
            return None, False
        try:
            text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
            payload = json.loads(text)
            key, backwards = payload["k"], payload["b"]
            if not (isinstance(key, list) and len(key) == len(self.fields)):
                raise ValueError(key)
            if not isinstance(backwards, bool):
                raise ValueError(backwards)
            values = [_parse(field, value) for field, value in zip(self.fields, key, strict=True)]
        except (ValueError, TypeError, KeyError, binascii.Error, DjangoValidationError):
            error = {self.cursor_query_param: [self.invalid_cursor]}
            raise serializers.ValidationError(error) from None
        return values, backwards

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last."},
                "previous": {**link, "description": "The page before, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: the opaque value in a `next` or "
                "`previous` link (absent: the first page). Any other value is a 400.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": PAGE_SIZE_DESCRIPTION,
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


def _field(model, name):
    name = name.lstrip("-")
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _flip(name):
    return name[1:] if name.startswith("-") else f"-{name}"


def _after(order, position):
    """The rows after `position` in `order`: (a, b) > (x, y) as (a > x) or (a = x and b > y),
    with the first column's bound alone too, so the index range is used."""
    names = [name.lstrip("-") for name in order]
    later = [f"{name.lstrip('-')}__{'lt' if name.startswith('-') else 'gt'}" for name in order]
    condition = Q()
    for i, value in enumerate(position):
        step = Q(**dict(zip(names[:i], position[:i], strict=True)), **{later[i]: value})
        condition |= step
    first = later[0] + "e"  # gt -> gte, lt -> lte
    return Q(**{first: position[0]}) & condition


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _parse(field, value):
    """A cursor's value for `field`: an id the database can hold, or a time with its offset."""
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > LARGEST_ID:
            raise ValueError(value)
    elif not isinstance(value, str):
        raise ValueError(value)
    parsed = field.to_python(value)
    if isinstance(parsed, datetime):
        if parsed.tzinfo is None:
            raise ValueError(value)
    elif not isinstance(value, int):
        raise ValueError(value)  # an id in a string: not one the API wrote
    return parsed
