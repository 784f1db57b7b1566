"""The report sections, in the dashboard's order. Each module has:

- `SLUG`, `TITLE`;
- `build(scope) -> reports.figures.Section`: a fixed number of queries whatever the data size
  (aggregation in the database, not a Python loop over rows);
- `drill(scope, key) -> reports.figures.DrillDown | None`: the patients behind a figure, table
  cell or chart point (None for an unknown key), as many as the figure says.
"""

from importlib import import_module
from importlib.util import find_spec

MODULES = [
    "reports.sections.census",
    "reports.sections.engagement",
    "reports.sections.outcomes",
    "reports.sections.stays",
    "reports.sections.compliance",
]


def sections():
    """The section modules, in order (those present: sections are built side by side)."""
    return [import_module(name) for name in MODULES if find_spec(name)]


def section(slug):
    """The section module of `slug`, or None."""
    for module in sections():
        if slug == module.SLUG:
            return module
    return None
