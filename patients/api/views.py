"""The patients API: the same rules as the pages.

Each viewset names the roles it serves (`allowed_roles`, deny by default) and reads through
`for_user` QuerySets, so a patient outside a clinician's care team is a 404 exactly as on the
chart. Alerts are clinical: intake coordinators get 403. Writes go through `patients.services`,
which validate (400 with field errors) and write the audit trail; reads are audited by
`AuditedViewSetMixin`. Nothing here deletes: clinical records are closed or revoked instead.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from iop.accounts.roles import Role
from iop.api.counted import page_values
from iop.api.pagination import CursorPagination
from iop.api.rows import CountedValues, values_of
from iop.api.viewsets import IOPViewSet, ShapedListModelMixin
from patients import services
from patients.api import serializers as s
from patients.api.assessments import AssessmentSerializer, list_values
from patients.models import (
    Alert,
    Consent,
    Episode,
    IntakeAssessment,
    MeasureAnswer,
    MeasureResponse,
    Patient,
)
from patients.selectors import attach_answer_values, attach_care_team_refs

REGISTRARS = (Role.SUPERVISOR, Role.INTAKE)


SEARCH_PARAM = OpenApiParameter(
    "search",
    str,
    required=False,
    description="Words matched in the legal first or last or preferred name, or the exact MRN.",
)


@extend_schema_view(list=extend_schema(parameters=[SEARCH_PARAM]))
class PatientViewSet(
    ShapedListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """Patients the caller may open. `?search=` matches names or the exact MRN."""

    allowed_roles = (Role.SUPERVISOR, Role.CLINICIAN, Role.INTAKE)
    serializer_class = s.PatientSerializer
    queryset = Patient.objects.all()
    part2_paths = ("pk",)
    action_roles = {"create": REGISTRARS}
    filterset_fields = ["sex"]

    def get_queryset(self):
        qs = Patient.objects.for_user(self.request.user, now=self.now).order_by(
            "legal_last_name", "legal_first_name", "pk"
        )
        qs = qs.search(self.request.query_params.get("search"))
        # A page's rows as plain values: 200 patients built as instances cost more CPU
        # than the page's SQL.
        return values_of(qs, s.PatientSerializer) if self.action == "list" else qs

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row is a patient."""
        return [row["id"] for row in objects]

    def perform_create(self, serializer):
        serializer.instance = services.patient_create(
            user=self.request.user, data=serializer.validated_data, context=self.audit_context
        )

    def perform_update(self, serializer):
        serializer.instance = services.patient_update(
            patient=serializer.instance,
            user=self.request.user,
            data=serializer.validated_data,
            context=self.audit_context,
        )


class EpisodeViewSet(
    ShapedListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """Episodes of care. Creating one registers a referral; `transition` moves its status."""

    allowed_roles = (Role.SUPERVISOR, Role.CLINICIAN, Role.INTAKE)
    serializer_class = s.EpisodeSerializer
    queryset = Episode.objects.all()
    part2_paths = ("patient",)
    # Changing the primary clinician changes who may read the record: supervisors, and intake
    # coordinators while the episode is still a referral or an intake (checked in the service).
    action_roles = {
        "create": REGISTRARS,
        "update": REGISTRARS,
        "partial_update": REGISTRARS,
        "level_of_care": Role.CLINICAL,
        # Supervisors of the episode's program only (checked in the service).
        "part2": (Role.SUPERVISOR,),
        "program": (Role.SUPERVISOR,),
    }
    filterset_fields = ["patient", "program", "status", "level_of_care", "is_sud"]

    def get_queryset(self):
        # A supervisor's list (half of all patients): read in the referral index's order, each
        # row's patient tested; a clinician's few are found faster by the join.
        by_index = self.action == "list" and self.request.user.has_role(Role.SUPERVISOR)
        episodes = Episode.objects.for_user(
            self.request.user, ordered=by_index, now=self.now
        ).order_by("-referral_date", "-pk")
        if self.action == "list":  # plain values; the page's care teams: `paginate_queryset`
            return values_of(episodes, s.EpisodeSerializer)
        # The program and primary clinician are shown as ids (`episode.program_id`...).
        return episodes.prefetch_related(Prefetch("care_team", s.user_refs()))

    def paginate_queryset(self, queryset):
        """A page's care teams read as plain values (`attach_care_team_refs`): 200 episodes'
        users as rows, each with its related manager, cost more than the rest of the page."""
        page = super().paginate_queryset(queryset)
        return page if page is None else attach_care_team_refs(page)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row's patient."""
        return [row["patient"] for row in objects]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.EpisodeUpdateSerializer
        return super().get_serializer_class()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        patient = data.pop("patient")
        serializer.instance = services.referral_register(
            user=self.request.user,
            patient_data=patient,
            episode_data=data,
            context=self.audit_context,
        )

    def perform_update(self, serializer):
        serializer.instance = services.episode_update(
            episode=serializer.instance,
            user=self.request.user,
            data=serializer.validated_data,
            context=self.audit_context,
        )

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(s.EpisodeSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=s.EpisodeTransitionSerializer, responses=s.EpisodeSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the episode: referred → intake → active → discharged, or declined.

        Discharge is a clinical decision (clinicians and supervisors); the answer names the
        moves allowed from the current status when the one asked for is not.
        """
        episode = self.get_object()
        payload = s.EpisodeTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        to_status = data.pop("status")
        if to_status == Episode.Status.DISCHARGED and not request.user.has_role(*Role.CLINICAL):
            raise PermissionDenied("Discharge is a clinical decision (clinician or supervisor).")
        episode = services.episode_transition(
            episode=episode,
            to_status=to_status,
            user=request.user,
            context=self.audit_context,
            **data,
        )
        return Response(s.EpisodeSerializer(episode, context={"request": request}).data)

    @extend_schema(request=s.Part2RefusalSerializer, responses=s.EpisodeSerializer)
    @action(detail=True, methods=["post"], url_path="part2-refusal")
    def part2_refusal(self, request, pk=None):
        """SUD care: record that the patient declines a Part 2 consent, with the reason."""
        episode = self.get_object()
        payload = s.Part2RefusalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        episode = services.part2_refusal_record(
            episode=episode,
            reason=payload.validated_data["reason"],
            user=request.user,
            context=self.audit_context,
        )
        return Response(s.EpisodeSerializer(episode, context={"request": request}).data)

    @extend_schema(request=s.Part2ChangeSerializer, responses=s.EpisodeChangeSerializer)
    @action(detail=True, methods=["post"], url_path="part2")
    def part2(self, request, pk=None):
        """Mark an admitted episode as SUD care (42 CFR Part 2) or not, with the reason: a
        supervisor of the episode's program (or a clinical director) only; others get 403."""
        episode = self.get_object()
        payload = s.Part2ChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        change = services.episode_part2_set(
            episode=episode,
            is_sud=payload.validated_data["is_sud"],
            reason=payload.validated_data["reason"],
            user=request.user,
            context=self.audit_context,
        )
        return Response(s.EpisodeChangeSerializer(change).data)

    @extend_schema(request=s.ProgramChangeSerializer, responses=s.EpisodeChangeSerializer)
    @action(detail=True, methods=["post"], url_path="program")
    def program(self, request, pk=None):
        """Move an admitted episode to another program, with the reason: a supervisor of the
        episode's program (or a clinical director) only; others get 403."""
        episode = self.get_object()
        payload = s.ProgramChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        change = services.episode_program_change(
            episode=episode,
            program=payload.validated_data["program"],
            reason=payload.validated_data["reason"],
            user=request.user,
            context=self.audit_context,
        )
        return Response(s.EpisodeChangeSerializer(change).data)

    @extend_schema(request=s.LevelOfCareChangeSerializer, responses=s.EpisodeSerializer)
    @action(detail=True, methods=["post"], url_path="level-of-care")
    def level_of_care(self, request, pk=None):
        """Record a change of level of care (PHP, IOP, OP) with its reason."""
        episode = self.get_object()
        payload = s.LevelOfCareChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.episode_change_level_of_care(
            episode=episode,
            to_level=payload.validated_data["level_of_care"],
            reason=payload.validated_data["reason"],
            effective_date=payload.validated_data.get("effective_date"),
            user=request.user,
            context=self.audit_context,
        )
        episode.refresh_from_db()
        return Response(s.EpisodeSerializer(episode, context={"request": request}).data)


class AssessmentViewSet(
    ShapedListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    IOPViewSet,
):
    """Intake assessments. Creating one starts the intake for a referred episode; PATCH saves
    a draft of any sections; `confirm` (clinicians, supervisors) confirms the diagnoses and
    level of care; `complete` checks the sections and the admission rule, and admits."""

    allowed_roles = (Role.SUPERVISOR, Role.CLINICIAN, Role.INTAKE)
    serializer_class = AssessmentSerializer
    queryset = IntakeAssessment.objects.all()
    part2_paths = ("patient",)
    action_roles = {
        **dict.fromkeys(("create", "partial_update", "complete"), REGISTRARS),
        "confirm": Role.CLINICAL,
    }
    filterset_fields = ["patient", "episode", "status"]

    def get_queryset(self):
        # A supervisor's list (half of all patients): read in the (started_at, id) index's
        # order, each row's patient tested, not every visible row joined and sorted. A
        # clinician's few are found faster by the join; an intake coordinator's all need no
        # test (it was a semi-join of every assessment to every patient).
        by_index = self.action == "list" and self.request.user.has_role(Role.SUPERVISOR)
        visible = IntakeAssessment.objects.for_user(
            self.request.user, ordered=by_index, now=self.now
        )
        assessments = visible.order_by("-started_at", "-pk")
        if self.action == "list":  # read as values: `paginate_queryset`
            return assessments
        return assessments.select_related("episode__program", "confirmed_by")

    def list_source(self, queryset):
        """A page's rows as plain values (`list_values`): 200 assessments, their episodes and
        confirming users built as instances cost more CPU than the page's SQL. The count is
        of the assessments alone (`CountedValues`)."""
        return CountedValues(list_values(queryset), counted=queryset)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values (`list_values`): each row's patient."""
        return [row["patient"] for row in objects]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        assessment = services.intake_start(
            episode=data.pop("episode"), user=self.request.user, context=self.audit_context
        )
        if data:
            assessment = services.intake_update(
                assessment=assessment, data=data, user=self.request.user, context=self.audit_context
            )
        serializer.instance = assessment

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("episode", None)
        serializer.instance = services.intake_update(
            assessment=serializer.instance,
            data=data,
            user=self.request.user,
            context=self.audit_context,
        )

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        assessment = services.intake_complete(
            assessment=self.get_object(), user=request.user, context=self.audit_context
        )
        assessment.refresh_from_db()
        return Response(AssessmentSerializer(assessment, context={"request": request}).data)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """A clinician or supervisor confirms the diagnoses and level of care (admission
        needs it; intake coordinators prepare them)."""
        assessment = services.intake_confirm(
            assessment=self.get_object(), user=request.user, context=self.audit_context
        )
        return Response(AssessmentSerializer(assessment, context={"request": request}).data)


class MeasureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Standardized measures, scored on the server from the item answers.

    A PHQ-9 with item 9 above 0 or a C-SSRS at moderate or high risk raises a risk alert.
    """

    allowed_roles = (Role.SUPERVISOR, Role.CLINICIAN, Role.INTAKE)
    serializer_class = s.MeasureSerializer
    queryset = MeasureResponse.objects.all()
    part2_paths = ("patient",)
    filterset_fields = ["patient", "instrument", "episode"]
    # A list that grows with every administration: newest first, a page at a time by cursor.
    pagination_class = CursorPagination
    cursor_ordering = ("-administered_at", "-pk")

    def get_queryset(self):
        measures = MeasureResponse.objects.for_user(
            self.request.user, ordered=self.action == "list"
        )
        if self.action == "list":  # read as values: `paginate_queryset`
            return measures
        return measures.select_related("recorded_by").prefetch_related(
            Prefetch("answers", MeasureAnswer.objects.order_by("position"))
        )

    def paginate_queryset(self, queryset):
        """A page's rows as plain values, with the recording user's names
        (`MeasureSerializer.value_getters`) and the answers (`attach_answer_values`): no
        measure, user or answer instance built (200 measures' items as rows cost more than
        the rest of the fetch)."""
        rows = values_of(queryset, s.MeasureSerializer, **s.user_ref_columns("recorded_by"))
        page = super().paginate_queryset(rows)
        return page if page is None else attach_answer_values(page)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row's patient."""
        return [row["patient"] for row in objects]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.measure_record(
            patient=data["patient"],
            instrument_code=data["instrument"],
            responses=data["responses"],
            administered_at=data.get("administered_at"),
            user=self.request.user,
            context=self.audit_context,
        )


class ConsentViewSet(
    ShapedListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IOPViewSet
):
    """Consents: treatment, communications, release of information, Part 2. `revoke` ends one."""

    allowed_roles = (Role.SUPERVISOR, Role.CLINICIAN, Role.INTAKE)
    serializer_class = s.ConsentSerializer
    queryset = Consent.objects.all()
    part2_paths = ("patient",)
    filterset_fields = ["patient", "kind"]

    def get_queryset(self):
        # A supervisor's list: in the `consent_newest` index's order, as `AlertViewSet`.
        by_index = self.action == "list" and self.request.user.has_role(Role.SUPERVISOR)
        consents = Consent.objects.for_user(self.request.user, ordered=by_index, now=self.now)
        if self.action == "list":  # read as values: `paginate_queryset`
            return consents
        return consents.select_related("recorded_by", "revoked_by")

    def list_source(self, queryset):
        """A page's rows as plain values, with their users' names (`user_ref_columns`): 200
        consents and their users built as instances cost more CPU than the page's SQL. The
        count is of the consents alone, or, for a clinician, with the page (`page_values`)."""
        users = s.user_ref_columns("recorded_by", "revoked_by")
        rows = values_of(queryset, s.ConsentSerializer, **users)
        return page_values(self, rows, counted=queryset)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row's patient."""
        return [row["patient"] for row in objects]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.consent_record(
            patient=data.pop("patient"),
            data=data,
            user=self.request.user,
            context=self.audit_context,
        )

    @extend_schema(request=s.RevokeSerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        payload = s.RevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        consent = services.consent_revoke(
            consent=self.get_object(),
            note=payload.validated_data["note"],
            user=request.user,
            context=self.audit_context,
        )
        return Response(s.ConsentSerializer(consent, context={"request": request}).data)


class AlertViewSet(ShapedListModelMixin, mixins.RetrieveModelMixin, IOPViewSet):
    """Alerts about the caller's patients (clinicians and supervisors). `?status=open` for the
    work queue; `acknowledge` closes one, recording what was done."""

    serializer_class = s.AlertSerializer
    queryset = Alert.objects.all()
    part2_paths = ("patient",)
    filterset_fields = ["patient", "status", "kind"]

    def get_queryset(self):
        # A supervisor's list (half of all alerts): read in the `alert_by_priority` index's
        # order, each row's patient tested, not every visible alert joined and sorted. A
        # clinician's few are found faster by the join.
        by_index = self.action == "list" and self.request.user.has_role(Role.SUPERVISOR)
        alerts = Alert.objects.for_user(self.request.user, ordered=by_index, now=self.now).order_by(
            "-priority", "-raised_at", "-pk"
        )
        if self.action == "list":  # read as values: `paginate_queryset`
            return alerts
        return alerts.select_related("assigned_to", "closed_by")

    def list_source(self, queryset):
        """A page's rows as plain values, with their users' names (`user_ref_columns`): 200
        alerts and their users built as instances cost more CPU than the page's SQL. The
        count is of the alerts alone, or, for a clinician, with the page (`page_values`)."""
        users = s.user_ref_columns("assigned_to", "closed_by")
        rows = values_of(queryset, s.AlertSerializer, **users)
        return page_values(self, rows, counted=queryset)

    def shown_patient_ids(self, objects, rows):
        """A list's page is of values: each row's patient (None for a staff alert)."""
        return [row["patient"] for row in objects]

    @extend_schema(request=s.AcknowledgeSerializer, responses=s.AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        payload = s.AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        alert = services.alert_close(
            alert=self.get_object(),
            action_taken=payload.validated_data.get("action_taken", ""),
            user=request.user,
            context=self.audit_context,
        )
        return Response(s.AlertSerializer(alert).data, status=status.HTTP_200_OK)
