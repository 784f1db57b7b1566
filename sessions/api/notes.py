"""The progress notes API: read, start, save, sign, co-sign and add addenda (kept apart from
`sessions.api.views`, which re-exports it, to keep that module short)."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.api.pagination import CursorPagination
from iop.api.rows import values_of
from iop.api.viewsets import IOPViewSet
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from patients.api.serializers import user_ref_columns
from patients.models import Patient
from sessions import services
from sessions.api import serializers as s
from sessions.api.permissions import require_runner
from sessions.models import (
    NoteEntry,
    ProgressNote,
)
from sessions.querysets import in_id_set, session_visibility, visible_session_sets

# What a note shows of a patient (a part's or a correction's): the name, not the whole row.
NAMES = Patient.objects.only("pk", "preferred_name", "legal_first_name", "legal_last_name")


def list_values(notes):
    """`notes` read as a list's rows (`NoteListSerializer.value_getters`): one dict of plain
    values each, the note's listed columns, its users' names (`user_ref_columns`) and its
    session's patient for the audit trail (`session_patient`). Not the content, no session or
    user row: 200 notes and their sessions built as instances cost more CPU than the SQL."""
    users = user_ref_columns("author", "signed_by", "cosigned_by")
    return values_of(notes, s.NoteListSerializer, session_patient=F("session__patient"), **users)


class NoteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """Progress notes. POST {session, format} starts the note with a part per attendee; PATCH
    saves the draft (`format`, `shared` sections, `entries` by patient id, `revision`); `sign`
    locks it; `cosign` is for supervisors; `addenda` adds to a signed note.

    The list runs newest first (by creation time, then id), a page at a time with a cursor;
    its rows are the notes' facts (`NoteListSerializer`): the parts, addenda, attendance
    corrections and `intact` are on the detail."""

    serializer_class = s.NoteSerializer
    queryset = ProgressNote.objects.all()
    part2_paths = (
        "session__patient",
        "session__attendance__patient",
        "session__group__enrollments__episode__patient",
        "entries__patient",
    )
    filterset_fields = ["session", "status", "author"]
    conflict_actions = ("partial_update", "sign")
    pagination_class = CursorPagination
    cursor_ordering = ("-created_at", "-pk")

    def get_queryset(self):
        user = self.request.user
        # A clinician also reads the notes of groups run by others that their own patients
        # attended: the shared part and those patients' parts (NoteSerializer leaves out the
        # rest), once signed.
        if user.has_role(Role.DIRECTOR):
            visible = Q()
        else:
            sets = visible_session_sets(user, evaluated=True)
            parts = NoteEntry.objects.filter(in_id_set("patient_id", sets[1]), note=OuterRef("pk"))
            theirs = ~Q(status=ProgressNote.Status.DRAFT) & Exists(parts)
            # A clinician's list tests each note's session id against hashed sets: their
            # notes are a tenth of the newest (`session_visibility`). Not when a filter on the
            # session or the author finds the notes through its own index: then each is tested
            # as it comes (the sets cost more than testing those few notes, and with them
            # PostgreSQL joined every session to the author's notes to sort them: 24 -> 90 ms).
            filtered = any(self.request.query_params.get(name) for name in ("session", "author"))
            by_id = self.action == "list" and not user.has_role(Role.SUPERVISOR) and not filtered
            visible = session_visibility(user, via="session", sets=sets, by_session_id=by_id)
            visible |= theirs
        notes = ProgressNote.objects.filter(visible).order_by(*self.cursor_ordering)
        if self.action == "list":  # read as values: `paginate_queryset`
            return notes
        return notes.select_related(
            "author", "signed_by", "cosigned_by", "session__group", "session__episode"
        ).prefetch_related(
            Prefetch("entries", NoteEntry.objects.select_related(None)),
            Prefetch("entries__patient", NAMES),
            "addenda__author",
            "session__clinicians",
            # The attendance corrections shown, and what `intact` checks.
            "session__attendance",
            Prefetch("session__attendance__patient", NAMES),
            "session__attendance__corrections__corrected_by",
        )

    def get_serializer_class(self):
        if self.action == "partial_update":
            return s.NoteUpdateSerializer
        if self.action == "list":
            return s.NoteListSerializer
        return super().get_serializer_class()

    def _answer(self, request):
        return Response(s.NoteSerializer(self.get_object(), context={"request": request}).data)

    def paginate_queryset(self, queryset):
        """A page's rows as plain values (`list_values`); the detail's content is not read."""
        return super().paginate_queryset(list_values(queryset))

    def shown_patient_ids(self, objects, rows):
        """A note shows its session's patient and the parts it answered (only the caller's
        own patients' parts for a group run by others); a list's row, its session's patient
        (`list_values`)."""
        if self.action == "list":
            return [row["session_patient"] for row in objects]
        ids = super().shown_patient_ids(objects, rows)
        return ids + [entry["patient"] for row in rows for entry in row.get("entries", ())]

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        note = self._audited_object
        if not note.session.is_run_by(request.user):
            # Whose parts were read, beyond the note itself: one event per patient shown.
            audit_record_patients(
                action=AuditEvent.Action.VIEW,
                request=request,
                obj=note,
                patient_ids=[e["patient"] for e in response.data["entries"]],
                detail="group note: the shared part and own patients' parts",
            )
        return response

    def perform_create(self, serializer):
        data = serializer.validated_data
        require_runner(self.request.user, data["session"])
        serializer.instance = services.note_start(
            session=data["session"],
            format=data.get("format"),
            user=self.request.user,
            context=self.audit_context,
        )

    @extend_schema(request=s.NoteUpdateSerializer, responses=s.NoteSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Save the draft. A stale `revision` or a signed note answers 409."""
        note = self.get_object()
        require_runner(request.user, note.session)
        payload = s.NoteUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            entries = {int(k): v for k, v in data.get("entries", {}).items()}
        except ValueError:
            raise ValidationError({"entries": "Key the entries by patient id."}) from None
        services.note_save(
            note=note,
            user=request.user,
            shared=data.get("shared"),
            entries=entries,
            format=data.get("format"),
            revision=data.get("revision"),
            psychotherapy_minutes=data.get("psychotherapy_minutes", services.NOTE_UNSET),
            context=self.audit_context,
        )
        return self._answer(request)

    @extend_schema(request=s.SignSerializer, responses=s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign and lock (the note's author only); a trainee's note then awaits co-signature.
        Someone else signing, missing or cloned parts answer 400; a signed note 409."""
        note = self.get_object()
        require_runner(request.user, note.session)
        payload = s.SignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.note_sign(
            note=note,
            user=request.user,
            context=self.audit_context,
            revision=payload.validated_data.get("revision"),
        )
        return self._answer(request)

    @extend_schema(request=None, responses=s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        """Co-sign a trainee's signed note (supervisors only; never its author or signer)."""
        if not request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("Only a supervisor co-signs a trainee's note.")
        services.note_cosign(note=self.get_object(), user=request.user, context=self.audit_context)
        return self._answer(request)

    @extend_schema(request=s.AddendumSerializer, responses={201: s.AddendumSerializer})
    @action(detail=True, methods=["post"])
    def addenda(self, request, pk=None):
        """Add an addendum to a signed note (its session's clinicians or a supervisor)."""
        note = self.get_object()
        require_runner(request.user, note.session)
        payload = s.AddendumSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        addendum = services.addendum_add(
            note=note,
            text=payload.validated_data["text"],
            user=request.user,
            context=self.audit_context,
        )
        return Response(s.AddendumSerializer(addendum).data, status=status.HTTP_201_CREATED)
