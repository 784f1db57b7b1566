"""How a report's values read: on the pages and in the PDF ("81.5 %", "–" for nothing to
judge), and in a CSV (plain values a spreadsheet reads)."""

from datetime import date, datetime

NOTHING = "–"  # a value with nothing to judge; never 0 by default (reports.figures)


def display(value, unit=""):
    """A value for reading: "–" for None, dates as "27 Nov 2026", numbers rounded to one
    decimal (whole numbers as they are), with the unit after a space ("%", "days", "h")."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, datetime):
        text = f"{value:%-d %b %Y %H:%M}"
    elif isinstance(value, date):
        text = f"{value:%-d %b %Y}"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
    else:
        text = str(value)
    return f"{text} {unit}" if unit else text


def plain(value):
    """A value for a CSV cell: "" for None, ISO dates, numbers to two decimals at most."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{round(value, 2):g}" if abs(value) < 1e15 else str(value)
    return str(value)


def counted(number, noun, plural=None):
    """ "1 patient", "3 patients": a count with its noun in the right number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def were(number):
    """The verb after a count: "1 was", "3 were"."""
    return "was" if number == 1 else "were"
