"""The audit trail of the scale program: the events the services and pages would have written
(who, what, which record, whose data, from where), sealed into the hash chain in one pass in
time order, exactly as `iop.audit.chain` seals them one by one, so `manage.py audit_verify`
holds."""

from operator import itemgetter

from iop.audit import chain
from iop.audit.models import AuditEvent

CREATE, UPDATE, VIEW, LOGIN = "create", "update", "view", "login"
FIELDS = (
    "id",
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "outcome",
    "ip",
    "request_id",
    "path",
    "detail",
    "seq",
    "prev_hash",
    "hash",
)
CLINIC_ADDRESSES = ["10.20.1.", "10.20.2.", "10.40.1."]


class Trail:
    def __init__(self, rng, usernames, now):
        self.rng = rng
        self.now = now
        self.usernames = usernames  # user id → username
        self.events = []
        self.addresses = {}

    def request(self, user_id):
        """(request id, address) of one request by `user_id` (a clinic workstation of theirs)."""
        if user_id not in self.addresses:
            prefix = CLINIC_ADDRESSES[user_id % len(CLINIC_ADDRESSES)]
            self.addresses[user_id] = f"{prefix}{user_id % 200 + 20}"
        return f"{self.rng.getrandbits(128):032x}", self.addresses[user_id]

    def add(
        self,
        at,
        user_id,
        action,
        object_type="",
        object_id="",
        patient_id=None,
        *,
        detail="",
        path="",
        request=None,
    ):
        rid, ip = request if request else ("", None)
        self.events.append(
            (
                min(at, self.now),
                user_id,
                action,
                object_type,
                str(object_id),
                patient_id,
                ip,
                rid,
                path,
                detail[:300],
            )
        )

    def change(self, at, user_id, action, object_type, object_id, patient_id, detail="", path=""):
        """A service's change made from a page: one event, with its own request."""
        self.add(
            at,
            user_id,
            action,
            object_type,
            object_id,
            patient_id,
            detail=detail,
            path=path,
            request=self.request(user_id),
        )

    def rows(self, ids, head):
        """The events in time order, numbered and hashed after `head` ((seq, hash) or None)."""
        self.events.sort(key=itemgetter(0))
        seq, prev = head if head else (0, chain.GENESIS)
        usernames = self.usernames
        for pk, (at, user_id, action, otype, oid, pid, ip, rid, path, detail) in zip(
            ids, self.events, strict=True
        ):
            seq += 1
            values = {
                "seq": seq,
                "at": at,
                "user_id": user_id,
                "username": usernames.get(user_id, ""),
                "action": action,
                "object_type": otype,
                "object_id": oid,
                "patient_id": pid,
                "outcome": "success",
                "ip": ip,
                "request_id": rid,
                "path": path,
                "detail": detail,
            }
            digest = chain.event_hash(values, prev)
            yield (
                pk,
                at,
                user_id,
                values["username"],
                action,
                otype,
                oid,
                pid,
                "success",
                ip,
                rid,
                path,
                detail,
                seq,
                prev,
                digest,
            )
            prev = digest

    def write(self, sink):
        head = chain.head(AuditEvent, sink.using)
        ids = sink.ids(AuditEvent, len(self.events))
        total = len(self.events)
        sink.write(AuditEvent, FIELDS, self.rows(ids, head), label="audit events", total=total)
        self.events = []
