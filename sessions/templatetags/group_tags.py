"""The groups page's rows, drawn in Python: through the template language each of a
supervisor's 60 groups resolved a URL and half a dozen variables, most of drawing the page
(issue 14). The HTML is the template's it replaces, byte for byte."""

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString

from iop.markup import format_safe
from patients.links import url_with_id

register = template.Library()

ROW = (
    '\n    <tr><td><a href="{url}">{name}</a> <span class="small text-body-secondary">{kind}'
    "</span></td><td>{program}</td><td>{meets}</td><td>{enrolled} / {capacity}</td></tr>\n  "
)


@register.simple_tag
def group_rows(groups):
    """A row per group (`sessions.views.scheduling._active_groups`' rows): its name linked to
    its page, its kind, program, schedule, and how many are enrolled of its capacity."""
    # Safe: each row is format_safe's, every value in it escaped.
    return SafeString(  # nosec B703 B308
        "".join(
            format_safe(
                ROW,
                url=url_with_id("sessions:group", group.pk),
                name=group.name,
                kind=group.get_kind_display(),
                program=group.program,
                meets=group.schedule_label,
                enrolled=localize(group.enrolled),
                capacity=localize(group.capacity),
            )
            for group in groups
        )
    )
