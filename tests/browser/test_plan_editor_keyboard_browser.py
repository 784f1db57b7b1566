"""The plan editor without a mouse: a clinician adds a problem (filled in from the program's
library), a goal in the client's words, an objective and an intervention, then edits one in
place, with Tab, Enter and typing only; and, with the mouse, an inline edit and a library pick."""

import pytest
from playwright.sync_api import expect

from plans import services
from plans.models import Goal, Intervention, Objective, Problem
from tests.browser.test_intake_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FOCUSED_NAME = """() => {
  const e = document.activeElement;
  if (!e) { return ""; }
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (e.getAttribute("aria-label") || label || e.innerText || "").trim();
}"""


def tab_to(page, name, limit=80):
    """Press Tab until the focused element is named `name` (its label, aria-label or text)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME)
        if focused.startswith(name):
            return
        seen.append(focused[:40])
    raise AssertionError(f"Tab never reached {name!r}; passed {seen}")


@pytest.fixture
def library(program, admin_user_role):
    def add(kind, text, **extra):
        data = {"program": program, "kind": kind, "text": text, **extra}
        return services.library_entry_save(user=admin_user_role, data=data)

    return {
        "problem": add("problem", "Depressed mood and withdrawal from usual activities"),
        "goal": add("goal", "I want to get back to an activity I enjoy"),
        "intervention": add(
            "intervention", "Behavioural activation", modality="cbt", frequency="3 groups a week"
        ),
    }


def test_the_plan_editor_by_keyboard_alone(page, live_server, admit, clinician, password, library):
    episode = admit(clinician=clinician, last_name="Hale")
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/plan/")
    tab_to(page, "Start the treatment plan")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Treatment plan, version 1 Draft")).to_be_visible()

    # A problem, filled in from the library and edited.
    tab_to(page, "+ Add problem")
    page.keyboard.press("Enter")
    picker = page.get_by_label("From the Adult Mental Health IOP library")
    expect(picker).to_be_focused()
    page.keyboard.type("Depressed")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Fill in from the library
    description = page.get_by_test_id("item-form").get_by_label("Description")
    expect(description).to_be_focused()
    expect(description).to_have_value("Depressed mood and withdrawal from usual activities")
    page.keyboard.press("End")
    page.keyboard.type(", since losing work")
    tab_to(page, "Save problem")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("problem")).to_contain_text("since losing work")

    # A goal in the client's own words.
    tab_to(page, "+ Add goal")
    page.keyboard.press("Enter")
    expect(picker).to_be_focused()
    tab_to(page, "Goal, in the client's words")
    page.keyboard.type("Get back to my choir")
    tab_to(page, "Save goal")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("goal")).to_contain_text("“Get back to my choir”")

    # An objective with its target date typed.
    tab_to(page, "+ Add objective")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("item-form").get_by_label("Description")).to_be_focused()
    page.keyboard.type("Attend choir practice weekly")
    tab_to(page, "Target date")
    page.keyboard.type("02152027")
    tab_to(page, "Save objective")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("objective")).to_contain_text("Attend choir practice weekly")

    # An intervention from the library, its staff chosen by typing.
    tab_to(page, "+ Add intervention")
    page.keyboard.press("Enter")
    expect(picker).to_be_focused()
    page.keyboard.type("CBT")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("picked")).to_be_visible()
    tab_to(page, "Responsible staff")
    page.keyboard.type("Casey")
    tab_to(page, "Save intervention")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("intervention")).to_contain_text("CBT, 3 groups a week")

    # Edit the intervention in place: Enter in a text field saves.
    tab_to(page, "Edit intervention")
    page.keyboard.press("Enter")
    expect(page.get_by_role("form", name="Edit intervention")).to_be_visible()
    expect(picker).to_be_focused()
    tab_to(page, "Frequency")
    page.keyboard.press("Control+A")
    page.keyboard.type("2 groups a week")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("intervention")).to_contain_text("CBT, 2 groups a week")

    problem = Problem.objects.get()
    assert problem.description.endswith("since losing work")
    assert Goal.objects.get().client_words == "Get back to my choir"
    assert str(Objective.objects.get().target_date) == "2027-02-15"
    intervention = Intervention.objects.get()
    assert (intervention.frequency, intervention.responsible) == ("2 groups a week", clinician)


def test_inline_edit_and_library_pick(
    page, live_server, episode, make_plan, clinician, password, library
):
    plan = make_plan(episode)
    sign_in(page, live_server, "clinician", password)
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")

    # Edit the goal in place; Cancel brings the row back unchanged.
    goal = page.get_by_test_id("goal")
    goal.get_by_role("link", name="Edit goal").click()
    form = page.get_by_role("form", name="Edit goal")
    expect(form).to_be_visible()
    form.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("form", name="Edit goal")).to_have_count(0)

    goal.get_by_role("link", name="Edit goal").click()
    form = page.get_by_role("form", name="Edit goal")
    form.get_by_label("From the Adult Mental Health IOP library").select_option(
        label="I want to get back to an activity I enjoy"
    )
    form.get_by_role("button", name="Fill in from the library").click()
    form = page.get_by_role("form", name="Edit goal")
    words = form.get_by_label("Goal, in the client's words")
    expect(words).to_have_value("I want to get back to an activity I enjoy")
    form.get_by_role("button", name="Save goal").click()
    expect(form.get_by_text("This is the library's wording.")).to_be_visible()
    words.fill("I want to get back to swimming with my daughter")
    form.get_by_role("button", name="Save goal").click()
    expect(page.get_by_test_id("goal")).to_contain_text(
        "“I want to get back to swimming with my daughter”"
    )
    expect(page.get_by_role("form", name="Edit goal")).to_have_count(0)

    # Someone else saves meanwhile: the edit is refused with who and when, the text kept.
    objective = Objective.objects.get()
    page.get_by_test_id("objective").get_by_role("link", name="Edit objective").click()
    form = page.get_by_role("form", name="Edit objective")
    services.item_update(item=objective, data={"description": "Casey's change"}, user=clinician)
    form.get_by_label("Description").fill("My change")
    form.get_by_role("button", name="Save objective").click()
    expect(form.get_by_text("Casey Morgan saved this draft at")).to_be_visible()
    expect(form.get_by_label("Description")).to_have_value("My change")
    expect(form.get_by_test_id("saved-now")).to_contain_text("Casey's change")
    form.get_by_role("button", name="Save objective").click()  # knowingly, again
    expect(page.get_by_role("form", name="Edit objective")).to_have_count(0)
    expect(page.get_by_test_id("objective")).to_contain_text("My change")
    objective.refresh_from_db()
    assert objective.description == "My change"
