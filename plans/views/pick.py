"""Filling in a plan item's form from the program's library: the chosen entry's text (and an
intervention's modality and frequency) over what was typed in the other fields; nothing is
saved until the clinician saves the form, after editing it."""

from plans.library import LibraryEntry


class LibraryPickMixin:
    """For the item form views (`plan`, `kind`, `make_form(initial=...)`)."""

    def library_entries(self):
        return list(LibraryEntry.objects.offered(self.plan.episode.program_id, self.kind))

    def picked_form(self):
        """(form, entry, error): the form re-drawn with the picked entry filled in."""
        blank = self.make_form()
        typed = {
            name: self.request.POST[blank.add_prefix(name)]
            for name in blank.fields
            if blank.add_prefix(name) in self.request.POST
        }
        raw = self.request.POST.get("library", "")
        entry = None
        if raw.isdigit():
            entry = (
                LibraryEntry.objects.offered(self.plan.episode.program_id, self.kind)
                .filter(pk=int(raw))
                .first()
            )
        if entry is None:
            error = f"Choose a {self.kind} from the program's library."
            return self.make_form(initial=typed), None, error
        return self.make_form(initial={**typed, **entry.prefill()}), entry, ""
