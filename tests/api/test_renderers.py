"""The API's JSON renderer (orjson) writes what DRF's writes, byte for byte."""

import datetime
import decimal
import json
import uuid
from collections import OrderedDict

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from iop.api.renderers import JSONRenderer
from patients.models import Alert, Episode

EASTERN = datetime.timezone(datetime.timedelta(hours=-5))

PAYLOADS = [
    {"count": 2, "next": None, "results": [{"id": 1, "ok": True}, {"id": 2, "ok": False}]},
    {"text": 'quote " backslash \\ newline \n tab \t nul \x00 bell \x07 del \x7f'},
    {"unicode": "Zoë — ½ 北京 🙂", "separators": "\u2028 and \u2029"},
    {"at": datetime.datetime(2026, 11, 28, 9, 30, 5, 123456, tzinfo=EASTERN)},
    {"at": datetime.datetime(2026, 11, 28, 9, 30, tzinfo=datetime.UTC)},
    {"naive": datetime.datetime(2026, 11, 28, 9, 30, 5, 1)},
    {"on": datetime.date(2026, 11, 28), "time": datetime.time(9, 30, 5, 250000)},
    {"took": datetime.timedelta(minutes=90, seconds=1)},
    {"amount": decimal.Decimal("12.50"), "ratio": 0.1, "hours": 9.5, "rate": 33.333333333333336},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"label": gettext_lazy("Open"), "status": Episode.Status.ACTIVE, "kind": Alert.Kind.RISK},
    ReturnDict(
        {"nested": ReturnList([OrderedDict(a=1), {"b": [1, (2, 3)]}], serializer=None)},
        serializer=None,
    ),
    {"huge": 2**70, "negative": -(2**63)},
    [],
    {},
    "plain",
]


@pytest.mark.parametrize("data", PAYLOADS)
def test_the_answer_is_drfs_byte_for_byte(data):
    assert JSONRenderer().render(data) == renderers.JSONRenderer().render(data)


def test_a_float_in_exponent_form_is_the_same_number():
    """The one difference in form: 1e-07 is written 1e-7 (orjson's), the same JSON number."""
    data = {"big": 1e16, "small": 1.5e-7}
    ours, drfs = JSONRenderer().render(data), renderers.JSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drfs) == data


def test_an_indented_answer_is_drfs():
    data = {"results": [{"id": 1}]}
    media = "application/json; indent=4"
    ours = JSONRenderer().render(data, media)
    assert ours == renderers.JSONRenderer().render(data, media) and b"\n    " in ours


def test_no_data_is_no_body():
    assert JSONRenderer().render(None) == b""
