"""`{% load fields %}`: `{{ field|as_field }}` for `{{ field|as_crispy_field }}` and
`{{ form|as_form }}` for `{{ form|crispy }}`, the same HTML drawn from Python (iop/fields.py)."""

from django import template

from iop import fields

register = template.Library()
register.filter("as_field", fields.as_field)
register.filter("as_form", fields.as_form)
