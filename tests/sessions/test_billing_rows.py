"""The session page's billing lines drawn in Python (`billing_rows`) look as the template loop
drew them, whatever a suggestion holds."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from sessions.billing import Suggestion

# `_billing.html`'s loop before the tag drew it.
TEMPLATE_LOOP = Template(
    """{% for episode, suggestion in session.billing_rows %}
    <li>{{ episode.patient.display_name }}: {% for code, label in suggestion.billable %}<span class="badge text-bg-light border" title="{{ label }}">{{ code }}</span> {% empty %}none{% endfor %}{% if suggestion.bundled %}<span class="text-body-secondary">bundled: {% for code, label in suggestion.bundled %}{{ code }}{% if not forloop.last %}, {% endif %}{% endfor %}</span>{% endif %}{% if suggestion.note %} <span class="text-body-secondary">({{ suggestion.note }})</span>{% endif %}{% for flag in suggestion.flags %} <span class="badge text-bg-warning" data-testid="attendance-flag">{{ flag }}</span>{% endfor %}</li>
  {% endfor %}"""  # noqa: E501
)
TAG = Template("{% load billing_rows %}{% billing_rows session.billing_rows %}")


def episode(name):
    return SimpleNamespace(patient=SimpleNamespace(display_name=name))


def suggestion(flags=(), **fields):
    made = Suggestion(**fields)
    made.flags = list(flags)
    return made


CASES = {
    "none": [],
    "one code": [(episode("Pat Doe"), suggestion(billable=[("90853", "Group psychotherapy")]))],
    "everything": [
        (
            episode("O'Neil <Sam> & co"),
            suggestion(
                billable=[("S9480", 'Per diem "IOP" <mental health>'), ("90785", "Complexity")],
                bundled=[("90853", "Group"), ("90834", "Individual & more")],
                note="per diem for the day (215 min)",
                flags=["Outside the authorization <3 Nov>", "No coverage"],
            ),
        ),
        (episode("Ana"), suggestion(note="per-diem threshold not met (150 of 180 min)")),
        (episode("Bo"), suggestion(bundled=[("90834", "Individual")])),
    ],
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_lines_are_drawn_as_the_template_drew_them(case):
    context = {"session": SimpleNamespace(billing_rows=CASES[case])}
    drawn = TAG.render(Context(context))
    assert drawn == TEMPLATE_LOOP.render(Context(context))
    assert drawn.count("<li>") == len(CASES[case])


def test_a_line_without_a_billable_code_says_none():
    context = {"session": SimpleNamespace(billing_rows=[(episode("Ana"), suggestion())])}
    assert "<li>Ana: none</li>" in TAG.render(Context(context))
