"""The reads of the report pages, the exports and the API: which sections a user has, a
section built for a scope, a drill-down found by its key. One home for all three renderers."""

from dataclasses import dataclass

from reports import sections as registry
from reports.figures import Chart, DrillDown, Section
from reports.scope import is_program_view, may_see_reports


@dataclass(frozen=True)
class SectionInfo:
    slug: str
    title: str


def available_sections(user):
    """The sections `user` may open (every one, for anyone who may see reports)."""
    if not may_see_reports(user):
        return []
    return [SectionInfo(module.SLUG, module.TITLE) for module in registry.sections()]


def section_module(slug):
    """The module of the section `slug`, or None."""
    return registry.section(slug)


def build_sections(scope):
    """Every section built for `scope`, in the dashboard's order (each a fixed number of
    queries)."""
    return [module.build(scope) for module in registry.sections()]


def build_section(module, scope):
    return module.build(scope)


def find_drill(module, scope, key):
    """The drill-down `key` of `module` for `scope`, or None (an unknown or malformed key)."""
    if not key or len(key) > 200:
        return None
    drill = module.drill(scope, key)
    return drill if isinstance(drill, DrillDown) else None


def find_table(section: Section, key):
    return next((table for table in section.tables if table.key == key), None)


def chart_as_table(chart: Chart):
    """A chart's data as rows (label, value per series), for keyboard and screen-reader
    users, the PDF and the CSV: [(label, [(value, drill key), ...]), ...]."""
    rows = []
    for i, label in enumerate(chart.labels):
        values = []
        for series in chart.series:
            value = series.values[i] if i < len(series.values) else None
            drill = series.drill[i] if series.drill and i < len(series.drill) else None
            values.append((value, drill))
        rows.append((label, values))
    return rows


def scope_in_words(scope):
    """Whose care and which days: "The programs Sam Lee supervises, 29 Aug 2026 to ..."."""
    name = scope.user.display_name
    whose = (
        f"The programs {name} supervises" if is_program_view(scope.user) else f"{name}'s caseload"
    )
    return f"{whose}: {scope.describe()}"
