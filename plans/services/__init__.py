"""Every write to treatment plans, reviews, safety and aftercare plans (keyword-only, atomic),
by subject: the plan editor, activation and revision, progress, reviews, safety plans,
aftercare and discharge. Each write takes the caller's `AuditContext` as `context`.

Versioned documents are changed only while they are drafts (NotADraftError otherwise), and an
edit that names the draft `revision` it started from is refused if someone saved in between
(StaleEditError), so nothing is silently overwritten.
"""

from plans.selectors import current_safety_plan, measure_progress, plan_of, safety_plan_needed
from plans.services.activation import plan_activate, plan_revise
from plans.services.discharge import (
    aftercare_save,
    close_plans_on_discharge,
    episode_discharge,
    require_aftercare,
)
from plans.services.editor import (
    goal_add,
    intervention_add,
    item_remove,
    item_update,
    objective_add,
    plan_start,
    plan_update,
    problem_add,
)
from plans.services.library import (
    can_maintain_library,
    library_entry_delete,
    library_entry_save,
)
from plans.services.progress import progress_record
from plans.services.reviews import (
    review_complete,
    review_draft_save,
    review_open,
    review_prefill,
    review_prefill_hooks,
)
from plans.services.safety import safety_plan_activate, safety_plan_start, safety_plan_update

__all__ = [
    "aftercare_save",
    "can_maintain_library",
    "close_plans_on_discharge",
    "current_safety_plan",
    "episode_discharge",
    "goal_add",
    "intervention_add",
    "item_remove",
    "item_update",
    "library_entry_delete",
    "library_entry_save",
    "measure_progress",
    "objective_add",
    "plan_activate",
    "plan_of",
    "plan_revise",
    "plan_start",
    "plan_update",
    "problem_add",
    "progress_record",
    "require_aftercare",
    "review_complete",
    "review_draft_save",
    "review_open",
    "review_prefill",
    "review_prefill_hooks",
    "safety_plan_activate",
    "safety_plan_needed",
    "safety_plan_start",
    "safety_plan_update",
]
