"""Exceptions shared across apps that the API maps to a status code."""


class ConflictError(Exception):
    """The change conflicts with the record's state: it is signed, or someone saved first.

    The API answers 409 with the message; pages show the message and keep what was typed.
    """


def add_service_error(form, error, *, by_field=True):
    """Show a service's refusal on the form the user filled, keeping everything they typed.

    A ValidationError naming fields goes beside those fields (when the form has them and
    `by_field`), anything else at the top; a ConflictError (signed, or saved by someone else
    meanwhile) says so at the top.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if by_field and field in form.fields else None, messages)
    elif hasattr(error, "messages"):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error))


def error_text(error):
    """A service's refusal as one line (for a flash message or an htmx fragment)."""
    if hasattr(error, "messages"):
        return " ".join(error.messages)
    return str(error)
