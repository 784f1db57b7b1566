"""Query filters as strict as the schema that documents them: a value that is not of the
documented type is a 400, never silently ignored (django-filter's defaults read `?plan=0.5` as a
decimal and `?is_active=maybe` as no filter at all). An empty value (`?status=`) means no filter,
as the schema says (`allowEmptyValue`)."""

import re

from django import forms
from django.db import models
from django_filters import Filter
from django_filters import rest_framework as filters

from iop.validation import LARGEST_ID

_WHOLE = re.compile(r"-?[0-9]+")


class IdField(forms.IntegerField):
    """A record's id: a whole number a database column can hold (a larger one is a 400, not
    an overflow in the database driver)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -LARGEST_ID)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        # Django's IntegerField reads "5.0" as 5; the schema says integer, so digits only.
        if value not in self.empty_values and not _WHOLE.fullmatch(str(value).strip()):
            raise forms.ValidationError("Give a whole number.", code="invalid")
        return super().to_python(value)


class IdFilter(filters.NumberFilter):
    """A filter on a record's id: a whole number."""

    field_class = IdField


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError("Give true or false.", code="invalid")


class StrictBooleanFilter(Filter):
    field_class = StrictBooleanField


class FilterSet(filters.FilterSet):
    """The base of every API filter set (`IOPFilterBackend` builds `filterset_fields` on it)."""

    # A related record is filtered by its id alone, not chosen among every row of its table:
    # `?patient=<id>` of a patient the caller may not see answers the same empty list as an id
    # that names no one (a choice field's 400 for a missing id told the two apart).
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class IOPFilterBackend(filters.DjangoFilterBackend):
    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        """A list filtered by none of its `filterset_fields` is its queryset as it is, without
        the filter set that would leave it so: django-filter builds that class from the model's
        fields on each request, then a form for it, ~1 ms of a list's CPU. (A view's own
        `filterset_class` may do more with no value given, and is always built.)"""
        fields = getattr(view, "filterset_fields", None)
        automatic = getattr(view, "filterset_class", None) is None
        if automatic and isinstance(fields, list | tuple):
            asked = any(name in request.query_params for name in fields)
            if not asked:
                return queryset
        return super().filter_queryset(request, queryset, view)
