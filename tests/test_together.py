"""`iop.together`: QuerySets read together give what each gives alone (models with their related
rows, annotations, values, a slice, an extra column the order needs, none), in one round trip
on PostgreSQL and one query each elsewhere; readers take their reads in turns."""

import pytest
from django.db import connection
from django.db.models import Count, F, Window

from iop.together import gather, read_related, read_together, rows_of, run, run_together
from patients.models import Episode


def _querysets(clinician):
    theirs = Episode.objects.filter(primary_clinician=clinician)
    return [
        theirs.select_related("patient").order_by("-patient__legal_last_name", "pk"),
        theirs.annotate(total=Window(Count("pk"))).order_by("pk")[:2],
        theirs.order_by("patient__legal_last_name").values_list("pk", flat=True),
        theirs.values("pk", "patient_id").order_by(F("patient__legal_first_name").desc()),
        Episode.objects.none(),
        theirs.filter(pk__in=[]),
    ]


def _seen(rows):
    """What a row holds, comparable across reads (models by their pk, names and annotation)."""
    if isinstance(rows, list) and rows and isinstance(rows[0], Episode):
        return [(e.pk, e.patient.legal_last_name, getattr(e, "total", None)) for e in rows]
    return rows


@pytest.mark.django_db
def test_querysets_read_together_give_what_each_reads_alone(
    make_episode, clinician, supervisor, django_assert_num_queries
):
    for name in ["Young", "Adams", "Mills"]:
        make_episode(clinician=clinician, last_name=name)
    make_episode(clinician=supervisor)  # not theirs
    alone = [_seen(list(queryset)) for queryset in _querysets(clinician)]
    # Four statements (none for the two empty ones): one round trip on PostgreSQL.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4) as ctx:
        together = read_together(_querysets(clinician))
    assert [_seen(rows) for rows in together] == alone
    assert [len(rows) for rows in together] == [3, 2, 3, 3, 0, 0]
    assert together[1][0].total == 3  # the window counted every row before the slice
    if connection.vendor == "postgresql":
        assert ctx.captured_queries[0]["sql"].count("SELECT ") >= 4


@pytest.mark.django_db
def test_readers_take_their_reads_in_turns(make_episode, clinician, django_assert_num_queries):
    episodes = [make_episode(clinician=clinician) for _ in range(3)]
    theirs = Episode.objects.filter(primary_clinician=clinician).order_by("pk")

    def two_steps():
        (pks,) = yield (theirs.values_list("pk", flat=True),)
        (patients,) = yield (Episode.objects.filter(pk__in=pks).values_list("patient_id"),)
        return len(patients)

    # Turn one: both readers' first reads; turn two: the second read of the first reader.
    one_trip = connection.vendor == "postgresql"
    with django_assert_num_queries(2 if one_trip else 3):
        counted, rows = run_together(two_steps(), rows_of(theirs))
    assert counted == 3
    assert [e.pk for e in rows] == [e.pk for e in episodes]
    # One reader alone reads its QuerySets one by one, as the function it stands for did.
    with django_assert_num_queries(2):
        assert run(two_steps()) == 3
    assert run(rows_of(theirs.values_list("pk", flat=True))) == [e.pk for e in episodes]


@pytest.mark.django_db
def test_each_queryset_is_compiled_once_alone_or_empty(
    make_episode, clinician, django_assert_num_queries, monkeypatch
):
    """A round of one QuerySet, or one that can match nothing, is not compiled a second time by
    the QuerySet's own read (compiling Today's rosters twice cost ~1 ms a request)."""
    from django.db.models.sql.compiler import SQLCompiler

    make_episode(clinician=clinician)
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    theirs = Episode.objects.filter(primary_clinician=clinician)
    with django_assert_num_queries(1):
        ((episode,),) = read_together([theirs.select_related("patient")])
    assert episode.patient.pk
    with django_assert_num_queries(0):
        assert read_together([theirs.filter(pk__in=[])]) == [[]]
    # Elsewhere each is read by Django as it is (compiled once, by its own read).
    assert len(compiled) == 2


@pytest.mark.django_db
def test_a_reader_gathers_others_into_its_own_turns(
    make_episode, clinician, django_assert_num_queries
):
    episodes = [make_episode(clinician=clinician) for _ in range(2)]
    theirs = Episode.objects.filter(primary_clinician=clinician).order_by("pk")

    def gathering():
        pks, rows = yield from gather(rows_of(theirs.values_list("pk", flat=True)), rows_of(theirs))
        (patients,) = yield (Episode.objects.filter(pk__in=pks).values_list("patient_id"),)
        return len(rows), len(patients)

    # Turn one: the gathered readers' reads and the other reader's; turn two: the last read.
    one_trip = connection.vendor == "postgresql"
    with django_assert_num_queries(2 if one_trip else 4):
        answer, more = run_together(gathering(), rows_of(theirs.all()))
    assert answer == (2, 2) and [e.pk for e in more] == [e.pk for e in episodes]


@pytest.mark.django_db
def test_related_rows_read_by_id_are_those_select_related_gives(
    group, todays_session, make_episode, clinician, django_assert_num_queries
):
    from sessions.models import ProgressNote, TherapyGroup, TherapySession
    from tests.factories import TherapySessionFactory

    episode = make_episode(clinician=clinician)
    alone = TherapySessionFactory(
        kind="individual",
        group=None,
        duration_minutes=50,
        location="Room 1",
        delivery=todays_session.delivery,
        episode=episode,
        patient=episode.patient,
        clinicians=[clinician],
    )
    ProgressNote.objects.create(session=todays_session, author=clinician)
    sessions = list(TherapySession.objects.filter(pk__in=[todays_session.pk, alone.pk]))

    def read(sessions):
        return gather(
            read_related(sessions, "group", lambda ids: TherapyGroup.objects.filter(pk__in=ids)),
            read_related(sessions, "episode", lambda ids: Episode.objects.filter(pk__in=ids)),
            read_related(
                sessions, "note", lambda ids: ProgressNote.objects.filter(session__in=ids)
            ),
        )

    # The three in one round trip on PostgreSQL; nothing read for a relation none of them has.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        run_together(read(sessions))
    expected = TherapySession.objects.select_related("group", "episode", "note")
    expected = {s.pk: s for s in expected.filter(pk__in=[todays_session.pk, alone.pk])}
    with django_assert_num_queries(0):  # every relation is cached, None where there is none
        for session in sessions:
            twin = expected[session.pk]
            assert session.group == twin.group and session.episode == twin.episode
            assert getattr(session, "note", None) == getattr(twin, "note", None)
        note = next(s for s in sessions if s.pk == todays_session.pk).note
        assert note.session is next(s for s in sessions if s.pk == todays_session.pk)
