"""Measures of the scale program: PHQ-9 and GAD-7 on the programs' schedule (every 14 days),
answered item by item and scored by the instruments' own code (`patients.instruments`), with
the risk alert PHQ-9 item 9 raises (as `patients.services.risk_alert_from_measure`)."""

from datetime import datetime, time, timedelta

from iop.scale.notes import ALERT_FIELDS
from iop.scale.trail import CREATE, UPDATE
from patients.instruments import INSTRUMENTS, RISK_ALERT
from patients.models import Alert, MeasureAnswer, MeasureResponse


def _answers(rng, total, items, top=3, spare_last=True):
    """Answers in 0..top summing to `total` (the last item, PHQ-9's item 9, kept at 0)."""
    slots = list(range(items - 1 if spare_last else items))
    answers = [0] * items
    total = min(total, top * len(slots))
    while total:
        slot = rng.choice(slots)
        if answers[slot] < top:
            answers[slot] += 1
            total -= 1
    return answers


def measures(world):
    sink, rng = world.sink, world.rng
    responses, answers, alerts = [], [], []
    world.progress.stage("planning measures", len(world.admitted))
    for e in world.admitted:
        base_phq, base_gad = rng.randint(9, 22), rng.randint(7, 17)
        first = max(e.admission_date, world.start_day - timedelta(days=30))
        last = min(e.discharge_date or world.today, world.today)
        day, n = first, 0
        span = max((last - first).days, 1)
        while day <= last:
            if rng.random() < 0.8:
                when = datetime.combine(
                    day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=world.tz
                )
                if when < world.now:
                    progress = (day - first).days / span
                    for code, base, items in (("PHQ9", base_phq, 9), ("GAD7", base_gad, 7)):
                        total = max(0, round(base * (1 - 0.55 * progress)) + rng.randint(-2, 2))
                        values = _answers(rng, total, items, spare_last=code == "PHQ9")
                        if code == "PHQ9" and rng.random() < 0.03:
                            values[8] = 1
                        _measure(world, e, code, values, when, responses, answers, alerts)
            day += timedelta(days=14)
            n += 1
        world.progress.advance()
    sink.write(
        MeasureResponse,
        (
            "id",
            "patient_id",
            "episode_id",
            "instrument",
            "administered_at",
            "total_score",
            "severity",
            "flags",
            "subscores",
            "recorded_by_id",
            "created_at",
        ),
        responses,
        label="measure results",
    )
    ids = sink.ids(MeasureAnswer, len(answers))
    sink.write(
        MeasureAnswer,
        ("id", "response_id", "position", "item_code", "value"),
        ((pk, *row) for pk, row in zip(ids, answers, strict=True)),
        label="measure answers",
        total=len(answers),
    )
    sink.write(
        Alert,
        ALERT_FIELDS,
        alerts,
        label="alerts (from measures)",
    )


def _measure(world, e, code, values, when, responses, answers, alerts):
    instrument = INSTRUMENTS[code]
    checked = instrument.validate(values)
    score = instrument.score(checked, sex=e.sex, pcl5_cutoff=33)
    pk = world.sink.new_id(MeasureResponse)
    responses.append(
        (
            pk,
            e.patient_id,
            e.id,
            code,
            when,
            score.total,
            score.severity,
            list(score.flags),
            score.subscores,
            e.primary,
            when,
        )
    )
    for position, (item, answer) in enumerate(zip(instrument.items, checked, strict=True), start=1):
        answers.append((pk, position, item.code, int(answer)))
    world.trail.change(
        when,
        e.primary,
        CREATE,
        "patients.measureresponse",
        pk,
        e.patient_id,
        path=f"/patients/{e.patient_id}/measures/new/",
    )
    if RISK_ALERT not in score.flags:
        return
    alert = world.sink.new_id(Alert)
    closed = when + timedelta(hours=world.rng.randint(1, 8))
    is_closed = closed < world.now
    alerts.append(
        (
            alert,
            e.patient_id,
            e.id,
            world.program_ids[e.program],
            "risk",
            3,
            "",
            f"{instrument.name} item 9 (thoughts of death or self-harm) answered above 0: "
            "C-SSRS needed today",
            "Same-day follow-up: give a C-SSRS screener or record a clinician's risk assessment "
            "today. The risk level and any safety plan follow from that assessment.",
            f"/patients/{e.patient_id}/risk/",
            "patients.measureresponse",
            str(pk),
            f"risk:measure:{pk}",
            e.primary,
            when,
            "closed" if is_closed else "open",
            e.primary if is_closed else None,
            closed if is_closed else None,
            "C-SSRS screener given: low risk." if is_closed else "",
        )
    )
    world.trail.change(
        when,
        e.primary,
        CREATE,
        "patients.alert",
        alert,
        e.patient_id,
        path=f"/patients/{e.patient_id}/measures/new/",
    )
    if is_closed:
        world.trail.change(
            closed,
            e.primary,
            UPDATE,
            "patients.alert",
            alert,
            e.patient_id,
            detail="closed",
            path=f"/patients/{e.patient_id}/alerts/",
        )
