"""The note editor's draft, saved in the background while the clinician types (static/js/
autosave.js), so that nothing typed is lost to a logoff, a closed tab or a crash."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from iop.errors import ConflictError, error_text
from sessions import services
from sessions.forms import NoteForm
from sessions.models import ProgressNote
from sessions.views.session import SessionMixin


class NoteAutosave(SessionMixin, View):
    """Save the draft as "Save draft" would, answering JSON: the new revision and the time
    saved, or why not (400; 409 when it was signed or saved elsewhere meanwhile)."""

    def post(self, request, pk):
        session = self.require_runner()
        note = get_object_or_404(ProgressNote, session=session)
        form = NoteForm(request.POST, note=note)
        if not form.is_valid():
            return JsonResponse({"detail": "Not saved: check the note's fields."}, status=400)
        try:
            note = services.note_save(
                note=note,
                user=request.user,
                shared=form.shared(),
                entries=form.entries(),
                revision=form.cleaned_data["revision"],
                context=self.audit_context,
            )
        except ValidationError as error:
            return JsonResponse({"detail": f"Not saved: {error_text(error)}"}, status=400)
        except ConflictError as error:
            return JsonResponse({"detail": f"Not saved: {error}"}, status=409)
        saved_at = timezone.localtime()
        return JsonResponse(
            {
                "revision": note.revision,
                "saved_at": saved_at.isoformat(),
                "saved": f"{saved_at:%H:%M}",
            }
        )
