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
- `chart_tabs`: `ChartTab` entries added to the chart's tab bar.
- `header_facts`: callables `(patient, episode) -> list[HeaderFact]` shown in the chart header.
  Each must cost a fixed number of queries.
- `caseload_columns`: callables `(episodes) -> CaseloadColumn` adding a column to the caseload,
  computed for the whole page of episodes at once (a fixed number of queries). A column may
  also raise flags on episodes (`CaseloadColumn.flags`): what needs the clinician's attention.
"""

from dataclasses import dataclass, field

discharge_guards = []
discharge_hooks = []
program_change_guards = []
chart_tabs = []
header_facts = []
caseload_columns = []


@dataclass(frozen=True)
class ChartTab:
    slug: str
    label: str
    url_name: str  # reversed with the patient's pk
    clinical_only: bool = True


@dataclass(frozen=True)
class HeaderFact:
    label: str
    value: str
    badge: str = ""  # a Bootstrap colour for a warning badge, e.g. "danger"
    url: str = ""


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
