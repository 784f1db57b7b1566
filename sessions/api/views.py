"""The sessions API: for clinicians and supervisors, with the same rules as the pages.

Sessions are visible to supervisors, to the clinicians running them (a facilitator sees the
group's attendees) and to clinicians whose patient it is. Attendance and notes are written only
by the session's clinicians or a supervisor. A signed note answers 409 to changes; addenda are
posted to `notes/{id}/addenda/`. A clinician whose patient attended a group run by others reads
its signed note's shared part and their own patients' parts, nothing else. Intake coordinators
and admins get 403: no therapy notes.
"""

from datetime import timedelta

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, status
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.api.filters import FilterSet, IdFilter
from iop.api.pagination import CursorPagination
from iop.api.rows import values_of
from iop.api.viewsets import IOPViewSet, ShapedListModelMixin
from iop.ids import in_ids
from patients.api.serializers import user_ref_columns, user_refs
from sessions import services
from sessions.api import serializers as s
from sessions.api.groups import GroupSerializer
from sessions.api.permissions import require_runner
from sessions.models import (
    Attendance,
    FamilyMember,
    GroupEnrollment,
    TherapyGroup,
    TherapySession,
)
from sessions.querysets import runs, visible_session_sets
from sessions.selectors import (
    attach_current_enrollments,
    attach_facilitator_refs,
    session_with_roster,
)


def roster_rows(session):
    """The session's roster as the API shows it: the `session_with_roster` selector (the
    session page reads the same), one dict per patient, codes without their labels."""
    session_with_roster(session)
    suggestions = {episode.pk: suggestion for episode, suggestion in session.billing_rows}
    return [
        {
            "episode": episode.pk,
            "patient": episode.patient_id,
            "name": episode.patient.display_name,
            "status": record.status if record else None,
            "minutes_attended": record.minutes_attended if record else None,
            **_billing(suggestions.get(episode.pk)),
        }
        for episode, record in session.rows
    ]


def _billing(suggestion):
    if suggestion is None:
        return {"billing_codes": [], "bundled_codes": [], "billing_note": ""}
    return {
        "billing_codes": [code for code, _ in suggestion.billable],
        "bundled_codes": [code for code, _ in suggestion.bundled],
        "billing_note": suggestion.note,
    }


def attach_people(sessions):
    """Each session's clinicians' ids (in the users' order) and family members as
    `SessionSerializer` shows them, in `session["clinician_ids"]` and
    `session["family_rows"]`, for a page of sessions read as values (the API's list): two
    queries of plain values for a page, instead of a user row and two related managers built
    per session by `prefetch_related`."""
    sessions = list(sessions)
    clinicians = {session["id"]: [] for session in sessions}
    family = {session["id"]: [] for session in sessions}
    # The page's ids as one array parameter each (`in_ids`): as 200 placeholders, Django and
    # the driver handled each id of both queries (~1 ms of CPU).
    through = TherapySession.clinicians.through
    links = through.objects.filter(in_ids("therapysession_id", clinicians))
    ordering = (f"user__{name}" for name in get_user_model()._meta.ordering)
    for session_id, user_id in links.order_by(*ordering).values_list(
        "therapysession_id", "user_id"
    ):
        clinicians[session_id].append(user_id)
    members = FamilyMember.objects.filter(in_ids("session_id", family)).order_by("session_id", "pk")
    for session_id, name, relationship in members.values_list("session_id", "name", "relationship"):
        family[session_id].append({"name": name, "relationship": relationship})
    for session in sessions:
        session["clinician_ids"] = clinicians[session["id"]]
        session["family_rows"] = family[session["id"]]
    return sessions


class GroupViewSet(ShapedListModelMixin, mixins.RetrieveModelMixin, IOPViewSet):
    """Therapy groups with their weekly schedule, facilitators and current enrollments:
    supervisors see all; clinicians the groups they facilitate."""

    http_method_names = ["get", "head", "options"]
    serializer_class = GroupSerializer
    queryset = TherapyGroup.objects.all()
    part2_paths = ("enrollments__episode__patient",)
    filterset_fields = ["program", "kind", "is_active"]

    def get_queryset(self):
        groups = TherapyGroup.objects.for_user(self.request.user).order_by("name")
        if self.action == "list":  # the page's facilitators: `paginate_queryset`
            return groups
        # The facilitators with the columns UserRefSerializer reads.
        return groups.prefetch_related(Prefetch("facilitators", user_refs()))

    # The current enrolments only, not the group's whole history, and the facilitators, read
    # as plain values: a supervisor's ~800 enrolments as episode and patient rows cost more
    # than the page, and 60 groups' facilitators as user rows and related managers ~2 ms.
    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is None:
            return page
        return attach_facilitator_refs(attach_current_enrollments(page))

    def get_object(self):
        group = super().get_object()
        attach_current_enrollments([group])
        return group

    def shown_patient_ids(self, objects, rows):
        """A group shows its current enrolments' patients (`GroupSerializer`)."""
        return [patient_id for group in objects for patient_id, _ in group.current_enrollments]


# The sessions list starts this many days back unless a date filter says otherwise.
SESSION_WINDOW_DAYS = 30


class SessionFilter(FilterSet):
    date = django_filters.DateFilter(method="on_day", label="Sessions on this local date")
    date_from = django_filters.DateFilter(
        method="from_day",
        label=f"Sessions from this local date on (default: {SESSION_WINDOW_DAYS} days before "
        "today, unless `date` is given)",
    )
    date_to = django_filters.DateFilter(
        method="to_day", label="Sessions up to this local date, included"
    )
    patient = IdFilter(
        method="for_patient",
        label="Sessions of this patient: their own, and the group sessions they attend or are "
        "enrolled in",
    )

    class Meta:
        model = TherapySession
        fields = ["date", "date_from", "date_to", "group", "patient", "status", "kind"]

    def on_day(self, queryset, name, value):
        return queryset.on_day(value)

    def from_day(self, queryset, name, value):
        return queryset.between_days(first=value)

    def to_day(self, queryset, name, value):
        return queryset.between_days(last=value)

    def for_patient(self, queryset, name, value):
        # A group session has no patient of its own: its patients are its enrolled episodes
        # on that day and anyone whose attendance was taken there.
        attended = Attendance.objects.filter(session=OuterRef("pk"), patient_id=value)
        enrolled = GroupEnrollment.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("day")),
            group=OuterRef("group"),
            episode__patient_id=value,
            start_date__lte=OuterRef("day"),
        )
        return queryset.annotate(day=TruncDate("starts_at")).filter(
            Q(patient_id=value) | Exists(attended) | Exists(enrolled)
        )


class SessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Therapy sessions. POST books an individual, family, intake, medication or workshop session
    (group sessions come from the group schedule); `cancel` and `reschedule` change it. The
    detail carries the roster with attendance and suggested billing codes (lists leave it
    empty).

    The list runs by start time (then id), a page at a time with a cursor, from
    30 days before today unless `date` or `date_from` says otherwise."""

    serializer_class = s.SessionSerializer
    queryset = TherapySession.objects.all()
    # A group session shows everyone enrolled in the group that day and everyone who attended.
    part2_paths = ("patient", "attendance__patient", "group__enrollments__episode__patient")
    filterset_class = SessionFilter
    pagination_class = CursorPagination
    cursor_ordering = ("starts_at", "pk")

    def get_queryset(self):
        sessions = TherapySession.objects.for_user(
            self.request.user, evaluated=self.action == "list"
        ).order_by(*self.cursor_ordering)
        if self.action == "list":  # read as values: `paginate_queryset`
            return sessions
        return sessions.select_related(
            "group", "episode__patient", "episode__program", "patient", "note"
        ).prefetch_related("clinicians", "family_members")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if self.action == "list" and not (params.get("date") or params.get("date_from")):
            window_start = timezone.localdate() - timedelta(days=SESSION_WINDOW_DAYS)
            queryset = queryset.between_days(first=window_start)
        return queryset

    def paginate_queryset(self, queryset):
        """A page's rows as plain values: the session's columns, the group, episode, patient
        and clinicians as ids and the note's id only (`SessionSerializer.value_getters`; no
        roster), not their rows nor a session instance (200 sessions built cost more CPU than
        the page's SQL). Its clinicians and family members: `attach_people`."""
        page = super().paginate_queryset(
            values_of(queryset, s.SessionSerializer, note_pk=F("note__id"))
        )
        return page if page is None else attach_people(page)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row's own patient (a group session has none)."""
        return [row["patient"] for row in objects]

    def get_object(self):
        session = super().get_object()
        session.roster_rows = roster_rows(session)
        return session

    def perform_create(self, serializer):
        serializer.instance = services.session_schedule(
            **self._booking(serializer.validated_data),
            user=self.request.user,
            context=self.audit_context,
        )

    @staticmethod
    def _booking(data):
        return {
            "kind": data["kind"],
            "starts_at": data["starts_at"],
            "duration_minutes": data.get("duration_minutes", 50),
            "clinicians": data["clinicians"],
            "episode": data.get("episode"),
            "delivery": data.get("delivery", TherapySession.Delivery.IN_PERSON),
            "location": data.get("location", ""),
            "telehealth_link": data.get("telehealth_link", ""),
            "family_members": data.get("family_members", []),
            "patient_present": data.get("patient_present"),
            "place_of_service": data.get("place_of_service", ""),
            "telehealth_modifier": data.get("telehealth_modifier", ""),
        }

    @extend_schema(request=s.SeriesSerializer, responses={201: s.SessionSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def series(self, request):
        """Book a recurring series (individual, family or medication management): every
        session, or none when any day is taken (the days and what is taken in the 400)."""
        payload = s.SeriesSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        rule = data.pop("recurrence")
        made = services.session_series_schedule(
            **self._booking(data),
            recurrence=services.Recurrence(
                weekdays=tuple(rule["weekdays"]),
                every_weeks=rule["every_weeks"],
                until=rule["until"],
                count=rule["count"],
            ),
            user=request.user,
            context=self.audit_context,
        )
        answer = s.SessionSerializer(made, many=True, context={"request": request})
        return Response(answer.data, status=201)

    @extend_schema(
        request=s.CancelFollowingSerializer,
        responses=inline_serializer(
            "CancelledCount", {"cancelled": drf_serializers.IntegerField()}
        ),
    )
    @action(detail=True, methods=["post"], url_path="cancel-following")
    def cancel_following(self, request, pk=None):
        """Cancel this session and the later scheduled ones of its series, with a reason."""
        session = self.get_object()
        require_runner(request.user, session)
        payload = s.CancelFollowingSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = services.session_series_cancel_following(
            session=session,
            user=request.user,
            reason=payload.validated_data["reason"],
            context=self.audit_context,
        )
        return Response({"cancelled": count})

    def _answer(self, request):
        return Response(s.SessionSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=s.CancelSerializer, responses=s.SessionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a scheduled session, with the reason (its clinicians or a supervisor)."""
        session = self.get_object()
        require_runner(request.user, session)
        payload = s.CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.session_cancel(
            session=session,
            user=request.user,
            reason=payload.validated_data["reason"],
            context=self.audit_context,
        )
        return self._answer(request)

    @extend_schema(request=s.RescheduleSerializer, responses=s.SessionSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move a scheduled session; its clinicians, room and patient must be free then."""
        session = self.get_object()
        require_runner(request.user, session)
        payload = s.RescheduleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.session_reschedule(
            session=session, user=request.user, context=self.audit_context, **payload.validated_data
        )
        return self._answer(request)


class AttendanceViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, IOPViewSet):
    """Attendance per patient per session: of the sessions one may open, and of one's own
    patients wherever they attended. POST records or changes one (minutes default from the
    status: full session when present, 15 fewer when late, 30 fewer when leaving early). Once
    the session's note is signed, POST answers 409: `correct/` records a correction with a
    reason (shown on the note; billing follows the corrected attendance).

    The list runs newest record first (by id), a page at a time with a cursor."""

    serializer_class = s.AttendanceSerializer
    queryset = Attendance.objects.all()
    part2_paths = ("patient",)
    filterset_fields = ["session", "patient", "status"]
    conflict_actions = ("create",)
    pagination_class = CursorPagination
    cursor_ordering = ("-pk",)

    def get_queryset(self):
        return Attendance.objects.filter(self._visible(self.request.user)).order_by(
            *self.cursor_ordering
        )

    def paginate_queryset(self, queryset):
        """A page's rows as plain values, the recording user's names with them
        (`AttendanceSerializer.value_getters`): no attendance or user instance built."""
        rows = values_of(queryset, s.AttendanceSerializer, **user_ref_columns("recorded_by"))
        return super().paginate_queryset(rows)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row's patient."""
        return [row["patient"] for row in objects]

    def _visible(self, user):
        """The attendance at sessions `user` may open, and of their own patients anywhere.

        Tested on each row as a page is read newest first, without joining the sessions: at a
        session with a patient of its own, the attendance is that patient's (its roster is
        the session's episode), and at a group session of a supervisor's program, every
        attendee's episode is of that program (enrolment requires it), so the patients the
        user may open cover both."""
        if user.has_role(Role.DIRECTOR):
            return Q()
        # Both tested per row through hashed subqueries (the patients as a subquery here: as a
        # list, a supervisor's 2,500 ids cost more to send and plan than the page).
        _, patients, _ = visible_session_sets(user)
        return Q(runs(user, "session_id")) | Q(patient_id__in=patients)

    def perform_create(self, serializer):
        data = serializer.validated_data
        require_runner(self.request.user, data["session"])
        serializer.instance = services.attendance_mark(
            session=data["session"],
            episode=data["episode"],
            status=data["status"],
            minutes=data.get("minutes"),
            user=self.request.user,
            context=self.audit_context,
        )

    @extend_schema(
        request=s.AttendanceCorrectSerializer,
        responses={201: s.AttendanceCorrectionSerializer},
        summary="Correct attendance under a signed note (reason required)",
    )
    @action(detail=False, methods=["post"], serializer_class=s.AttendanceCorrectSerializer)
    def correct(self, request):
        payload = s.AttendanceCorrectSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        require_runner(request.user, data["session"])
        correction = services.attendance_correct(
            session=data["session"],
            episode=data["episode"],
            status=data["status"],
            minutes=data.get("minutes"),
            reason=data["reason"],
            user=request.user,
            context=self.audit_context,
        )
        return Response(
            s.AttendanceCorrectionSerializer(correction, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


from sessions.api.notes import NoteViewSet as NoteViewSet  # noqa: E402
