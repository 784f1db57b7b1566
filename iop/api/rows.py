"""A list's rows serialised by a plan made once per list, not by DRF's walk of every field
for every row.

DRF's `Serializer.to_representation` asks each field, for each row, to find its attribute
(`Field.get_attribute`: a generic walk of the source with Mapping and callable checks and
exception handling) and then to represent it, through a generator of the readable fields and
an `isinstance` per value: for a page of 200 rows of 20 fields, a third of the request's CPU.
`RowsListSerializer` looks at the child serializer's fields once and, for the fields whose
reading it can do directly with the same result, keeps a plain getter and the field's own
`to_representation` (the builtin itself where DRF's is only `str(value)` or `int(value)`; for
times, dates, choices and booleans a shortcut that gives what DRF gives for the values a
database row holds, and hands anything else to DRF):

- a model column or a property named by the field's source (one attribute, no dots);
- a related object's id (`PrimaryKeyRelatedField` and subclasses that only narrow the
  QuerySet): the row's `<name>_id`, as DRF's pk-only reading gives it;
- a `SerializerMethodField`: the serializer's method;
- a nested serializer (one object): the same plan, made for it.

Any other field is read exactly as DRF reads it. The answer is the same dict, key for key and
in the same order; only the work to build it differs. A serializer whose `to_representation`
is its own opts in by naming in `row_getters` the fields its override gives differently
(`{field name: method name}`, the method taking the row and returning the field's value as
sent); it is then trusted to do nothing else.

A page read as plain values (`values_of`: one dict per row, keyed by the serializer's field
names) is planned the same way from the serializer's model, each column read by its key instead
of an attribute: no model instance is built for the row. Its serializer names in
`value_getters` ({field name: method name}, the method taking the dict; present, if empty,
for a serializer that serves such pages) every field that is not a column or a related id.
"""

import contextlib
import datetime
import operator

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils.functional import cached_property
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings


def _pk_only(field):
    """A `PrimaryKeyRelatedField` read as DRF reads it by default: the related id."""
    kind, base = type(field), relations.PrimaryKeyRelatedField
    return (
        isinstance(field, base)
        and kind.get_attribute is relations.RelatedField.get_attribute
        and kind.to_representation is base.to_representation
        and kind.use_pk_only_optimization is base.use_pk_only_optimization
        and field.pk_field is None
    )


def _lenient_getter(name):
    """A related object, or a property that may read one: missing reads None, as in DRF's
    `get_attribute`."""

    def read(row):
        try:
            return getattr(row, name)
        except ObjectDoesNotExist:
            return None

    return read


def _generic(field):
    def read(row):
        attribute = field.get_attribute(row)  # may raise SkipField, as in DRF
        check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read


class RowPlan:
    """How to represent a row of `serializer`'s model: one (name, read, represent) per
    readable field; `represent` None when `read` gives the value as sent."""

    def __init__(self, serializer, model, *, by_key=False):
        self.steps = []
        self.by_key = by_key  # rows are dicts of values (`values_of`)
        overrides = getattr(serializer, "value_getters" if by_key else "row_getters", {})
        for field in serializer._readable_fields:
            name = field.field_name
            if name in overrides:
                read, represent = getattr(serializer, overrides[name]), None
            else:
                read, represent = self._step(serializer, field, model)
            self.steps.append((name, read, represent, field))

    def _step(self, serializer, field, model):
        kind = type(field)
        if kind is fields.SerializerMethodField:
            return getattr(serializer, field.method_name), None
        attrs = field.source_attrs
        if len(attrs) != 1 or model is None:
            return _generic(field), None
        name = attrs[0]
        if _pk_only(field):
            try:
                related = model._meta.get_field(name)
            except FieldDoesNotExist:
                return _generic(field), None
            if isinstance(related, models.ForeignKey):
                if self.by_key:  # `values()` gives a foreign key's id under its name
                    return operator.itemgetter(name), None
                return operator.attrgetter(related.attname), None
            return _generic(field), None
        if kind.get_attribute is not fields.Field.get_attribute:
            return _generic(field), None
        try:
            column = model._meta.get_field(name)
        except FieldDoesNotExist:
            column = None
            if not isinstance(getattr(model, name, None), property | cached_property):
                return _generic(field), None
        else:
            if not column.concrete or column.many_to_many:
                return _generic(field), None
        if isinstance(field, serializers.ListSerializer):
            return _generic(field), None
        if self.by_key:
            if column is None or column.is_relation:
                return _generic(field), None
            return operator.itemgetter(name), _representer(field)
        related = column is not None and column.is_relation
        if isinstance(field, serializers.Serializer):
            if not related:
                return _generic(field), None
            nested = NestedPlan(field, column.related_model)
            return _lenient_getter(name), nested.represent
        if related or column is None:
            return _lenient_getter(name), _representer(field)
        return operator.attrgetter(name), _representer(field)

    def represent(self, row):
        answer = {}
        for name, read, represent, field in self.steps:
            try:
                value = read(row)
            except SkipField:
                continue
            except (AttributeError, KeyError):
                # DRF's reading decides (a default, null, or the field left out).
                with contextlib.suppress(SkipField):
                    answer[name] = _generic(field)(row)
                continue
            if represent is None or value is None:
                answer[name] = value
            else:
                answer[name] = represent(value)
        return answer


# DRF's own `to_representation` of these is the builtin (`str(value)`, `int(value)`): called
# directly, a page of 200 rows makes a few thousand Python calls fewer.
_BUILTIN_REPRESENTATIONS = {
    fields.CharField.to_representation: str,
    fields.IntegerField.to_representation: int,
}


def _representer(field):
    own = type(field).to_representation
    builtin = _BUILTIN_REPRESENTATIONS.get(own)
    if builtin is not None:
        return builtin
    shortcut = _SHORTCUTS.get(own)
    return (shortcut and shortcut(field)) or field.to_representation


def _datetime(field):
    """DRF's `DateTimeField` for the times the database gives (aware, in UTC): the time in the
    field's zone, in ISO 8601 with `Z` for UTC. A datetime costs DRF a dozen calls (the format
    and zone looked up again, `is_aware`, `astimezone`); the plan looks them up once. Anything
    else (naive, another zone, not a datetime) is DRF's."""
    iso = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if not isinstance(iso, str) or iso.lower() != ISO_8601 or zone is None:
        return None
    slow = field.to_representation

    def represent(value):
        if type(value) is not datetime.datetime or value.tzinfo is not datetime.UTC:
            return slow(value)
        try:
            text = value.astimezone(zone).isoformat()
        except OverflowError:
            return slow(value)
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _date(field):
    """DRF's `DateField` for a date: ISO 8601."""
    iso = getattr(field, "format", api_settings.DATE_FORMAT)
    if not isinstance(iso, str) or iso.lower() != ISO_8601:
        return None
    slow = field.to_representation

    def represent(value):
        return value.isoformat() if type(value) is datetime.date else slow(value)

    return represent


def _choice(field):
    """DRF's `ChoiceField` for text: the choice's own value where the text names one."""
    values = field.choice_strings_to_values
    slow = field.to_representation

    def represent(value):
        return values.get(value, value) if type(value) is str else slow(value)

    return represent


def _big_integer(field):
    """DRF's `BigIntegerField`: `int(value)` unless it is to be sent as text."""
    as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    return None if as_text else int


def _boolean(field):
    slow = field.to_representation

    def represent(value):
        return value if type(value) is bool else slow(value)

    return represent


_SHORTCUTS = {
    fields.DateTimeField.to_representation: _datetime,
    fields.DateField.to_representation: _date,
    fields.ChoiceField.to_representation: _choice,
    fields.BooleanField.to_representation: _boolean,
    fields.BigIntegerField.to_representation: _big_integer,
}


class NestedPlan:
    """A nested serializer's plan, or DRF's own reading when it has its own
    `to_representation`."""

    def __init__(self, serializer, model):
        own = type(serializer).to_representation is not serializers.Serializer.to_representation
        self.represent = (
            serializer.to_representation
            if own or model is None
            else RowPlan(serializer, model).represent
        )


class RowsListSerializer(serializers.ListSerializer):
    """`many=True` of a serializer: its rows through one `RowPlan` (see the module)."""

    @cached_property
    def _values_plan(self):
        """The plan of rows of values, made once for this serializer (a request's): a nested
        list (a review's progress entries) is represented once per row of its parent."""
        return RowPlan(self.child, self.child.Meta.model, by_key=True)

    def to_representation(self, data):
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        rows = rows if isinstance(rows, list) else list(rows)
        child = self.child
        if rows and type(rows[0]) is dict and hasattr(child, "value_getters"):  # `values_of`
            represent = self._values_plan.represent
            return [represent(row) for row in rows]
        own = type(child).to_representation is not serializers.Serializer.to_representation
        if not rows or (own and not hasattr(child, "row_getters")):
            return [child.to_representation(row) for row in rows]
        model = type(rows[0])
        represent = RowPlan(child, model if hasattr(model, "_meta") else None).represent
        return [represent(row) for row in rows]


class CountedValues:
    """A list's page of values for its paginator (`PageNumberPagination`): `values` sliced
    for the page, `counted` counted. A page whose values read other tables (`values_of` with
    expressions across relations) counts its own rows, without the joins: a COUNT through
    them read every joined row (the assessments list's count ~5x the buffers)."""

    def __init__(self, values, *, counted):
        self.values, self.counted = values, counted
        self.ordered = values.ordered

    def count(self):
        return self.counted.count()

    def __getitem__(self, key):
        return self.values[key]


def values_of(queryset, serializer_class, **expressions):
    """`queryset` read as a list's page of values for `serializer_class`: the serializer's
    model columns under its field names (a foreign key's id under its name) and
    `expressions`, what its `value_getters` read besides."""
    columns = {field.name for field in queryset.model._meta.concrete_fields}
    names = [name for name in serializer_class.Meta.fields if name in columns]
    return queryset.values(*names, **expressions)
