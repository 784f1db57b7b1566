"""`iop.markup` answers what Django's `conditional_escape` and `format_html` answer."""

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from iop.markup import esc, format_safe

VALUES = [
    "plain",
    "<b>&'\"</b>",
    mark_safe("<i>kept</i>"),
    gettext_lazy("Active"),
    7,
    None,
    3.5,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_esc_is_conditional_escape(value):
    ours = esc(value)
    assert ours == conditional_escape(value)
    assert isinstance(ours, SafeString)


def test_format_safe_is_format_html():
    args = ("<a>", mark_safe("<br>"), 2)
    template = '<p title="{}">{}{x}</p>'
    assert format_safe(template, *args[:2], x=args[2]) == format_html(
        template, *args[:2], x=args[2]
    )
    assert isinstance(format_safe(template, *args[:2], x=1), SafeString)
