"""What the chart's Plan tab reads: the current plan (active, and the draft being written),
discharged episodes' last plans, reviews a page at a time, what its buttons say and the shown
plan's tree. A fixed number of queries whatever the record, each a shape (`iop.shapes`), read
in two round trips on PostgreSQL (`iop.together`): the plans, the reviews' page and the
buttons' facts, then the tree of the plan shown."""

from django.db.models import Exists, OuterRef, Subquery
from django.utils.functional import SimpleLazyObject

from iop.paging import CountedPagePaginator, counted_rows
from iop.shapes import shape
from iop.together import no_read, rows_of, run_together
from patients.models import Episode, Patient
from plans.models import PlanReview, SafetyPlan, TreatmentPlan
from plans.selectors import discharged_episodes, read_plan_tree_decorated

REVIEWS_PER_PAGE = 10


def plan_tab(patient, *, episode, episodes, reviews_page):
    """The Plan tab's context of `patient`, given the chart header's `episode` (the current
    one) and `episodes` (all of them); `reviews_page` is the reviews' page number as the query
    string gave it."""

    def review_rows(start, size):
        return _review_rows(patient.pk, start, size)

    # The list itself is read only for a page number past the end.
    all_reviews = SimpleLazyObject(lambda: _reviews_of(patient.pk))
    reviews = CountedPagePaginator(all_reviews, REVIEWS_PER_PAGE, rows=review_rows)
    current, page, facts = run_together(
        rows_of(_current_plans(episode.pk)) if episode else no_read([]),
        reviews.read_page(reviews_page),
        _read_page_facts(patient.pk),
    )
    for plan in current:  # the header's episode, not joined again
        plan.episode = episode
    active = next((p for p in current if p.status == TreatmentPlan.Status.ACTIVE), None)
    # After discharge the episode's last plan, closed, stays readable (with its signer).
    past = discharged_episodes(patient, episodes=episodes)
    closed = None
    if episode is not None and episode.status == Episode.Status.DISCHARGED and past:
        closed = past[0]["plan"] if past[0]["episode"].pk == episode.pk else None
    trees = run_together(*(read_plan_tree_decorated(plan) for plan in (active, closed) if plan))
    return {
        "has_versions": facts["has_versions"],
        "active": active,
        "draft": next((p for p in current if p.status == TreatmentPlan.Status.DRAFT), None),
        "closed": closed,
        "closed_problems": trees[-1] if closed else [],
        "discharged": past,
        "problems": trees[0] if active else [],
        "reviews": list(page),
        "reviews_page": page,
        "open_review": facts["open_review"],
        "safety_version": facts["safety_version"],
        "can_start": episode is not None and episode.status == Episode.Status.ACTIVE,
    }


@shape
def _current_plans(episode_id):
    """The episode's active and draft plans, newest first, with their signer."""
    return (
        TreatmentPlan.objects.filter(
            episode=episode_id,
            status__in=[TreatmentPlan.Status.ACTIVE, TreatmentPlan.Status.DRAFT],
        )
        .select_related("signed_by")
        .order_by("-version")
    )


def _reviews_of(patient_id):
    return (
        PlanReview.objects.filter(patient=patient_id)
        .select_related("completed_by")
        .order_by("-due_date", "-pk")
    )


@shape(key=("start", "size"))
def _review_rows(patient_id, start, size):
    return counted_rows(_reviews_of(patient_id), start, size)


def _read_page_facts(patient_id):
    """What the page's buttons say, in one query (a reader): the open review (`pk`,
    `due_date`) or None, the active safety plan's version or None, and whether the patient
    has any treatment plan version."""
    (rows,) = yield (_page_facts(patient_id),)
    facts = rows[0]
    review = facts["review_pk"] and {"pk": facts["review_pk"], "due_date": facts["review_due"]}
    return {
        "open_review": review or None,
        "safety_version": facts["safety_version"],
        "has_versions": facts["has_versions"],
    }


@shape
def _page_facts(patient_id):
    open_reviews = PlanReview.objects.filter(
        patient=OuterRef("pk"), status=PlanReview.Status.OPEN
    ).order_by("-due_date", "-pk")
    safety = SafetyPlan.objects.filter(patient=OuterRef("pk")).active().order_by("-version")
    return Patient.objects.filter(pk=patient_id).values(
        review_pk=Subquery(open_reviews.values("pk")[:1]),
        review_due=Subquery(open_reviews.values("due_date")[:1]),
        safety_version=Subquery(safety.values("version")[:1]),
        has_versions=Exists(TreatmentPlan.objects.filter(patient=OuterRef("pk"))),
    )
