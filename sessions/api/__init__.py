"""REST API for therapy groups, sessions, attendance and progress notes."""
