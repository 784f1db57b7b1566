"""The plausibility of a medication entry, checked once for every way in (page, API, admin
action, demo): text lengths and NUL bytes, the RxNorm code's digits, one prescriber, the route,
and dates in range and in order."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from iop.accounts.roles import Role
from iop.validation import EARLIEST_DATE
from medications.models import TEXT_LIMIT, Medication

RXNORM = re.compile(r"\d{1,10}")
START_DAYS_AHEAD = 30
TEXT_FIELDS = {
    "name": (200, True),
    "strength": (60, False),
    "dose": (60, True),
    "frequency": (60, True),
    "prescriber_name": (200, False),
    "reason": (TEXT_LIMIT, False),
    "stop_reason": (200, False),
}
FIELDS = (
    "name",
    "rxnorm_code",
    "strength",
    "dose",
    "route",
    "frequency",
    "prescriber",
    "prescriber_name",
    "start_date",
    "reason",
    "addiction_treatment",
)
# Substances that are MOUD/MAUD whatever the brand (CLINICAL.md): the marker an entry gets when
# the caller leaves it unsaid. Naltrexone treats both; the prescriber may narrow it.
KNOWN_MARKERS = {
    "buprenorphine": Medication.AddictionTreatment.MOUD,
    "suboxone": Medication.AddictionTreatment.MOUD,
    "subutex": Medication.AddictionTreatment.MOUD,
    "sublocade": Medication.AddictionTreatment.MOUD,
    "zubsolv": Medication.AddictionTreatment.MOUD,
    "methadone": Medication.AddictionTreatment.MOUD,
    "naltrexone": Medication.AddictionTreatment.BOTH,
    "vivitrol": Medication.AddictionTreatment.BOTH,
    "acamprosate": Medication.AddictionTreatment.MAUD,
    "disulfiram": Medication.AddictionTreatment.MAUD,
    "antabuse": Medication.AddictionTreatment.MAUD,
}


def suggested_marker(name):
    words = re.findall(r"[a-z]+", (name or "").lower())
    for word in words:
        if word in KNOWN_MARKERS:
            return KNOWN_MARKERS[word]
    return Medication.AddictionTreatment.NONE


def clean_text(name, value, errors):
    limit, required = TEXT_FIELDS[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = "Expected text."
        return ""
    value = value.replace("\r\n", "\n").strip()
    if "\x00" in value:
        errors[name] = "The text holds a NUL character; remove it."
    elif len(value) > limit:
        errors[name] = f"At most {limit} characters (this has {len(value)})."
    elif required and not value:
        errors[name] = "This field is required."
    return value


PRESCRIBER_REFUSED = (
    "A prescriber of the program is an active clinician with a prescriber credential "
    "(psychiatrist, physician, NP or PA), set by an administrator."
)


def clean_entry(data, *, patient, kept_prescriber_id=None):
    """The entry's fields from `data` (every one of FIELDS given), or a ValidationError naming
    each field at fault. `kept_prescriber_id`: the entry's in-program prescriber before a
    change; one kept as it was is not checked again for the credential (an entry stays
    editable when its prescriber's credential lapses; a new one must hold it)."""
    errors = {}
    cleaned = {name: clean_text(name, data.get(name), errors) for name in TEXT_FIELDS}
    cleaned.pop("stop_reason")
    code = (data.get("rxnorm_code") or "").strip()
    if code and not RXNORM.fullmatch(code):
        errors["rxnorm_code"] = "An RxNorm code (RxCUI) is digits only, at most 10."
    cleaned["rxnorm_code"] = code
    route = data.get("route") or ""
    if route not in Medication.Route.values:
        errors["route"] = "Choose a route from the list."
    cleaned["route"] = route
    marker = data.get("addiction_treatment")
    if marker is None:
        marker = suggested_marker(cleaned["name"])
    if marker not in Medication.AddictionTreatment.values:
        errors["addiction_treatment"] = "Choose MOUD, MAUD, both or neither."
    cleaned["addiction_treatment"] = marker
    prescriber = data.get("prescriber")
    if prescriber is not None and cleaned["prescriber_name"]:
        errors["prescriber_name"] = (
            "Name either a prescriber of the program or one outside it, not both."
        )
    elif prescriber is None and not cleaned["prescriber_name"] and "prescriber_name" not in errors:
        errors["prescriber_name"] = "Name the prescriber: one of the program or one outside it."
    elif prescriber is not None and not (
        prescriber.is_active and prescriber.has_role(*Role.CLINICAL)
    ):
        errors["prescriber"] = "A prescriber of the program is an active clinician."
    elif (
        prescriber is not None
        and prescriber.pk != kept_prescriber_id
        and not prescriber.prescriber_credential
    ):
        errors["prescriber"] = PRESCRIBER_REFUSED
    cleaned["prescriber"] = prescriber
    start = data.get("start_date")
    today = timezone.localdate()
    if start is not None:
        earliest = max(EARLIEST_DATE, patient.date_of_birth or EARLIEST_DATE)
        if start < earliest:
            errors["start_date"] = "The start date is before the patient was born."
        elif start > today + timedelta(days=START_DAYS_AHEAD):
            errors["start_date"] = f"A start date is at most {START_DAYS_AHEAD} days ahead."
    cleaned["start_date"] = start
    if errors:
        raise ValidationError(errors)
    return cleaned


def check_stop(stop_date, *, start_date, field="stop_date"):
    today = timezone.localdate()
    if stop_date is None:
        raise ValidationError({field: "Give the date the medication was stopped."})
    if stop_date > today:
        raise ValidationError({field: "The stop date is in the future."})
    if stop_date < EARLIEST_DATE:
        raise ValidationError({field: "The stop date is before 1900."})
    if start_date is not None and stop_date < start_date:
        raise ValidationError({field: "The stop date is before the start date."})
