"""Model choice fields that read their rows once per form.

Django's `ModelChoiceIterator` reads a field's rows again at every pass over its choices,
each time through a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round
trips), and a form template may pass over them more than once (crispy-forms' radio buttons
do). `ReadOnceChoices` reads them from the field's queryset itself, whose rows Django keeps
after the first pass; the field's copy of the queryset is made per form, so nothing is kept
from one request to the next. Validation still asks the database (`queryset.get`)."""

from django import forms


class ReadOnceChoices(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)

    def __len__(self):
        # Django counts through its own queryset (a COUNT query); the rows read once will do.
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


def read_choices_once(form):
    """Make every model choice field of `form` read its rows once (a queryset set later
    keeps the iterator: the field builds its widget's choices with it)."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.iterator = ReadOnceChoices
            if field.queryset is not None:
                field.widget.choices = field.choices
    return form


class ReadChoicesOnce:
    """A form mixin: `read_choices_once` on the form as it is built."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        read_choices_once(self)
