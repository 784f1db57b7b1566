"""`{% patient_url %}` draws what `{% url %}` drew for a patient's page, `as` included."""

import pytest
from django.template import engines

NAMES = ["patients:chart", "patients:risk", "patients:alerts", "medications:chart", "plans:safety"]


@pytest.mark.parametrize("name", NAMES)
def test_the_tag_is_the_url_tag(name):
    engine = engines["django"]
    fast = engine.from_string(
        "{% load patient_links %}{% patient_url name pk %}|{% patient_url name pk as u %}{{ u }}"
    )
    slow = engine.from_string("{% url name pk %}|{% url name pk as u %}{{ u }}")
    context = {"name": name, "pk": 4321}
    assert fast.render(context) == slow.render(context)
    assert "/4321/" in fast.render(context)
