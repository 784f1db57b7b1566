"""Exceptions shared across apps that the API maps to a status code."""


class ConflictError(Exception):
    """The change conflicts with the record's state: it is signed, or someone saved first.

    The API answers 409 with the message; pages show the message and keep what was typed.
    """
