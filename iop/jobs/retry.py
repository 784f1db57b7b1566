"""Retry policy shared by every scheduled job: transient database or broker trouble is retried
with exponential backoff, never with a countdown past the broker's visibility timeout."""

from django.db import DatabaseError

RETRY = {
    "autoretry_for": (DatabaseError, ConnectionError, TimeoutError),
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}
