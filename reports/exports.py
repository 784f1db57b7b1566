"""CSV exports of a section's tables and of drill-down lists, identified or de-identified.

Identified exports carry names and MRNs: they are for internal use by staff with a need to
know. A de-identified export drops names, MRNs and record ids (each patient is a pseudonym,
P0001..., drawn afresh for each export and in random order), and shifts every date of a
patient by one random number of days, the same for all of that patient's dates in the file
(so intervals within a patient hold) and different between patients and between exports. The
offsets are never stored: nobody can undo them from the app. Tables hold aggregates only (no
patient is named in them); their de-identified file says so in its name as well.
"""

import csv
import io
import random
import re
from datetime import date, datetime, timedelta

from reports.figures import DrillDown, Table
from reports.formatting import plain

MAX_SHIFT_DAYS = 180  # a patient's dates move by 1 to 180 days, earlier or later
PSEUDONYM_HEADER = "Pseudonym (de-identified: names and MRNs removed, dates shifted per patient)"
# A cell a spreadsheet would read as a formula (CSV injection): written with a leading quote.
_FORMULA = re.compile(r"^[=+\-@\t\r]")


class Deidentifier:
    """The pseudonyms and date offsets of one export (kept in memory for that export only)."""

    def __init__(self, patient_ids, rng=None):
        self._rng = rng or random.SystemRandom()
        ids = sorted(set(patient_ids))
        numbers = list(range(1, len(ids) + 1))
        self._rng.shuffle(numbers)  # the numbers say nothing about the list's order
        self.pseudonyms = {pid: f"P{n:04d}" for pid, n in zip(ids, numbers, strict=True)}
        self.offsets = {pid: self._offset() for pid in ids}

    def _offset(self):
        days = self._rng.randint(1, MAX_SHIFT_DAYS)
        return timedelta(days=days if self._rng.random() < 0.5 else -days)

    def shift(self, patient_id, value):
        if isinstance(value, datetime | date):
            return value + self.offsets[patient_id]
        return value


def _safe(text):
    return f"'{text}" if isinstance(text, str) and _FORMULA.match(text) else text


def _cell(value):
    """A CSV cell: a number as a number (a change of -14 stays a number a spreadsheet can
    sum), any text guarded against being read as a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return plain(value)
    return _safe(plain(value))


def _write(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_safe(h) for h in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-")[:80] or "report"


def filename(scope, *parts, deidentified):
    """`report-<parts>-<start>-to-<end>[-deidentified].csv`: letters, digits and hyphens."""
    name = "-".join(_slug(part) for part in ("report", *parts))
    name += f"-{scope.start:%Y%m%d}-to-{scope.end:%Y%m%d}"
    return f"{name}{'-deidentified' if deidentified else ''}.csv"


def table_csv(table: Table, *, deidentified):
    """The table as CSV text: its columns, then a value and, for a cell with a unit, the unit
    in the header ("Rate (%)"). Aggregates only: the same content either way."""
    units = {}
    for row in table.rows:
        for i, cell in enumerate(row):
            if cell.unit and i not in units:
                units[i] = cell.unit
    header = [f"{col} ({units[i]})" if i in units else col for i, col in enumerate(table.columns)]
    if deidentified:
        header[0] = f"{header[0]} (de-identified export: aggregates only)"
    return _write(header, [[cell.value for cell in row] for row in table.rows])


def drill_csv(drill: DrillDown, *, deidentified, rng=None):
    """The drill-down's patients as CSV text (see the module's docstring)."""
    if not deidentified:
        header = ["MRN", "Patient", "Program", *drill.columns]
        rows = [
            [row.mrn, row.name, row.program, *[cell.value for cell in row.cells]]
            for row in drill.rows
        ]
        return _write(header, rows)
    masks = Deidentifier([row.patient_id for row in drill.rows], rng=rng)
    rows = []
    for row in drill.rows:
        dated = set(row.dates) | set(drill.date_columns)
        cells = [
            masks.shift(row.patient_id, cell.value)
            if i in dated or isinstance(cell.value, date)
            else cell.value
            for i, cell in enumerate(row.cells)
        ]
        rows.append([masks.pseudonyms[row.patient_id], row.program, *cells])
    rows.sort(key=lambda r: r[0])  # by pseudonym: the list's own order (e.g. by name) is gone
    return _write([PSEUDONYM_HEADER, "Program", *drill.columns], rows)
