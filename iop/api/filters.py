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
        """A list asked for by none of its filters is its queryset as it is, without the
        filter set that would leave it so: django-filter builds it on each request (for
        `filterset_fields` a class made from the model's fields first), then a bound form,
        1-3k Python calls of a list's ~40k, only to find every filter empty."""
        if not self.asks_for_a_filter(request, view):
            return queryset
        return super().filter_queryset(request, queryset, view)

    @staticmethod
    def asks_for_a_filter(request, view):
        """Whether the query may name one of `view`'s filters (a query parameter beginning with
        a filter's name: a range filter's are suffixed), or its filter set may do something
        with none given (a required filter, its own `qs` or `filter_queryset`)."""
        own = getattr(view, "filterset_class", None)
        if own is None:
            names = getattr(view, "filterset_fields", None)
            if not isinstance(names, list | tuple):
                return True
        else:
            plain = own.qs is filters.FilterSet.qs
            plain = plain and own.filter_queryset is filters.FilterSet.filter_queryset
            if not plain or any(f.extra.get("required") for f in own.base_filters.values()):
                return True
            names = list(own.base_filters)
        return any(param.startswith(name) for param in request.query_params for name in names)
