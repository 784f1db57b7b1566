"""Plausible short text for billing fields: stripped, no control characters (a NUL above
all), within the field's length."""

import unicodedata

from django.core.exceptions import ValidationError


def clean_text(value, *, field, max_length, what=None):
    text = (value or "").strip()
    what = what or field.replace("_", " ")
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise ValidationError({field: f"The {what} contains control characters; retype it."})
    if len(text) > max_length:
        raise ValidationError({field: f"Keep the {what} to {max_length} characters."})
    return text


def clean_texts(obj, fields):
    """Clean each (field, max length) on `obj` in place, gathering every field's error."""
    errors = {}
    for name, max_length in fields:
        try:
            setattr(obj, name, clean_text(getattr(obj, name), field=name, max_length=max_length))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
