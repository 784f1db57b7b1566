"""Where higher apps (plans, sessions) plug into the patients app without it importing them.

Dependencies point one way (DESIGN.md): `patients` never imports `plans` or `sessions`. Those
apps register here from their AppConfig.ready():

- `discharge_guards`: callables `(episode) -> None` that raise ValidationError when an episode may
  not be discharged yet (plans: an aftercare plan is required; sessions: no attendance recorded
  after the discharge date). The episode carries the `discharge_date` asked for (not saved).
- `discharge_hooks`: callables `(episode, user, context) -> None` run inside the discharge
  transaction (plans: close the treatment plan); `context` is the `AuditContext` or None.
- `program_change_guards`: callables `(episode, program) -> None` that raise ValidationError when
  an admitted episode may not move to `program` (sessions: open group enrolments in the old
  program's groups).
- `chart_tabs`: `ChartTab` entries added to the chart's tab bar (a biller's chart shows only
  those marked `billing`).
- `header_facts`: callables `(patient, episode) -> list[HeaderFact]`, or a reader of it (a
  generator that yields its QuerySets and is sent their rows, `iop.together`: the header reads
  every provider's reads in one round trip), shown in the chart header (to the clinical
  readers; a fact marked `non_clinical` to everyone who opens the chart, e.g. an
  authorization's burn-down). Each must cost a fixed number of queries. A provider whose
  facts are all clinical is marked so (`clinical_facts`): the header asks it only for a
  reader of the clinical chart, the only one who would see them.
- `caseload_columns`: callables `(episodes) -> CaseloadColumn` adding a column to the caseload,
  computed for the whole page of episodes at once (a fixed number of queries). A column may
  also raise flags on episodes (`CaseloadColumn.flags`): what needs the clinician's attention.
- `caseload_annotations`: callables `() -> {name: expression}` annotating the caseload's
  episodes (`OuterRef("pk")`: the episode; built once per process): what a column reads of
  each episode, read with the page's own query instead of one of its own.
- `review_sections`: callables `(patient, episode, start, end) -> ExtensionSection | None`
  adding a section to a plan review's "Since the last review" (medications: the entries started,
  changed and stopped and the reconciliations signed from `start` to `end`: `start` the last
  completed review's completion (an aware datetime) or the admission date, `end` the review's
  completion, or None while it is open).
  Each must cost a fixed number of queries.
- `discharge_medications`: callables `(episode) -> dict | None` giving the discharge summary
  what the medication list says: `{"at_discharge": [line, ...], "changes": [line, ...]}`, or
  None for a patient without list entries (the summary then keeps its free-text fallback).
  A fixed number of queries; text only, as the signed summary freezes it (JSON).
- `discharge_screens`: callables `(episode) -> dict | None` giving the discharge summary the
  episode's drug screens: `{"collected": n, "unexpected": [{"date", "analyte", "name", "value",
  "explanation"}], "refused": n, "missed": n}` (screens). A fixed number of queries; text and
  numbers only (frozen at signing).
- `objective_targets`: `ObjectiveTarget` entries: kinds of target an objective may have besides
  a measure (screens: negative screens for N weeks), each with `progress(objectives)` giving
  the progress of a page's objectives of that kind at once (a fixed number of queries).
- `program_settings_sections`: `ProgramSettingsSection` entries: a form of their own on a
  program's settings page (screens: the screening settings), saved through the app's service.
- `today_sections`: callables `(user) -> a reader of a TodaySection or None` adding a list to
  a clinician's Today page (screens: who is due for a drug screen today): a generator that
  yields its QuerySets and is sent their rows (`iop.together`), so that Today reads every
  section with its own lists, in one round trip. Each must cost a fixed number of queries;
  its rows carry `patient_id` (the page audits the patients it shows).
- `attendance_flags`: callables `(rows) -> {(session id, episode id): [text]}` flagging what
  a session's suggested billing should know about a patient's attendance (billing: the day is
  outside any approved authorization; flagged, never refused). `rows` are (session, episode,
  local day) of the attendees whose attendance is billable; a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Window

from iop.together import run

discharge_guards = []
discharge_hooks = []
program_change_guards = []
chart_tabs = []
header_facts = []
caseload_columns = []
caseload_annotations = []
review_sections = []
discharge_medications = []
discharge_screens = []
objective_targets = []
program_settings_sections = []
today_sections = []
attendance_flags = []
TODAY_SECTION_ROWS = 10


@dataclass(frozen=True)
class ChartTab:
    slug: str
    label: str
    url_name: str  # reversed with the patient's pk
    clinical_only: bool = True
    billing: bool = False  # shown to a biller too (whose chart holds only such tabs)


@dataclass(frozen=True)
class HeaderFact:
    label: str
    value: str
    badge: str = ""  # a Bootstrap colour for a warning badge, e.g. "danger"
    url: str = ""
    non_clinical: bool = False  # shown to intake coordinators and billers too


def clinical_facts(provider):
    """Marks a `header_facts` provider whose facts are all clinical (none `non_clinical`)."""
    provider.clinical_only = True
    return provider


@dataclass(frozen=True)
class CaseloadFlag:
    label: str  # a few words: "No plan", "Review due 3 Dec"
    badge: str = "warning"  # a Bootstrap colour
    url: str = ""


@dataclass
class CaseloadColumn:
    heading: str
    values: dict = field(default_factory=dict)  # episode id -> text
    flags: dict = field(default_factory=dict)  # episode id -> [CaseloadFlag]

    def for_episode(self, episode):
        return self.values.get(episode.pk, "—")


@dataclass(frozen=True)
class ExtensionSection:
    heading: str
    template: str  # included with `data` in its context
    data: dict = field(default_factory=dict)
    testid: str = ""


@dataclass(frozen=True)
class ObjectiveTarget:
    """A kind of objective target (screens: "negative drug screens for N weeks")."""

    kind: str  # stored on the objective (`target_kind`)
    label: str  # "Negative drug screens"
    options: tuple  # (code, name) pairs an objective may narrow the target to
    clean: object  # (weeks, options) -> options, normalised; ValueError with the reason
    describe: object  # (objective) -> "Negative drug screens for 4 weeks"
    progress: object  # (plan, objectives) -> {objective id: dict}; a fixed number of queries


def objective_target(kind):
    return next((t for t in objective_targets if t.kind == kind), None)


@dataclass(frozen=True)
class ProgramSettingsSection:
    """A form of its own on a program's settings page (it posts `section=<slug>`)."""

    slug: str
    heading: str
    form: object  # (program, data=None) -> a form, prefixed with the slug
    save: object  # (program, form, user, context) -> None; ValidationError on bad input
    may_edit: object  # (user) -> bool; others see the form disabled, with `refused`
    refused: str = ""


@dataclass
class TodaySection:
    slug: str
    heading: str
    template: str  # rendered with `section` in its context
    rows: list = field(default_factory=list)
    count: int = 0


def head_and_count(queryset, size=TODAY_SECTION_ROWS):
    """([the first `size` rows], how many the QuerySet holds) in one query, not two: the count
    is a window over every row the filter keeps, taken before the limit (0 for no rows). For a
    QuerySet without DISTINCT or aggregates whose joins are to one row each (as `count()`)."""
    return run(read_head_and_count(queryset, size))


def read_head_and_count(queryset, size=TODAY_SECTION_ROWS):
    """`head_and_count` as a reader (`iop.together`)."""
    return (yield from read_head(head(queryset, size)))


def head(queryset, size=TODAY_SECTION_ROWS):
    """The QuerySet `read_head` reads: its first `size` rows, each with the count of all."""
    return queryset.annotate(head_and_count_total=Window(Count("pk")))[:size]


def read_head(headed):
    """(rows, count) of a QuerySet made by `head` (a shape's, `iop.shapes`), as a reader."""
    (rows,) = yield (headed,)
    return rows, rows[0].head_and_count_total if rows else 0
