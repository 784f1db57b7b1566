"""Releasing records: the consent rule, the packet, the disclosure row and its audit.

The rule lives here, once: forms pre-check, pages and tests call `release_create`.

- The recipient is the patient (their own copy): no consent is needed; still recorded.
- Anyone else: a consent of this patient, in force at the moment of release (not revoked, not
  expired: checked again here under a row lock, whatever the form saw), that names this
  recipient (its `recipient`, compared without case or extra spaces), allows this purpose (its
  `purposes`) and covers every section chosen (its `covers`). For an SUD episode (`is_sud`) it
  must be a Part 2 consent; otherwise a release-of-information or a Part 2 consent.
- Progress notes of an SUD episode also need a separate counseling-notes consent
  (CLINICAL.md) naming the same recipient and purpose.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from disclosures.models import Disclosure
from disclosures.notices import OWN_COPY_STATEMENT
from disclosures.packet import PacketHeader, build_packet
from disclosures.selectors import packet_sections
from iop.audit.models import AuditEvent
from iop.audit.services import audit_change, audit_record
from patients.access import Access, access_level, routine_clinical_access
from patients.models import Consent, Episode
from patients.part2 import is_part2_protected

NOTE_REQUIRED = (Consent.Purpose.LEGAL, Consent.Purpose.OTHER)
EMERGENCY_REFUSED = (
    "Emergency access opens a chart to care for the emergency, not to release its records: "
    "the care team or a supervisor of the patient's program releases them."
)


def require_release_access(user, patient, what="release records"):
    """Refuse (PermissionDenied) anyone but the care team and the supervisors of the patient's
    programs: intake coordinators, and clinicians or supervisors of other programs who hold
    only an emergency access grant (break the glass is for the emergency, not for releases)."""
    if access_level(user, patient) != Access.CLINICAL:
        raise PermissionDenied(f"Only the care team and supervisors {what}.")
    if not routine_clinical_access(user, patient):
        raise PermissionDenied(EMERGENCY_REFUSED)


def normalise(name):
    return " ".join((name or "").split()).casefold()


def consent_statement(consent, counseling_consent=None):
    """The consent's scope, as every page of the packet prints it."""

    def describe(c):
        expiry = (
            f"expires {c.expires_on:%-d %b %Y}"
            if c.expires_on
            else f"ends: {c.expiry_event}"
            if c.expiry_event
            else "no expiry recorded"
        )
        covers = ", ".join(c.covers_labels) or "nothing listed"
        purposes = ", ".join(c.purpose_labels) or "none listed"
        return (
            f"{c.get_kind_display()} signed {timezone.localtime(c.signed_at):%-d %b %Y} by "
            f"{c.signed_by_name}; recipient: {c.recipient}; purposes: {purposes}; covers: "
            f"{covers}; scope: {c.scope or c.purpose or '-'}; {expiry}; revocable at any time."
        )

    text = describe(consent)
    if counseling_consent is not None:
        text += " Counseling notes: " + describe(counseling_consent)
    return text


def _text(data, key):
    return (data.get(key) or "").strip()


def _refuse(field, message):
    raise ValidationError({field: message})


def _check_consent(consent, *, patient, episode, recipient_name, purpose, sections, kinds, what):
    """The consent, re-read under a lock, if it covers this release; else ValidationError."""
    field = "counseling_consent" if what == "counseling notes" else "consent"
    if consent is None:
        kind_names = " or ".join(Consent.Kind(k).label for k in kinds)
        _refuse(field, f"No consent chosen: releasing {what} needs a {kind_names}.")
    consent = Consent.objects.select_for_update().filter(pk=consent.pk, patient=patient).first()
    if consent is None:
        _refuse(field, "This consent is not the patient's.")
    if consent.revoked_at:
        _refuse(field, "This consent was revoked: nothing more may be released under it.")
    if consent.expires_on and consent.expires_on < timezone.localdate():
        _refuse(field, f"This consent expired on {consent.expires_on:%-d %b %Y}.")
    if consent.signed_at > timezone.now():
        _refuse(field, "This consent is not signed yet.")
    if consent.kind not in kinds:
        kind_names = " or ".join(Consent.Kind(k).label for k in kinds)
        _refuse(
            field, f"Releasing {what} needs a {kind_names}, not a {consent.get_kind_display()}."
        )
    if consent.episode_id and consent.episode_id != episode.pk:
        _refuse(field, "This consent belongs to another episode of care.")
    if normalise(consent.recipient) != normalise(recipient_name):
        _refuse(field, f"This consent names another recipient ({consent.recipient}).")
    if purpose not in consent.purposes:
        _refuse(
            field,
            f"This consent does not allow release for {Consent.Purpose(purpose).label.lower()}.",
        )
    if what != "counseling notes":
        missing = [Consent.Covers(s).label for s in sections if s not in consent.covers]
        if missing:
            _refuse(field, "This consent does not cover: " + ", ".join(missing) + ".")
    return consent


def _validate_request(*, patient, episode, user, data):
    require_release_access(user, patient)
    if episode.patient_id != patient.pk:
        _refuse("episode", "This episode is not the patient's.")
    if episode.status not in (Episode.Status.ACTIVE, Episode.Status.DISCHARGED):
        _refuse("episode", "Only an admitted or discharged episode has records to release.")
    sections = [s for s in Consent.Covers.values if s in (data.get("sections") or [])]
    errors = {}
    if not sections:
        errors["sections"] = "Choose what to release."
    if Consent.Covers.NOTES in sections:
        start, end = data.get("notes_from"), data.get("notes_to")
        if not (start and end):
            errors["notes_from"] = "Give the first and last day of the notes to release."
        elif start > end:
            errors["notes_to"] = "The last day is before the first."
    kind = data.get("recipient_kind")
    if kind not in Disclosure.RecipientKind.values:
        errors["recipient_kind"] = "Choose who receives the records."
    elif (
        kind != Disclosure.RecipientKind.PATIENT and not (data.get("recipient_name") or "").strip()
    ):
        errors["recipient_name"] = "Name the recipient."
    purpose = data.get("purpose")
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = "Choose the purpose."
    elif purpose in NOTE_REQUIRED and not (data.get("purpose_note") or "").strip():
        errors["purpose_note"] = "Say more about this purpose (e.g. the court order)."
    if errors:
        raise ValidationError(errors)
    return sections


@dataclass(frozen=True)
class PreparedPacket:
    """A packet another app lays out (e.g. billing's utilization-review packet) but releases
    under this module's rule: `content()` answers its `selectors.Section` list (called only
    once the consent rule passed), `sections` are the Consent.Covers values it holds (the
    consent must cover them), and `recorded(disclosure)` runs in the same transaction once the
    disclosure is saved (a ValidationError there undoes the release)."""

    title: str
    content: Callable[[], list]
    recorded: Callable[[Disclosure], None] | None = None


def release_create(*, patient, episode, user, data, context=None, prepared=None):
    """Release the chosen sections of `episode`'s records and record the disclosure.

    `data`: recipient_kind, recipient_name, recipient_address, recipient_contact, purpose,
    purpose_note, sections (Consent.Covers values), notes_from, notes_to, consent,
    counseling_consent (Consent instances or None). `prepared`: a `PreparedPacket` whose
    content replaces the sections' standard pages. Refused with ValidationError (a refusal is
    audited as denied) or PermissionDenied.
    """
    try:
        with transaction.atomic():
            return _release(
                patient=patient,
                episode=episode,
                user=user,
                data=data,
                ctx=context,
                prepared=prepared,
            )
    except (ValidationError, PermissionDenied) as error:
        fields = sorted(error.message_dict) if hasattr(error, "error_dict") else []
        audit_record(
            action=AuditEvent.Action.DENIED,
            outcome=AuditEvent.Outcome.DENIED,
            context=context,
            user=user,
            object_type="disclosures.disclosure",
            patient_id=patient.pk,
            detail="release refused" + (f": {', '.join(fields)}" if fields else ""),
        )
        raise


def _release(*, patient, episode, user, data, ctx, prepared=None):
    sections = _validate_request(patient=patient, episode=episode, user=user, data=data)
    purpose = data["purpose"]
    own_copy = data["recipient_kind"] == Disclosure.RecipientKind.PATIENT
    recipient_name = patient.legal_name if own_copy else data["recipient_name"].strip()
    consent = counseling = None
    # Part 2 protects the patient's records once any episode was SUD care (patients.part2).
    part2 = is_part2_protected(patient)
    if own_copy:
        statement = OWN_COPY_STATEMENT
    else:
        kinds = (Consent.Kind.PART2,) if part2 else (Consent.Kind.RELEASE, Consent.Kind.PART2)
        what = "SUD records" if part2 else "records"
        check = {
            "patient": patient,
            "episode": episode,
            "recipient_name": recipient_name,
            "purpose": purpose,
            "sections": sections,
        }
        consent = _check_consent(data.get("consent"), kinds=kinds, what=what, **check)
        if part2 and Consent.Covers.NOTES in sections:
            counseling = _check_consent(
                data.get("counseling_consent"),
                kinds=(Consent.Kind.COUNSELING_NOTES,),
                what="counseling notes",
                **check,
            )
        statement = consent_statement(consent, counseling)
        # The accounting names the recipient as the consent does, not as typed.
        recipient_name = consent.recipient
    now = timezone.now()
    notes = Consent.Covers.NOTES in sections
    if prepared is not None:
        content = prepared.content()
    else:
        content = packet_sections(
            episode,
            sections,
            notes_from=data.get("notes_from") if notes else None,
            notes_to=data.get("notes_to") if notes else None,
        )
    header = PacketHeader(
        patient_name=patient.legal_name,
        mrn=patient.mrn,
        recipient=recipient_name,
        released_on=f"{timezone.localtime(now):%-d %b %Y %H:%M}",
        is_part2=part2,
        consent_statement=statement,
    )
    title = prepared.title if prepared is not None else None
    pdf, pages = build_packet(header, content, title=title)
    disclosure = Disclosure(
        patient=patient,
        episode=episode,
        disclosed_at=now,
        disclosed_by=user,
        recipient_kind=data["recipient_kind"],
        recipient_name=recipient_name,
        recipient_address=(data.get("recipient_address") or "").strip(),
        recipient_contact=(data.get("recipient_contact") or "").strip(),
        purpose=purpose,
        purpose_note=(data.get("purpose_note") or "").strip(),
        sections=sections,
        notes_from=data.get("notes_from") if notes else None,
        notes_to=data.get("notes_to") if notes else None,
        is_part2=part2,
        consent=consent,
        counseling_consent=counseling,
        consent_statement=statement,
        packet=pdf,
        packet_sha256=hashlib.sha256(pdf).hexdigest(),
        packet_pages=pages,
    )
    disclosure.full_clean(exclude=["packet"])
    disclosure.save()
    audit_change(
        AuditEvent.Action.CREATE,
        disclosure,
        user=user,
        context=ctx,
        detail=f"release: {', '.join(sections)}; purpose {purpose}"
        + ("; own copy" if own_copy else f"; consent {consent.pk}")
        + (f"; {prepared.title}" if prepared is not None else ""),
    )
    if prepared is not None and prepared.recorded is not None:
        prepared.recorded(disclosure)
    return disclosure


def packet_download(*, disclosure, user, context=None):
    """The stored packet's bytes, for staff who may release this patient's records; audited
    as an export."""
    require_release_access(user, disclosure.patient, "download released packets")
    audit_change(
        AuditEvent.Action.EXPORT, disclosure, user=user, context=context, detail="packet download"
    )
    return bytes(disclosure.packet)
