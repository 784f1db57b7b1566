from django import template

register = template.Library()


@register.filter
def intake_value(assessment, field):
    if field == "primary_clinician":
        return assessment.episode.primary_clinician
    display = getattr(assessment, f"get_{field}_display", None)
    return display() if display else getattr(assessment, field, "")


@register.filter
def intake_label(assessment, field):
    if field == "primary_clinician":
        return "Primary clinician"
    return assessment._meta.get_field(field).verbose_name.capitalize()
