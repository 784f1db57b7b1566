"""The sessions, attendance and notes lists of the API: a page at a time with a cursor (no
count, no page numbers), every visible row once whatever the page size, sessions from 30 days
back unless a date is given, and the same number of queries for a small and a larger program,
for a clinician, a supervisor and a director."""

import base64
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from sessions import services as ss
from sessions.models import Attendance, ProgressNote, TherapySession
from tests.factories import GroupEnrollmentFactory, TherapyGroupFactory, TherapySessionFactory
from tests.queries import query_counts
from tests.sessions.helpers import at

DAP = {"data": "Sleep skills.", "assessment": "Engaged.", "plan": "Practise."}
LISTS = ("session-list", "attendance-list", "note-list")
PARTS = [
    "Practised paced breathing; reports sleeping six hours.",
    "Quiet at first, later shared a relapse-prevention plan with the group.",
    "Role-played asking a manager for flexible hours; anxious but managed.",
]


class Program:
    """A program that grows a day at a time: each weekday from Monday 2 November 2026, the
    clinician's group and clinician2's group meet at 09:00 (two sessions at the same time),
    each attended and its note signed; the clinician's patients attend both groups, so the
    clinician reads clinician2's notes in part; one attendance is corrected after signing;
    an individual session is booked at 14:00. The clock ends at 10:00 on the day after."""

    def __init__(self, clock, program, clinician, clinician2, make_episode):
        self.clock, self.clinician, self.clinician2 = clock, clinician, clinician2
        self.mine = TherapyGroupFactory(name="Morning", program=program, facilitators=[clinician])
        self.theirs = TherapyGroupFactory(name="Skills", program=program, facilitators=[clinician2])
        self.patients = [make_episode(clinician=clinician) for _ in range(2)]
        self.others = [make_episode(clinician=clinician2)]
        for episode in self.patients:
            GroupEnrollmentFactory(group=self.mine, episode=episode, start_date=date(2026, 11, 2))
            GroupEnrollmentFactory(group=self.theirs, episode=episode, start_date=date(2026, 11, 2))
        for episode in self.others:
            GroupEnrollmentFactory(group=self.theirs, episode=episode, start_date=date(2026, 11, 2))
        self.day = date(2026, 11, 2)

    def grow(self, days):
        for _ in range(days):
            self.clock.move_to(at(self.day, 10), tick=False)
            mine = self._meet(self.mine, self.clinician, self.patients)
            self._meet(self.theirs, self.clinician2, self.patients + self.others)
            ss.attendance_correct(
                session=mine,
                episode=self.patients[0],
                status="late",
                reason="Came at 09:20",
                user=self.clinician,
            )
            ss.session_schedule(
                kind="individual",
                starts_at=at(self.day, 14),
                duration_minutes=50,
                clinicians=[self.clinician],
                episode=self.patients[1],
                user=self.clinician,
            )
            self.day += timedelta(days=3 if self.day.weekday() == 4 else 1)
        self.clock.move_to(at(self.day, 10), tick=False)

    def _meet(self, group, user, episodes):
        session = TherapySessionFactory(group=group, starts_at=at(self.day, 9))
        for episode in episodes:
            ss.attendance_mark(session=session, episode=episode, status="present", user=user)
        note = ss.note_start(session=session, user=user)
        entries = {
            e.patient_id: {"text": text, "risk_level": "none"}
            for e, text in zip(episodes, PARTS, strict=False)
        }
        ss.note_save(note=note, user=user, shared=DAP, entries=entries)
        ss.note_sign(note=note, user=user)
        return session


@pytest.fixture
def grown(clock, program, clinician, clinician2, make_episode):
    return Program(clock, program, clinician, clinician2, make_episode)


@pytest.fixture
def as_role(api_client, clinician, supervisor, director):
    users = {"clinician": clinician, "supervisor": supervisor, "director": director}

    def sign_in(role):
        api_client.force_authenticate(users[role])
        return api_client

    return sign_in


def walk(client, name, page_size, **params):
    """The ids of every page, following `next` from the first; and the pages' sizes."""
    ids, sizes = [], []
    answer = client.get(reverse(name), {"page_size": page_size, **params}).json()
    while True:
        assert set(answer) == {"next", "previous", "results"}
        ids += [row["id"] for row in answer["results"]]
        sizes.append(len(answer["results"]))
        if answer["next"] is None:
            return ids, sizes
        answer = client.get(answer["next"]).json()


def walk_back(client, url):
    ids = []
    while url:
        answer = client.get(url).json()
        ids = [row["id"] for row in answer["results"]] + ids
        url = answer["previous"]
    return ids


# --- cursor pagination ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinician", "supervisor", "director"])
@pytest.mark.parametrize("name", LISTS)
def test_walking_the_pages_gives_every_visible_row_once(grown, as_role, role, name):
    grown.grow(4)  # Mon–Thu: two group sessions at 09:00 each day (ties in the start time)
    client = as_role(role)
    everything, (size,) = walk(client, name, 200)
    assert len(everything) == len(set(everything)) == size > 6
    for page_size in (1, 3):
        ids, sizes = walk(client, name, page_size)
        assert ids == everything
        assert set(sizes[:-1]) == {page_size}


def test_the_clinician_sees_what_they_run_and_their_patients_once(grown, as_role):
    """A session both run by the clinician and their patient's, attendance both at their
    session and of their patient: each listed once."""
    grown.grow(2)
    client = as_role("clinician")
    sessions, _ = walk(client, "session-list", 2)
    # Their group's and their patient's individual sessions, not clinician2's group's.
    theirs = TherapySession.objects.exclude(group=grown.theirs)
    assert sorted(sessions) == sorted(theirs.values_list("pk", flat=True))
    attendance, _ = walk(client, "attendance-list", 2)
    # Not the part of clinician2's patient at clinician2's group.
    other = Attendance.objects.filter(patient=grown.others[0].patient)
    assert sorted(attendance) == sorted(
        Attendance.objects.exclude(pk__in=other.values("pk")).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("name", LISTS)
def test_previous_links_walk_back_to_the_first_page(grown, as_role, name):
    grown.grow(3)
    client = as_role("supervisor")
    everything, _ = walk(client, name, 200)
    answer = client.get(reverse(name), {"page_size": 2}).json()
    assert answer["previous"] is None
    last = None
    while answer["next"]:
        last = answer["next"]
        answer = client.get(last).json()
    assert walk_back(client, last) == everything[: len(everything) - len(answer["results"])] + [
        row["id"] for row in answer["results"]
    ]


def test_lists_run_in_their_documented_order(grown, as_role):
    grown.grow(2)
    client = as_role("director")
    sessions = client.get(reverse("session-list")).json()["results"]
    assert [(s["starts_at"], s["id"]) for s in sessions] == sorted(
        (s["starts_at"], s["id"]) for s in sessions
    )
    attendance = [r["id"] for r in client.get(reverse("attendance-list")).json()["results"]]
    assert attendance == sorted(attendance, reverse=True)
    notes = client.get(reverse("note-list")).json()["results"]
    assert [(n["created_at"], n["id"]) for n in notes] == sorted(
        ((n["created_at"], n["id"]) for n in notes), reverse=True
    )


def test_a_note_list_row_is_the_notes_facts_and_the_detail_its_content(grown, as_role):
    """The list names each note (who, when, its status and signature hash); the parts,
    addenda, corrections and the integrity check (`intact`, the hash taken again) are on the
    detail, so a page of notes does not recompute fifty hashes."""
    grown.grow(1)
    client = as_role("director")
    row = next(
        n for n in client.get(reverse("note-list")).json()["results"] if n["status"] == "signed"
    )
    assert set(row) == {
        "id",
        "session",
        "format",
        "status",
        "revision",
        "author",
        "signed_by",
        "signed_at",
        "content_hash",
        "cosigned_by",
        "cosigned_at",
        "created_at",
        "updated_at",
    }
    detail = client.get(reverse("note-detail", args=[row["id"]])).json()
    assert detail["intact"] is True and detail["entries"]
    assert {key: detail[key] for key in row} == row


def test_a_note_list_names_its_users_as_the_detail_does(grown, as_role, clinician2):
    """The list reads its users' names as columns of the note row, not as user rows: the
    names it gives are `User.display_name` all the same (credentials, or the username when a
    user has no name)."""
    grown.clinician.credentials = "LPC"
    grown.clinician.save(update_fields=["credentials"])
    clinician2.first_name = clinician2.last_name = clinician2.credentials = ""
    clinician2.save(update_fields=["first_name", "last_name", "credentials"])
    grown.grow(1)
    client = as_role("director")
    rows = client.get(reverse("note-list")).json()["results"]
    assert {row["author"]["display_name"] for row in rows} == {
        f"{grown.clinician.get_full_name()}, LPC",
        clinician2.username,
    }
    for row in rows:
        detail = client.get(reverse("note-detail", args=[row["id"]])).json()
        assert {key: detail[key] for key in ("author", "signed_by", "cosigned_by")} == {
            key: row[key] for key in ("author", "signed_by", "cosigned_by")
        }


def _cursor(payload):
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _cursor({"k": [1], "b": False}),  # sessions need a time and an id
        _cursor({"k": ["2026-11-18T09:00:00", 1], "b": False}),  # a time without its offset
        _cursor({"k": ["2026-11-18T09:00:00+00:00", "1"], "b": False}),
        _cursor({"k": ["2026-11-18T09:00:00+00:00", 10**40], "b": False}),
        _cursor({"k": ["2026-11-18T09:00:00+00:00", 1], "b": "yes"}),
        _cursor([1, 2]),
    ],
)
def test_a_cursor_the_api_did_not_give_is_a_400(as_role, cursor):
    response = as_role("supervisor").get(reverse("session-list"), {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page_size", ["0", "lots", "-1"])
def test_page_size_keeps_its_rules(as_role, name, page_size):
    response = as_role("supervisor").get(reverse(name), {"page_size": page_size})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_large_page_size_is_read_as_200(grown, as_role):
    grown.grow(1)
    answer = as_role("supervisor").get(reverse("attendance-list"), {"page_size": 10_000})
    assert answer.status_code == 200


def test_the_schema_documents_the_cursor(as_role):
    schema = as_role("supervisor").get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/sessions/", "/api/v1/attendance/", "/api/v1/notes/"):
        operation = schema["paths"][path]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert parameters["cursor"]["schema"] == {"type": "string"}
        assert "page" not in parameters
        assert parameters["page_size"]["schema"]["minimum"] == 1
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"next", "previous", "results"}
        assert "count" not in page["properties"]


# --- the sessions list's time window ----------------------------------------------------------


@pytest.fixture
def old_and_new(clock, clinician, make_episode):
    """An individual session 31 days before today (Wednesday 18 November 2026) and one today."""
    episode = make_episode(clinician=clinician)

    def book(day, hour):
        return TherapySessionFactory(
            kind="individual",
            group=None,
            episode=episode,
            patient=episode.patient,
            starts_at=at(day, hour),
            clinicians=[clinician],
            duration_minutes=50,
            location="Room 4",
            delivery="in_person",
        )

    old = book(date(2026, 10, 18), 9)
    edge = book(date(2026, 10, 19), 0)  # local midnight, the window's first instant
    new = book(date(2026, 11, 18), 9)
    clock.move_to(at(date(2026, 11, 18), 10), tick=False)
    return old, edge, new


def listed(client, **params):
    return [row["id"] for row in client.get(reverse("session-list"), params).json()["results"]]


def test_sessions_list_from_30_days_back_by_default(old_and_new, as_role):
    old, edge, new = old_and_new
    assert listed(as_role("clinician")) == [edge.pk, new.pk]


def test_a_date_filter_overrides_the_window(old_and_new, as_role):
    old, edge, new = old_and_new
    client = as_role("clinician")
    assert listed(client, date="2026-10-18") == [old.pk]
    assert listed(client, date_from="2026-10-01") == [old.pk, edge.pk, new.pk]
    assert listed(client, date_from="2026-10-01", date_to="2026-10-18") == [old.pk]
    assert listed(client, date_to="2026-11-17") == [edge.pk]  # the window still starts it


def test_the_window_does_not_hide_a_session_by_id(old_and_new, as_role):
    old, _, _ = old_and_new
    response = as_role("clinician").get(reverse("session-detail", args=[old.pk]))
    assert response.status_code == 200


# --- query budgets: the same for a small and a larger program ---------------------------------


@pytest.mark.parametrize("role", ["clinician", "supervisor", "director"])
def test_list_queries_do_not_grow_with_the_program(grown, as_role, role):
    grown.grow(1)
    client = as_role(role)
    paths = [reverse(name) for name in LISTS]
    paths += [f"{reverse(name)}?page_size=200" for name in LISTS]
    query_counts(client, paths)  # what a first request caches is not counted
    small = query_counts(client, paths)
    grown.grow(4)
    assert ProgressNote.objects.count() == 10
    assert query_counts(client, paths) == small


def test_note_list_queries_do_not_grow_with_corrections_and_parts(grown, as_role):
    """A page of notes with more parts, attendance and corrections per note: no more queries
    (a list row names the note; its parts and corrections are the detail's)."""
    grown.grow(2)
    client = as_role("clinician")
    path = reverse("note-list")
    query_counts(client, [path])
    small = query_counts(client, [path])
    session = TherapySession.objects.filter(group=grown.mine).latest("starts_at")
    for status in ("left_early", "present"):
        ss.attendance_correct(
            session=session,
            episode=grown.patients[1],
            status=status,
            reason="Recorded on the wrong row",
            user=grown.clinician,
        )
    assert query_counts(client, [path]) == small


def test_a_supervisor_sees_all_attendance_and_notes_of_their_program(grown, as_role):
    """Groups run by others, of patients on no care team of theirs: the program's."""
    grown.grow(2)
    client = as_role("supervisor")
    attendance, _ = walk(client, "attendance-list", 3)
    assert sorted(attendance) == sorted(Attendance.objects.values_list("pk", flat=True))
    notes, _ = walk(client, "note-list", 3)
    assert sorted(notes) == sorted(ProgressNote.objects.values_list("pk", flat=True))


def test_a_clinician_reads_the_signed_notes_of_groups_their_patients_attended(grown, as_role):
    grown.grow(2)
    notes, _ = walk(as_role("clinician"), "note-list", 3)
    assert sorted(notes) == sorted(ProgressNote.objects.values_list("pk", flat=True))
    assert ProgressNote.objects.filter(session__group=grown.theirs).count() == 2
