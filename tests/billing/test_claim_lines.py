"""Claim lines (issue 18, part 4) worked on Monday 9 November 2026: one line per billable
service or per-diem day from signed notes, following the program's billing mode
(`sessions.billing`), held with the reason when the note is unsigned, the attendance was
corrected after signing, or no authorization covers the code; exports never change the lines."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from billing.claim_models import ClaimExport, ClaimLine
from billing.claims import rules
from billing.claims.build import claims_build
from billing.claims.export import claim_line_void, claims_export
from billing.models import Authorization, Coverage
from sessions import services as ss
from tests.billing import claim_world
from tests.billing.claim_world import build, lines, sign
from tests.sessions.helpers import MON_9, at, book

# The shared fixtures (pytest finds them as this module's attributes).
biller, monday, payer = claim_world.biller, claim_world.monday, claim_world.payer

# --- what a line says -------------------------------------------------------------------------


def test_a_signed_group_note_is_one_issued_line_with_everything_a_biller_enters(
    monday, clinician, biller
):
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    result = build(biller)
    assert (result.issued, result.held) == (1, 0)
    (line,) = lines()
    assert (line.code, line.status, line.units, line.place_of_service, line.modifiers) == (
        "90853",
        "issued",
        1,
        "11",
        "",
    )
    assert line.service_date == MON_9
    assert line.diagnosis_codes == ["F33.1"] and line.diagnosis_pointers == "A"
    assert line.rendering == clinician and line.supervising is None
    assert (line.authorization_reference, line.payer_name, line.member_id) == (
        "AUTH-1",
        "Acme Health",
        "M-100",
    )


def test_per_diem_day_is_one_line_with_the_days_sessions_bundled(monday, clinician, biller):
    day = monday(mode="per_diem")
    individual = book(clinician, starts_at=at(MON_9, 13), episode=day.ames)
    ss.attendance_mark(session=day.group, episode=day.ames, status="late", user=clinician)
    ss.attendance_mark(session=individual, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    sign(individual, clinician, [day.ames.patient_id])
    build(biller)
    (line,) = lines()  # 165 + 50 = 215 min ≥ 180: one S9480, never 90853 or 90834 beside it
    assert (line.code, line.per_diem, line.bundled, line.status) == (
        "S9480",
        True,
        ["90853", "90834"],
        "issued",
    )


def test_a_per_diem_day_under_the_threshold_falls_back_to_per_service_marked(
    monday, clinician, biller
):
    day = monday(mode="per_diem")
    individual = book(clinician, starts_at=at(MON_9, 13), episode=day.ames)
    ss.attendance_mark(
        session=day.group, episode=day.ames, status="absent_unexcused", user=clinician
    )
    ss.attendance_mark(session=individual, episode=day.ames, status="present", user=clinician)
    sign(individual, clinician, [day.ames.patient_id])
    build(biller)
    (line,) = lines()  # 50 min < 180: the individual session's own code
    assert (line.code, line.per_diem) == ("90834", False)
    assert line.basis == "per-diem threshold not met (50 of 180 min)"


def test_a_per_diem_line_is_held_while_any_bundled_note_is_unsigned(monday, clinician, biller):
    day = monday(mode="per_diem")
    individual = book(clinician, starts_at=at(MON_9, 13), episode=day.ames)
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    ss.attendance_mark(session=individual, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    sign(individual, clinician, [day.ames.patient_id], sign=False)
    build(biller)
    (line,) = lines()
    assert (line.code, line.status, line.held_reasons) == ("S9480", "held", [rules.NOT_SIGNED])


# --- held lines and their reasons -------------------------------------------------------------


def test_an_unsigned_note_holds_the_line_until_it_is_signed(monday, clinician, biller):
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    note = sign(day.group, clinician, [day.ames.patient_id], sign=False)
    assert (build(biller).issued, lines()[0].held_reasons) == (0, ["note not signed"])
    ss.note_sign(note=note, user=clinician)
    assert build(biller).issued == 1
    assert [(x.code, x.status) for x in lines()] == [("90853", "issued")]  # replaced, not added


def test_a_trainees_note_is_held_until_co_signed_then_names_the_supervisor(
    monday, clinician, supervisor, biller
):
    clinician.is_trainee = True
    clinician.save()
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    note = sign(day.group, clinician, [day.ames.patient_id])
    build(biller)
    assert lines()[0].held_reasons == [rules.AWAITING_COSIGN]
    ss.note_cosign(note=note, user=supervisor)
    build(biller)
    (line,) = lines()
    assert (line.status, line.rendering, line.supervising) == ("issued", clinician, supervisor)


def test_attendance_corrected_after_signing_holds_the_line_until_an_addendum(
    monday, clinician, biller, clock
):
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    note = sign(day.group, clinician, [day.ames.patient_id])
    clock.move_to(at(MON_9, 19), tick=False)
    ss.attendance_correct(
        session=day.group,
        episode=day.ames,
        status="left_early",
        minutes=120,
        reason="She left at 11:00.",
        user=clinician,
    )
    build(biller)
    assert lines()[0].held_reasons == [rules.CORRECTED]
    clock.move_to(at(MON_9, 20), tick=False)
    ss.addendum_add(note=note, text="Left at 11:00 for a medical appointment.", user=clinician)
    build(biller)
    assert lines()[0].status == "issued"


def test_no_authorization_holds_the_line_and_self_pay_needs_none(monday, clinician, biller):
    day = monday(authorize=False)
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    build(biller)
    assert lines()[0].held_reasons == ["no approved authorization covers 90853 on 09 Nov 2026"]
    Coverage.objects.update(effective_from=date(2026, 11, 10))  # not in force on the 9th
    build(biller)
    assert lines()[0].held_reasons == [rules.NO_COVERAGE]
    Coverage.objects.update(effective_from=date(2026, 11, 1), self_pay=True, payer=None)
    build(biller)
    (line,) = lines()
    assert (line.status, line.payer_name, line.authorization_reference) == (
        "issued",
        "Self-pay",
        "",
    )


def test_an_authorization_for_other_codes_does_not_cover_the_line(monday, clinician, biller):
    day = monday()
    Authorization.objects.update(service_codes="S9480")
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    build(biller)
    assert lines()[0].status == "held"


# --- exports ----------------------------------------------------------------------------------


@pytest.fixture
def issued(monday, clinician, biller):
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    build(biller)
    return day


def export(user):
    return claims_export(user=user, first_date=MON_9, last_date=MON_9)


def test_an_export_marks_its_lines_and_a_second_export_has_none_of_them(issued, biller):
    batch = export(biller)
    assert batch.line_count == 1 and "90853" in batch.csv and "Ames" in batch.csv
    assert [x.status for x in lines()] == ["exported"]
    with pytest.raises(ValidationError, match="No issued lines to export"):
        export(biller)
    result = build(biller)  # a rebuild leaves the exported line as it is
    assert (result.issued, result.exported_kept) == (0, 1)
    assert ClaimLine.objects.get().export == batch


def test_a_voided_line_is_issued_again_and_only_the_new_line_goes_out(issued, biller):
    first = export(biller)
    written = first.csv
    old = ClaimLine.objects.get()
    with pytest.raises(ValidationError):
        claim_line_void(line=old, user=biller, reason="  ")
    claim_line_void(line=old, user=biller, reason="Payer asked for a corrected claim.")
    assert build(biller).issued == 1
    new = ClaimLine.objects.exclude(pk=old.pk).get()
    assert (new.status, new.replaces) == ("issued", old)
    second = export(biller)
    assert second.line_count == 1 and list(second.lines.all()) == [new]
    first.refresh_from_db()
    assert first.csv == written  # the first file never changes
    assert ClaimExport.objects.count() == 2


# --- who -------------------------------------------------------------------------------------


def test_clinicians_and_intake_do_not_work_with_claim_lines(issued, clinician, intake):
    for user in (clinician, intake):
        with pytest.raises(PermissionDenied):
            build(user)


def test_a_supervisor_builds_only_their_programs(issued, supervisor, sud_program, biller):
    with pytest.raises(PermissionDenied):
        build(supervisor, program=sud_program)
    ClaimLine.objects.all().delete()
    assert build(supervisor).issued == 1


@pytest.mark.parametrize(
    "first,last,field",
    [
        (date(2026, 11, 10), date(2026, 11, 9), "last_date"),
        (date(2026, 11, 9), date(2026, 11, 10), "last_date"),  # tomorrow: the clock is the 9th
        (date(2026, 7, 1), date(2026, 11, 9), "last_date"),  # over 93 days
        (date(1999, 12, 31), date(2000, 1, 1), "first_date"),
    ],
)
def test_implausible_ranges_are_refused(issued, biller, first, last, field):
    with pytest.raises(ValidationError) as refused:
        claims_build(user=biller, first_date=first, last_date=last)
    assert field in refused.value.message_dict
