"""What a report section answers: plain data the dashboard, the CSV export, the PDF and the API
all render the same way (`reports.sections` computes it; nothing here queries).

The contract every section keeps:
- every number a user can see (a `Figure`, a table `Cell`, a chart point) that counts or rates
  patients names a drill-down key (`drill`); the section's `drill(scope, key)` lists the
  patients behind it, and the list's length is the figure's `patients`;
- a figure with no data to judge says so (`value=None`, shown as "–"), never 0 by default.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One headline number: "Active today 42", "Attendance rate 81.5 %"."""

    key: str  # unique within its section; the drill-down's name
    label: str
    value: int | float | None  # None: nothing to judge in the scope
    unit: str = ""  # "", "%", "days", "h"
    patients: int | None = None  # how many patients its drill-down lists
    help: str = ""  # how it is computed, one sentence
    drill: str | None = None  # drill-down key; defaults to `key` when patients is set

    @property
    def drill_key(self):
        if self.drill:
            return self.drill
        return self.key if self.patients is not None else None


@dataclass(frozen=True)
class Cell:
    value: object  # str, int, float, date or None ("–")
    unit: str = ""
    drill: str | None = None  # the drill-down key of the patients behind this cell


@dataclass(frozen=True)
class Table:
    key: str  # unique within its section; the CSV file's name
    title: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | int | None]
    drill: list[str | None] | None = None  # per point, as Cell.drill


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    kind: str  # "bar", "stacked" (stacked bars) or "line"
    labels: list[str]
    series: list[Series]
    unit: str = ""


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # caveats shown under the section


@dataclass(frozen=True)
class DrillRow:
    """One patient behind a figure: the episode counted, and the figure's own columns."""

    episode_id: int
    patient_id: int
    name: str  # the patient's display name
    mrn: str
    program: str
    cells: list[Cell] = field(default_factory=list)
    dates: tuple = ()  # indexes into `cells` that hold dates (shifted in de-identified exports)


@dataclass(frozen=True)
class DrillDown:
    key: str
    title: str  # says what the patients have in common: "Active on 27 Nov 2026, IOP"
    columns: list[str]  # headers of `DrillRow.cells`
    rows: list[DrillRow]
    date_columns: tuple = ()  # indexes of `columns` holding dates
