"""A signed note's attendees' parts drawn in Python (`note_entries`) look as the template
loop drew them, whatever each part holds."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse

from patients.links import url_with_ids
from sessions.models import NoteEntry, ProgressNote
from sessions.templatetags.note_entries import note_entries

# `_note.html`'s loop before the tag drew it.
TEMPLATE_LOOP = Template(
    """  {% for entry in note.entries.all %}
    <article class="border rounded p-2 mb-2" data-testid="note-entry"><h3 class="h6">{{ entry.patient.display_name }}</h3>
      <p class="mb-1">{{ entry.text|linebreaksbr }}</p>
      <a class="small d-print-none" href="{% url 'documents:note-pdf' entry.patient_id session.pk %}" data-testid="note-pdf">PDF of this patient's note</a>
      <p class="small mb-0 text-body-secondary">Risk re-check: {{ entry.get_risk_level_display }}{% if entry.risk_notes %} — {{ entry.risk_notes }}{% endif %}{% if entry.objectives_addressed %} · {{ entry.objectives_addressed|length }} objective{{ entry.objectives_addressed|length|pluralize }} addressed{% endif %}</p></article>
  {% endfor %}"""  # noqa: E501
)
TAG = Template("{% load note_entries %}  {% note_entries note.entries.all session %}")


class Entries(list):
    def all(self):
        return self


def entry(patient_id, name, **fields):
    patient = SimpleNamespace(display_name=name)
    return NoteEntry(patient_id=patient_id, **fields), patient


def parts(*made):
    entries = Entries()
    for e, patient in made:
        e.__dict__["_state"].fields_cache["patient"] = patient
        entries.append(e)
    return entries


CASES = {
    "none": [],
    "plain": [entry(7, "Pat Doe", text="Came in.", risk_level="none")],
    "everything": [
        entry(
            12,
            "O'Neil <Sam> & co",
            text='Said "no" <b>twice</b>\nthen\r\nleft & came back',
            risk_level=ProgressNote.Risk.LOW,
            risk_notes="Passive <ideation>",
            objectives_addressed=[3],
        ),
        entry(4, "Ana", text="", risk_level="", objectives_addressed=[1, 2, 5]),
    ],
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_parts_are_drawn_as_the_template_drew_them(case):
    context = {
        "note": SimpleNamespace(entries=parts(*CASES[case])),
        "session": SimpleNamespace(pk=9),
    }
    drawn = TAG.render(Context(context))
    assert drawn == TEMPLATE_LOOP.render(Context(context))
    assert drawn.count('data-testid="note-entry"') == len(CASES[case])


def test_a_part_says_how_many_objectives_it_addressed():
    (e,) = parts(entry(1, "Pat", text="x", risk_level="none", objectives_addressed=[1, 2]))
    assert "· 2 objectives addressed" in note_entries([e], SimpleNamespace(pk=3))


@pytest.mark.parametrize("ids", [(4321,), (12, 9897), (1, 2)])
def test_a_url_with_ids_is_the_reversed_url(ids):
    name = {1: "patients:chart", 2: "documents:note-pdf"}[len(ids)]
    assert url_with_ids(name, *ids) == reverse(name, args=ids)
    assert url_with_ids("sessions:attendance", 5, 6) == reverse("sessions:attendance", args=[5, 6])
