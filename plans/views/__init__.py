"""Plan pages, by subject: the plan and a version, the editor, history and compare, reviews,
the safety plan, discharge. Clinical pages: supervisors and the patient's care team; everyone
else gets 404.

Views are thin: every write is a `plans.services` call. A refused save (a signed version, a
stale editor, invalid input) re-renders the form with what the user typed and the reason.
"""

from plans.views.discharge import Discharge
from plans.views.editor import ItemAdd, ItemRemove, PlanEditor, ProgressAdd
from plans.views.history import PlanCompare, PlanHistory
from plans.views.items import ItemEdit
from plans.views.library import LibraryEntryPage, LibraryIndex, LibraryPage
from plans.views.plan import (
    PatientPlan,
    PlanChartMixin,
    PlanDetail,
    PlanObjectMixin,
    PlanRevise,
    PlanSign,
    PlanStart,
)
from plans.views.reviews import ReviewAutosave, ReviewDetail, ReviewOpen
from plans.views.safety import SafetyPlanEdit, SafetyPlanPage

__all__ = [
    "Discharge",
    "ItemAdd",
    "ItemEdit",
    "LibraryEntryPage",
    "LibraryIndex",
    "LibraryPage",
    "ItemRemove",
    "PatientPlan",
    "PlanChartMixin",
    "PlanCompare",
    "PlanDetail",
    "PlanEditor",
    "PlanHistory",
    "PlanObjectMixin",
    "PlanRevise",
    "PlanSign",
    "PlanStart",
    "ProgressAdd",
    "ReviewAutosave",
    "ReviewDetail",
    "ReviewOpen",
    "SafetyPlanEdit",
    "SafetyPlanPage",
]
