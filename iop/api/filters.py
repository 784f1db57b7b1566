from django import forms
from django_filters import rest_framework as filters


class IdFilter(filters.NumberFilter):
    """A filter on a record's id: a whole number, as the schema says (`?plan=0.5` is a 400;
    django-filter's NumberFilter reads decimals and matched nothing)."""

    field_class = forms.IntegerField
