"""Writing, signing and co-signing progress notes, addenda, and the co-signature queue."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from iop.accounts.roles import Role
from iop.audit.models import AuditEvent
from iop.audit.services import audit_record_patients
from iop.errors import ConflictError, add_service_error, error_text
from iop.paging import CountedPagePaginator
from patients.part2 import part2_patient_ids
from sessions import services
from sessions.forms import NoteForm
from sessions.models import ProgressNote
from sessions.services import NoteIncompleteError
from sessions.today import cosign_attendee_ids, cosign_page_rows, cosign_queue
from sessions.views.day import PAGE_SIZE
from sessions.views.session import SessionMixin, render_session_page


class NoteSave(SessionMixin, View):
    """Start, save or sign the note: one form, so nothing typed is lost on a refusal."""

    def post(self, request, pk):
        session = self.require_runner()
        context = self.audit_context
        note = ProgressNote.objects.filter(session=session).first()
        if note is None:
            start = {
                "format": request.POST.get("format") or None,
                "topic": request.POST.get("topic"),
            }
            try:
                note = services.note_start(
                    session=session, user=request.user, context=context, **start
                )
            except ValidationError as error:
                start["error"] = error_text(error)
                return render_session_page(request, session, start=start)
            if "start" in request.POST:
                return redirect(session.get_absolute_url() + "#note")
        else:
            try:
                services.note_start(session=session, user=request.user, context=context)
            except ValidationError as error:
                messages.error(request, error_text(error))
                return redirect(session.get_absolute_url())
        form = NoteForm(request.POST, note=note)
        if form.is_valid():
            try:
                note = services.note_save(
                    note=note,
                    user=request.user,
                    shared=form.shared(),
                    entries=form.entries(),
                    revision=form.cleaned_data["revision"],
                    psychotherapy_minutes=form.psychotherapy_minutes(),
                    context=context,
                )
                if "sign" in request.POST:
                    services.note_sign(note=note, user=request.user, context=context)
            except NoteIncompleteError as error:
                form.show_incomplete(error)
            except (ValidationError, ConflictError) as error:
                add_service_error(form, error, by_field=False)
        if form.errors:
            if not form.non_field_errors() and not any(form.errors.values()):
                form.add_error(None, "The note was not saved.")
            # A draft saved before a refused signature moves on to its new revision.
            note.refresh_from_db()
            form.data = form.data.copy()
            form.data["revision"] = note.revision
            return render_session_page(request, session, note_form=form)
        note.refresh_from_db()
        if note.status == ProgressNote.Status.AWAITING_COSIGN:
            messages.success(request, "Note signed; it now waits for a supervisor's co-signature.")
        elif note.is_locked:
            messages.success(request, "Note signed and locked.")
        else:
            messages.success(request, "Note saved as a draft.")
        return redirect(session.get_absolute_url() + "#note")


class NoteAddendum(SessionMixin, View):
    def post(self, request, pk):
        session = self.require_runner()
        note = get_object_or_404(ProgressNote, session=session)
        try:
            services.addendum_add(
                note=note,
                text=request.POST.get("text", ""),
                user=request.user,
                context=self.audit_context,
            )
            messages.success(request, "Addendum added.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(session.get_absolute_url() + "#note")


class NoteCosign(SessionMixin, View):
    def post(self, request, pk):
        session = self.setup_session()
        note = get_object_or_404(ProgressNote, session=session)
        try:
            services.note_cosign(note=note, user=request.user, context=self.audit_context)
            messages.success(request, "Note co-signed.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = session.get_absolute_url()
        return redirect(target)


class CosignQueue(LoginRequiredMixin, TemplateView):
    """Trainees' notes waiting for a co-signature, by session date, a page at a time."""

    template_name = "sessions/cosign_queue.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.has_role(Role.SUPERVISOR):
            raise PermissionDenied("The co-signature queue is for supervisors.")
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # The page and the queue's length in one query, a shape (`iop.paging`); the queue
        # itself is built only for a page number past its end.
        paginator = CountedPagePaginator(
            SimpleLazyObject(lambda: cosign_queue(user)),
            PAGE_SIZE,
            rows=lambda start, size: cosign_page_rows(user, start, size),
        )
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        context["page_obj"] = context["notes"] = page
        # One event per patient named in the queue, in one statement.
        patient_ids = {note.session.patient_id for note in page} - {None}
        # A group note shows a SUD attendee's part: the queue carries the Part 2 notice then.
        attendees = cosign_attendee_ids([note.pk for note in page]) if page.object_list else []
        context["is_part2"] = bool(part2_patient_ids({*patient_ids, *attendees}))
        audit_record_patients(
            action=AuditEvent.Action.VIEW,
            request=self.request,
            object_type="therapy_sessions.progressnote list",
            patient_ids=sorted(patient_ids) or [None],
            detail=f"co-signature queue, page {page.number} of {page.paginator.num_pages}, "
            f"{len(page)} of {page.paginator.count} notes",
        )
        return context
