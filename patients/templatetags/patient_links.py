"""`{% patient_url name patient.pk %}`: `{% url name patient.pk %}` for a page whose only
argument is the patient's id, from `patients.links` (the pattern reversed once, not resolved
again for each link of every chart page)."""

from django import template

from patients import links

register = template.Library()


@register.simple_tag
def patient_url(name, patient_id):
    return links.patient_url(name, patient_id)
