"""The 42 CFR Part 2 notice on pages that show a SUD patient's records (patients.part2)."""

from django import template

from patients.part2 import REDISCLOSURE_NOTICE, REDISCLOSURE_NOTICE_SHORT

register = template.Library()


@register.inclusion_tag("patients/_part2_notice.html")
def part2_notice(protected):
    """A discreet line on the screen and, for print only, the full redisclosure notice, so a
    page printed from the browser (Ctrl-P) carries it too. Nothing when not `protected`."""
    return {
        "protected": protected,
        "short": REDISCLOSURE_NOTICE_SHORT,
        "full": REDISCLOSURE_NOTICE,
    }
