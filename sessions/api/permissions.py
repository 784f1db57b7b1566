from rest_framework.exceptions import PermissionDenied


def require_runner(user, session):
    """Attendance, notes, cancelling and moving are for the session's clinicians (the same
    rule as the session page); a supervisor may do them for the sessions of their programs."""
    if not session.is_run_by(user):
        raise PermissionDenied(
            "Only the session's clinicians (or a supervisor of its program) can do this."
        )
