"""The clinical rules of a screen, in one place: expected or unexpected (CLINICAL.md, *Drug
screens*) and the billing suggestion (CLINICAL.md, *Billing codes*)."""

from medications.models import Medication
from screens.models import Method, ScreenOrder, ScreenResult
from screens.panel import ANALYTES, analytes_prescribed, drug_classes

PRESUMPTIVE_CODES = {
    Method.OPTICAL: "80305",
    Method.INSTRUMENT: "80306",
    Method.ANALYZER: "80307",
}
# Definitive drug testing by the number of drug classes: 1–7, 8–14, 15–21, 22+.
DEFINITIVE_CODES = ((22, "G0483"), (15, "G0482"), (8, "G0481"), (1, "G0480"))


def definitive_code(classes):
    for floor, code in DEFINITIVE_CODES:
        if classes >= floor:
            return code
    raise ValueError("A definitive test covers at least one drug class.")


def billing_code(order):
    """The suggested code of a resulted order (the biller confirms), or "" for none: presumptive
    by how it was read, once per date; definitive by the number of drug classes tested."""
    if order.status != ScreenOrder.Status.RESULTED:
        return ""
    if order.testing == ScreenOrder.Testing.DEFINITIVE:
        return definitive_code(drug_classes(order.panel))
    return PRESUMPTIVE_CODES[order.method]


def prescribed_on(patient, day):
    """The analytes the patient's medication list makes expected on `day` (one query)."""
    names = (
        Medication.objects.filter(patient=patient)
        .filter(*_active_on(day))
        .values_list("name", flat=True)
    )
    return analytes_prescribed(names)


def _active_on(day):
    from django.db.models import Q

    return (
        Q(start_date__isnull=True) | Q(start_date__lte=day),
        Q(stop_date__isnull=True) | Q(stop_date__gte=day),
    )


def judge(analyte, value, prescribed):
    """(reading, explanation) of one analyte's result given what is prescribed."""
    name = ANALYTES[analyte]
    Value, Reading = ScreenResult.Value, ScreenResult.Reading
    if value == Value.INVALID:
        return Reading.FLAGGED, f"{name}: invalid result — recollect."
    taking = analyte in prescribed
    if value == Value.POSITIVE:
        if taking:
            return Reading.EXPECTED, f"{name} positive, as prescribed."
        return Reading.UNEXPECTED, f"{name} positive, not prescribed."
    if taking:
        return (
            Reading.UNEXPECTED,
            f"{name} negative although prescribed (possible non-adherence or diversion).",
        )
    return Reading.EXPECTED, f"{name} negative."
