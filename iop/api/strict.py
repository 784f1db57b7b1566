"""A JSON body's values have the JSON types the OpenAPI schema gives them, or the API says 400.

DRF reads compatible values leniently: `"5"` for an integer, `0` or `"true"` for a boolean, a
number for a text, an object for a list of choices. The schema (drf-spectacular, from the same
serializers) says `integer`, `boolean`, `string`, `array`, so a client that sends the wrong type
has a bug the API should tell it about, not guess around. `Serializer` and `ModelSerializer` here
are the bases of every API serializer: before a body is read, the serializer that reads it (the
root; nested serializers are walked from it) checks each value given for a writable field:

- integer (`IntegerField`, a primary key of a related object): a JSON integer (not `true`/`false`;
  `5.0` is an integer to JSON Schema and to DRF);
- number (`FloatField`): a JSON number; `DecimalField`: a JSON string when it is written as one
  (`COERCE_DECIMAL_TO_STRING`, as the schema documents it), else a JSON number;
- boolean: `true` or `false`;
- text, choices of text, dates, times, UUIDs, e-mail addresses: a JSON string;
- choices of integers: a JSON integer;
- lists (`ListField`, `MultipleChoiceField`, a `many=True` field): an array, each element
  checked by the child; `DictField`: an object, each value checked by the child;
- a nested serializer: an object, checked field by field.

`null` is left to DRF (refused unless the field allows it); a `JSONField` takes anything.
A body sent as a form (the browsable API's HTML forms: the data is a `QueryDict`) has no types,
so DRF's reading of text stays as it was. Refusals are the usual field errors:
`{"field": ["Expected a whole number (JSON integer)."]}`.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.db import models
from rest_framework import fields, relations, serializers
from rest_framework.settings import api_settings
from rest_framework.utils import html

INTEGER = "Expected a whole number (JSON integer)."
NUMBER = "Expected a number (JSON number)."
BOOLEAN = "Expected true or false (JSON boolean)."
STRING = "Expected text (JSON string)."
ARRAY = "Expected a list (JSON array)."
OBJECT = "Expected an object (JSON object)."

TEXT_FIELDS = (
    fields.CharField,  # also EmailField, RegexField, SlugField, URLField, IPAddressField
    fields.UUIDField,
    fields.DateField,
    fields.DateTimeField,
    fields.TimeField,
    fields.DurationField,
    relations.SlugRelatedField,
    relations.HyperlinkedRelatedField,
)


def is_integer(value):
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def choice_error(field, value):
    """As drf-spectacular types the choices: all integers, all text, or (mixed) any scalar."""
    keys = list(field.choices) + ([""] if field.allow_blank else [])
    if keys and all(isinstance(key, int) and not isinstance(key, bool) for key in keys):
        return None if is_integer(value) else INTEGER
    if keys and all(isinstance(key, str) for key in keys):
        return None if isinstance(value, str) else STRING
    return None if isinstance(value, str | int | float) and not isinstance(value, bool) else STRING


def value_errors(field, value):
    """The type errors of one value for `field`: None, a list of messages, or nested errors."""
    if value is None or isinstance(field, fields.JSONField | fields.HiddenField):
        return None
    if isinstance(field, serializers.ListSerializer):
        if not isinstance(value, list):
            return [ARRAY]
        errors = [value_errors(field.child, item) or {} for item in value]
        return errors if any(errors) else None
    if isinstance(field, serializers.Serializer):
        if not isinstance(value, Mapping):
            return [OBJECT]
        return data_errors(field, value) or None
    if isinstance(
        field, fields.ListField | relations.ManyRelatedField | fields.MultipleChoiceField
    ):
        if not isinstance(value, list):
            return [ARRAY]
        child = getattr(field, "child", None) or getattr(field, "child_relation", None)
        if isinstance(field, fields.MultipleChoiceField):
            errors = {i: [choice_error(field, item)] for i, item in enumerate(value)}
        else:
            errors = {i: value_errors(child, item) for i, item in enumerate(value)}
        errors = {i: error for i, error in errors.items() if error and error != [None]}
        return errors or None
    if isinstance(field, fields.DictField):
        if not isinstance(value, Mapping):
            return [OBJECT]
        errors = {key: value_errors(field.child, item) for key, item in value.items()}
        errors = {key: error for key, error in errors.items() if error}
        return errors or None
    message = scalar_error(field, value)
    return [message] if message else None


def scalar_error(field, value):
    if isinstance(field, fields.BooleanField):
        return None if isinstance(value, bool) else BOOLEAN
    if isinstance(field, fields.IntegerField | relations.PrimaryKeyRelatedField):
        if isinstance(field, relations.PrimaryKeyRelatedField) and field.pk_field is not None:
            return scalar_error(field.pk_field, value)
        return None if is_integer(value) else INTEGER
    if isinstance(field, fields.FloatField):
        return None if is_number(value) else NUMBER
    if isinstance(field, fields.DecimalField):
        as_text = getattr(field, "coerce_to_string", None)
        if as_text is None:
            as_text = api_settings.COERCE_DECIMAL_TO_STRING
        if as_text:
            return None if isinstance(value, str) else STRING
        return None if is_number(value) else NUMBER
    if isinstance(field, fields.ChoiceField):
        return choice_error(field, value)
    if isinstance(field, TEXT_FIELDS):
        return None if isinstance(value, str) else STRING
    return None


def data_errors(serializer, data):
    """The type errors of a JSON object read by `serializer`, keyed by field name."""
    errors = {}
    for field in serializer._writable_fields:
        value = data.get(field.field_name, fields.empty)
        if value is fields.empty:
            continue
        error = value_errors(field, value)
        if error:
            errors[field.field_name] = error
    return errors


class StrictJSONMixin:
    def to_internal_value(self, data):
        root_data = getattr(self.root, "initial_data", None)
        if self.parent is None and isinstance(data, Mapping) and not html.is_html_input(root_data):
            errors = data_errors(self, data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class Serializer(StrictJSONMixin, serializers.Serializer):
    pass


class DateTimeField(serializers.DateTimeField):
    """DRF's, with the current time zone looked up once per field rather than once per value:
    the lookup (a context-local read, ~17 us) was a good part of a 200-row list's time. The
    app activates no other zone (`settings.TIME_ZONE` throughout), and a field lives for one
    serializer, so the zone cannot change under it."""

    def default_timezone(self):
        try:
            return self._current_timezone
        except AttributeError:
            self._current_timezone = super().default_timezone()
            return self._current_timezone


class ModelSerializer(StrictJSONMixin, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }
