"""The API's JSON answers written by orjson, byte for byte as DRF's `JSONRenderer` writes them.

DRF writes JSON with the standard library's encoder, in Python: a list of 200 rows was ~8 ms of
the request's CPU, about a tenth of it; orjson writes the same rows in well under one. The
answer is the same bytes: compact separators, UTF-8 (`UNICODE_JSON`), U+2028 and U+2029 escaped;
what orjson would write its own way (datetimes, dates and times, str, int, dict and list
subclasses such as `ReturnDict` and the model choices) is handed to DRF's own encoder
(`default`), and anything orjson cannot write (an int beyond 64 bits) is written by DRF's
renderer, as are the indented answers (`Accept: application/json; indent=4`, the browsable
API). Two differences: a float in exponent form is written as orjson writes it (1.5e-7, not
1.5e-07: the same JSON number), and a float that is not a number as null (DRF's strict JSON
refused it, a 500; the services store none). Tested against DRF's renderer in
tests/api/test_renderers.py.
"""

import orjson
from rest_framework import renderers

_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_ENCODER = renderers.JSONRenderer.encoder_class()  # DRF's (rest_framework.utils.encoders)


def _default(obj):
    """What orjson leaves to us, as the standard library's encoder with DRF's writes it."""
    if isinstance(obj, str):
        return str.__str__(obj)  # its text (a choice's value), as json.dumps writes it
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, dict):
        return dict(obj)
    if isinstance(obj, list | tuple):
        return list(obj)
    return _ENCODER.default(obj)


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        plain = type(_ENCODER) is self.encoder_class and not self.ensure_ascii and self.compact
        if data is None or not plain:
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            written = orjson.dumps(data, default=_default, option=_OPTIONS)
        except TypeError:  # e.g. an int beyond 64 bits
            return super().render(data, accepted_media_type, renderer_context)
        return written.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
