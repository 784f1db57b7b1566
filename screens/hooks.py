"""What the screens app shows elsewhere, through `patients/extensions.py`: the chart's Screens
tab, Today's "due for a screen today", a plan review's screens of its period, the discharge
summary's screens of the episode, and the progress of an objective targeting clean weeks."""

from django.utils import timezone

from iop.shapes import shape
from patients import extensions


def due_today_section(user):
    """Today's section: the user's patients with a screen due today (one query: the first
    rows with the count, `extensions.head_and_count`), as a reader (`iop.together`)."""
    rows, count = yield from extensions.read_head(_due_today_head(user, timezone.localdate()))
    return extensions.TodaySection(
        slug="screens-due",
        heading="Due for a drug screen today",
        template="screens/_today_due.html",
        rows=rows,
        count=count,
    )


@shape
def _due_today_head(user, day):
    """`extensions.head` of `screens.selectors.due_today`: a shape (every Today reads it)."""
    from screens.selectors import due_today

    return extensions.head(due_today(user, day))


def review_section(patient, episode, start, end):
    """A plan review's drug screens of its period: collected ones with their results (the
    unexpected highlighted), refused and missed counted. Two queries."""
    from screens import windows

    return extensions.ExtensionSection(
        "Drug screens",
        "screens/_review_section.html",
        {"screens": windows.screens_between(patient, start, end), "start": start, "end": end},
        testid="review-screens",
    )


def discharge_screens(episode):
    """The discharge summary's drug screens of the episode: counts and the unexpected results
    with their date and analyte (two queries; text and numbers, frozen at signing)."""
    from screens import windows

    found = windows.episode_screens(episode)
    return {key: found[key] for key in ("collected", "unexpected", "refused", "missed")}


def _settings_form(program, data=None):
    from screens.forms import ScreeningSettingsForm
    from screens.services import settings_for

    return ScreeningSettingsForm.of(settings_for(program), data)


def _settings_save(program, form, user, context):
    from screens.services import settings_update

    settings_update(program=program, data=dict(form.cleaned_data), user=user, context=context)


def _settings_writer(user):
    from django.core.exceptions import PermissionDenied

    from screens.services.access import require_settings_writer

    try:
        require_settings_writer(user)
    except PermissionDenied:
        return False
    return True


def register():
    tab = extensions.ChartTab("screens", "Screens", "screens:chart")
    if tab not in extensions.chart_tabs:
        extensions.chart_tabs.append(tab)
    if due_today_section not in extensions.today_sections:
        extensions.today_sections.append(due_today_section)
    if review_section not in extensions.review_sections:
        extensions.review_sections.append(review_section)
    from screens.services.access import SETTINGS_REFUSED
    from screens.targets import TARGET

    section = extensions.ProgramSettingsSection(
        "screening",
        "Drug screening",
        form=_settings_form,
        save=_settings_save,
        may_edit=_settings_writer,
        refused=SETTINGS_REFUSED,
    )
    if section not in extensions.program_settings_sections:
        extensions.program_settings_sections.append(section)

    if TARGET not in extensions.objective_targets:
        extensions.objective_targets.append(TARGET)
    if discharge_screens not in extensions.discharge_screens:
        extensions.discharge_screens.append(discharge_screens)
