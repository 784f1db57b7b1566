"""Who searched for a term: the trail keeps only a keyed digest of each search (never the
term), so an investigator asks with the term and the command compares digests."""

from django.core.management.base import BaseCommand

from iop.audit.models import AuditEvent
from iop.audit.searches import search_digest, search_marker


class Command(BaseCommand):
    help = (
        "List the audit events of searches for a term (a name, an MRN), matched by the keyed "
        "digest the trail records; the digest changes with SECRET_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("term", help="The search term, as it would have been typed.")

    def handle(self, *args, **options):
        marker = search_marker(options["term"])
        if not marker:
            self.stderr.write("Give a non-empty term.")
            return
        self.stdout.write(f"digest {search_digest(options['term'])}")
        events = AuditEvent.objects.filter(detail__contains=marker).order_by("at", "id")
        # A list writes one event per patient shown: one line per request.
        seen = set()
        for event in events:
            key = (event.request_id, event.path) if event.request_id else event.pk
            if key in seen:
                continue
            seen.add(key)
            who = event.username or "anonymous"
            self.stdout.write(f"{event.at:%Y-%m-%d %H:%M:%S} {who} {event.path} {event.request_id}")
        self.stdout.write(f"{len(seen)} searches")
