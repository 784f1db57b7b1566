"""The medication list over a span of days, for the pages of other apps (through
`patients/extensions.py`, `medications.hooks`): what changed from one date to another (a plan
review's period, an episode) read from the append-only history, and the list at discharge.

Each function reads a fixed number of queries however long the record, and returns text and
numbers only (a signed discharge summary freezes it as JSON)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from medications.models import Medication, MedicationChange, Reconciliation, ReconciliationItem
from medications.selectors import prescriber_names

ROUTES = dict(Medication.Route.choices)
ADDICTION = {"moud": "MOUD", "maud": "MAUD", "moud_maud": "MOUD and MAUD"}


def _day(d):
    return f"{d:%-d %b %Y}" if d else "—"


def _bounds(start, end):
    """The aware instants from the first moment of `start` to the first of the day after `end`;
    an aware datetime given is taken as it is (a review's period ends when it was completed),
    and an `end` of None leaves the span open (an open review's period runs to now)."""
    tz = timezone.get_current_timezone()

    def instant(value, next_day=False):
        if value is None or isinstance(value, datetime):
            return value
        day = value + timedelta(days=1) if next_day else value
        return timezone.make_aware(datetime.combine(day, time.min), tz)

    return instant(start), instant(end, next_day=True)


def entry_text(medication):
    """'Buprenorphine/naloxone 8 mg/2 mg — 1 film sublingual, once daily (MOUD); prescriber:
    Dr. R. Alvarez (outside)': what is taken, how, and who prescribes it."""
    values = {name: getattr(medication, name) for name in TEXT_FIELDS}
    return values_text(values, medication.prescriber_display)


TEXT_FIELDS = ("name", "strength", "dose", "route", "frequency", "addiction_treatment")


def values_text(values, prescriber):
    """`entry_text` of an entry's values (e.g. as its history recorded them when added)."""
    name = " ".join(part for part in (values.get("name"), values.get("strength")) if part)
    route = values.get("route") or ""
    how = " ".join(part for part in (values.get("dose"), ROUTES.get(route, route).lower()) if part)
    line = f"{name} — {how}, {values.get('frequency') or '—'}"
    if values.get("addiction_treatment"):
        line += f" ({ADDICTION.get(values['addiction_treatment'], 'MOUD/MAUD')})"
    return f"{line}; prescriber: {prescriber}"


def _prescriber(values, users):
    if values.get("prescriber"):
        return users.get(values["prescriber"], "a prescriber of the program")
    return f"{values.get('prescriber_name') or '—'} (outside)"


def _value(name, value, users):
    if value in (None, ""):
        return "—"
    if name == "prescriber":
        return users.get(value, value)
    if name == "route":
        return ROUTES.get(value, value)
    if name == "addiction_treatment":
        return ADDICTION.get(value, value)
    if name in ("start_date", "stop_date"):
        try:
            return _day(date.fromisoformat(value))
        except (TypeError, ValueError):
            return value
    return value


def changes_between(patient, start, end):
    """The entries started (added to the list), changed and stopped from `start` to `end`
    (dates, inclusive, or aware instants, `end` excluded; None: to now) by the history, and the
    reconciliations signed then: three queries at most.

    {"started": [{"date", "text"}], "changed": [{"date", "medication", "fields": [text]}],
     "stopped": [{"date", "medication", "reason"}], "reconciliations": [{"date", "text"}]}"""
    since, until = _bounds(start, end)
    history = MedicationChange.objects.filter(patient=patient, changed_at__gte=since)
    signed = Reconciliation.objects.filter(
        patient=patient, status=Reconciliation.Status.SIGNED, signed_at__gte=since
    )
    if until is not None:
        history = history.filter(changed_at__lt=until)
        signed = signed.filter(signed_at__lt=until)
    rows = list(history.select_related("medication__prescriber").order_by("changed_at", "pk"))
    users = prescriber_names(rows)
    started, changed, stopped = [], [], []
    for row in rows:
        when = _day(timezone.localdate(row.changed_at))
        medication = row.medication
        if row.kind == MedicationChange.Kind.ADDED:  # as it was added, not as it is now
            values = {name: new for name, (_old, new) in row.changes.items()}
            text = values_text(values, _prescriber(values, users))
            if values.get("start_date"):
                text += f"; started {_value('start_date', values['start_date'], users)}"
            if values.get("stop_date"):  # recorded as already stopped
                text += f"; stopped {_value('stop_date', values['stop_date'], users)}"
            started.append({"date": when, "text": text})
        elif row.kind == MedicationChange.Kind.CHANGED:
            fields = []
            for name, (old, new) in sorted(row.changes.items()):
                try:
                    label = Medication._meta.get_field(name).verbose_name
                except Exception:  # a field since removed: its stored name
                    label = name.replace("_", " ")
                fields.append(f"{label} {_value(name, old, users)} → {_value(name, new, users)}")
            changed.append({"date": when, "medication": str(medication), "fields": fields})
        else:
            stop = row.changes.get("stop_date", [None, None])[1]
            reason = row.changes.get("stop_reason", ["", ""])[1]
            stopped.append(
                {
                    "date": _day(date.fromisoformat(stop)) if stop else when,
                    "medication": str(medication),
                    "reason": reason or "",
                }
            )
    reconciliations = [
        {
            "date": _day(timezone.localdate(r.signed_at)),
            "text": f"{r.get_occasion_display()} reconciliation signed by "
            f"{r.signed_by.display_name if r.signed_by else '—'}",
        }
        for r in signed.select_related("signed_by").order_by("signed_at", "pk")
    ]
    return {
        "started": started,
        "changed": changed,
        "stopped": stopped,
        "reconciliations": reconciliations,
    }


def change_lines(changes):
    """The result of `changes_between` as dated lines, oldest first within each kind."""
    lines = [f"{c['date']} — started: {c['text']}" for c in changes["started"]]
    lines += [
        f"{c['date']} — changed: {c['medication']}: {'; '.join(c['fields'])}"
        for c in changes["changed"]
    ]
    lines += [
        f"{c['date']} — stopped: {c['medication']}" + (f" ({c['reason']})" if c["reason"] else "")
        for c in changes["stopped"]
    ]
    lines += [f"{c['date']} — {c['text']}" for c in changes["reconciliations"]]
    return lines


def at_discharge(episode):
    """The list as the patient left: each entry current at the discharge date (recorded by
    then, started by then, not stopped by then), with the signed discharge reconciliation's
    decision; and the entries that reconciliation stopped. None when the patient has no entry
    on the list at all (the summary keeps its free-text fallback). Three queries."""
    day = episode.discharge_date or timezone.localdate()
    _, until = _bounds(day, day)
    entries = list(
        Medication.objects.filter(patient_id=episode.patient_id, created_at__lt=until)
        .select_related("prescriber")
        .order_by("name", "pk")
    )
    if not entries:
        return None
    reconciliation = (
        Reconciliation.objects.filter(
            episode_id=episode.pk,
            occasion=Reconciliation.Occasion.DISCHARGE,
            status=Reconciliation.Status.SIGNED,
        )
        .select_related("signed_by")
        .order_by("-signed_at", "-pk")
        .first()
    )
    decisions = {}
    if reconciliation is not None:
        decisions = {
            item.medication_id: item
            for item in ReconciliationItem.objects.filter(reconciliation=reconciliation)
        }
    lines = []
    for medication in entries:
        started = medication.start_date is None or medication.start_date <= day
        current = started and (medication.stop_date is None or medication.stop_date > day)
        item = decisions.get(medication.pk)
        if current:
            line = entry_text(medication)
            if item is not None and item.decision:
                line += f" [{item.get_decision_display().lower()} at discharge]"
            lines.append(line)
        elif item is not None and item.decision == ReconciliationItem.Decision.STOPPED:
            reason = f" ({medication.stop_reason})" if medication.stop_reason else ""
            lines.append(f"{medication} — stopped at discharge{reason}")
    if reconciliation is not None:
        lines.append(
            f"Reconciled at discharge by {reconciliation.signed_by.display_name}, "
            f"{_day(timezone.localdate(reconciliation.signed_at))}."
        )
    return lines


def episode_changes(episode):
    """The medication changes from admission to discharge (or today), as lines."""
    start = episode.admission_date or episode.referral_date
    end = episode.discharge_date or timezone.localdate()
    if start is None or end < start:
        return []
    return change_lines(changes_between(episode.patient_id, start, end))
