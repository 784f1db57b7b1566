"""The claim lines API: billing staff and supervisors only; build, list, void and export with
the pages' rules; bad input is a 400 with field errors."""

from billing.claim_models import ClaimExport, ClaimLine
from sessions import services as ss
from tests.billing import claim_world
from tests.billing.claim_world import sign

# The shared fixtures (pytest finds them as this module's attributes).
biller, monday, payer = claim_world.biller, claim_world.monday, claim_world.payer

LINES, EXPORTS = "/api/v1/claim-lines/", "/api/v1/claim-exports/"
RANGE = {"first_date": "2026-11-09", "last_date": "2026-11-09"}


def signed_day(monday, clinician):
    day = monday()
    ss.attendance_mark(session=day.group, episode=day.ames, status="present", user=clinician)
    sign(day.group, clinician, [day.ames.patient_id])
    return day


def test_build_list_void_and_export(api_client, monday, clinician, biller):
    day = signed_day(monday, clinician)
    api_client.force_authenticate(biller)
    built = api_client.post(f"{LINES}build/", RANGE, format="json")
    assert built.status_code == 200 and built.json() == {"issued": 1, "held": 0, "exported_kept": 0}
    rows = api_client.get(LINES, {"status": "issued"}).json()["results"]
    assert [(r["code"], r["patient"], r["authorization_reference"]) for r in rows] == [
        ("90853", day.ames.patient_id, "AUTH-1")
    ]
    assert "Part for" not in str(rows)  # no note text in a line
    exported = api_client.post(EXPORTS, RANGE, format="json")
    assert exported.status_code == 201 and exported.json()["line_count"] == 1
    again = api_client.post(EXPORTS, RANGE, format="json")
    assert again.status_code == 400
    line = ClaimLine.objects.get()
    refused = api_client.post(f"{LINES}{line.pk}/void/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    voided = api_client.post(f"{LINES}{line.pk}/void/", {"reason": "Wrong code."}, format="json")
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    assert ClaimExport.objects.count() == 1


def test_bad_ranges_and_filters_are_400s(api_client, monday, clinician, biller):
    signed_day(monday, clinician)
    api_client.force_authenticate(biller)
    reversed_range = {"first_date": "2026-11-09", "last_date": "2026-11-01"}
    answer = api_client.post(f"{LINES}build/", reversed_range, format="json")
    assert answer.status_code == 400 and "last_date" in answer.json()
    assert (
        api_client.post(f"{LINES}build/", {"first_date": "soon"}, format="json").status_code == 400
    )
    assert api_client.get(LINES, {"first_date": "yesterday"}).status_code == 400


def test_clinicians_and_intake_get_403(api_client, monday, clinician, intake):
    signed_day(monday, clinician)
    for user in (clinician, intake):
        api_client.force_authenticate(user)
        assert api_client.get(LINES).status_code == 403
        assert api_client.post(f"{LINES}build/", RANGE, format="json").status_code == 403
        assert api_client.get(EXPORTS).status_code == 403
