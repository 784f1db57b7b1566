"""Group enrolment from the chart (the patient's groups) and from a group's page (its members).

The rules and who may are `sessions.services.group_enroll` / `group_enrollment_end`; a refusal
shows the page again with the message beside the form and what was typed kept.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from iop.choices import read_choices_once
from iop.errors import add_service_error
from iop.validation import id_or_none
from patients.models import Episode
from patients.views.mixins import ChartMixin
from sessions import services
from sessions.forms import EnrolInGroupForm, EnrolmentEndForm, EnrolPatientForm
from sessions.models import GroupEnrollment
from sessions.selectors import enrolment_candidates, groups_open_to, manageable_episode_ids
from sessions.views.scheduling import GroupDetail


def _end(request, enrollment, audit_context):
    """Validate and end one enrolment: (form, the ended enrolment or None)."""
    form = EnrolmentEndForm(request.POST, prefix=f"end-{enrollment.pk}")
    if not form.is_valid():
        return form, None
    try:
        ended = services.group_enrollment_end(
            enrollment=enrollment,
            end_date=form.cleaned_data["end_date"],
            user=request.user,
            context=audit_context,
        )
    except ValidationError as error:
        add_service_error(form, error)
        return form, None
    return form, ended


def end_forms(enrollments, manageable, bound=None):
    """(enrolment, its end form or None) for each enrolment: a form where the user may end it
    and it has not ended yet; `bound` is the form just refused, kept as typed."""
    today = timezone.localdate()
    rows = []
    for enrollment in enrollments:
        form = None
        ended = enrollment.end_date is not None and enrollment.end_date < today
        if enrollment.episode_id in manageable and not ended:
            if bound is not None and bound.prefix == f"end-{enrollment.pk}":
                form = bound
            else:
                form = EnrolmentEndForm(
                    prefix=f"end-{enrollment.pk}",
                    initial={"end_date": enrollment.end_date or today},
                )
        rows.append((enrollment, form))
    return rows


class ChartGroups(ChartMixin, TemplateView):
    """The patient's group enrolments, with a form to enrol the open episode in a group of its
    program and one to end each current enrolment."""

    template_name = "sessions/chart_groups.html"
    clinical_only = True
    tab = "sessions"

    def active_episode(self, episodes=None):
        """The patient's active episode, with its program: one at most (one open episode per
        patient), found among `episodes` (the chart header's, every one of the patient's,
        read with their programs) when given."""
        if episodes is not None:
            return next((e for e in episodes if e.status == Episode.Status.ACTIVE), None)
        return (
            Episode.objects.filter(patient=self.setup_patient(), status=Episode.Status.ACTIVE)
            .select_related("program")
            .first()
        )

    def get_context_data(self, enrol_form=None, end_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        episode = self.active_episode(context["episodes"])
        enrollments = list(
            GroupEnrollment.objects.filter(episode__patient=self.patient)
            .select_related("group", "episode__program")
            .order_by("-start_date", "-pk")
        )
        episodes = {e.episode_id: e.episode for e in enrollments}
        if episode is not None:
            episodes[episode.pk] = episode
        manageable = manageable_episode_ids(self.request.user, episodes.values())
        may_enrol = episode is not None and episode.pk in manageable
        if may_enrol and enrol_form is None:
            enrol_form = EnrolInGroupForm(
                groups=groups_open_to(episode), initial={"start_date": timezone.localdate()}
            )
        if may_enrol:
            # The groups read once: to say whether any is left, then as the form's choices.
            read_choices_once(enrol_form)
        # Every active group of the program already has the patient: say so, not an empty list.
        no_group_left = may_enrol and not enrol_form.fields["group"].queryset
        context.update(
            active_episode=episode,
            may_enrol=may_enrol,
            no_group_left=no_group_left,
            enrol_form=enrol_form if may_enrol else None,
            rows=end_forms(enrollments, manageable, end_form),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        patient = self.setup_patient()
        if request.POST.get("action") == "end":
            enrollment = get_object_or_404(
                GroupEnrollment.objects.select_related("group", "episode"),
                pk=id_or_none(request.POST.get("enrollment", "").strip()) or 0,
                episode__patient=patient,
            )
            form, ended = _end(request, enrollment, self.audit_context)
            if ended:
                messages.success(request, f"Enrolment in {enrollment.group} ended.")
                return redirect("sessions:chart-groups", pk=patient.pk)
            return self.render_to_response(self.get_context_data(end_form=form))
        episode = self.active_episode()
        if episode is None:
            messages.error(request, "Only a patient in an active episode joins groups.")
            return redirect("sessions:chart-groups", pk=patient.pk)
        form = EnrolInGroupForm(request.POST, groups=groups_open_to(episode))
        if form.is_valid():
            try:
                enrollment = services.group_enroll(
                    group=form.cleaned_data["group"],
                    episode=episode,
                    start_date=form.cleaned_data["start_date"],
                    user=request.user,
                    context=self.audit_context,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"{patient.display_name} enrolled in {enrollment.group} from "
                    f"{enrollment.start_date:%-d %b %Y}.",
                )
                return redirect("sessions:chart-groups", pk=patient.pk)
        return self.render_to_response(self.get_context_data(enrol_form=form))


def group_enrolment_context(user, group, enrollments, *, enrol_form=None, end_form=None):
    """What the group's page shows to enrol a patient and end enrolments."""
    if enrol_form is None:
        enrol_form = EnrolPatientForm(
            episodes=enrolment_candidates(user, group, for_choices=True),
            initial={"start_date": timezone.localdate()},
        )
    manageable = manageable_episode_ids(user, [e.episode for e in enrollments])
    return {
        "enrol_form": enrol_form,
        "enrolment_rows": end_forms(enrollments, manageable, end_form),
        "today": timezone.localdate(),
    }


class GroupEnrolments(GroupDetail):
    """The group's page, posted to: enrol a patient, or end an enrolment."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from sessions.models import TherapyGroup

        group = get_object_or_404(TherapyGroup.objects.for_user(request.user), pk=kwargs["pk"])
        if request.POST.get("action") == "end":
            enrollment = get_object_or_404(
                GroupEnrollment.objects.select_related("group", "episode__patient"),
                pk=id_or_none(request.POST.get("enrollment", "").strip()) or 0,
                group=group,
            )
            form, ended = _end(request, enrollment, self.audit_context)
            if ended:
                messages.success(
                    request,
                    f"{ended.episode.patient.display_name}'s enrolment ends "
                    f"{ended.end_date:%-d %b %Y}.",
                )
                return redirect("sessions:group", pk=group.pk)
            return self.render_to_response(self.get_context_data(end_form=form))
        form = EnrolPatientForm(request.POST, episodes=enrolment_candidates(request.user, group))
        if form.is_valid():
            try:
                enrollment = services.group_enroll(
                    group=group,
                    episode=form.cleaned_data["episode"],
                    start_date=form.cleaned_data["start_date"],
                    user=request.user,
                    context=self.audit_context,
                )
            except (ValidationError, PermissionDenied) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"{enrollment.episode.patient.display_name} enrolled from "
                    f"{enrollment.start_date:%-d %b %Y}.",
                )
                return redirect("sessions:group", pk=group.pk)
        return self.render_to_response(self.get_context_data(enrol_form=form))
