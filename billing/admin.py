"""The billing app's admin pages (each module registers its own)."""

from billing import review_admin  # noqa: F401 (registers the reviews' admin pages)
