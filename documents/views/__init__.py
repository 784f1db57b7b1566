from documents.views.pdfs import AftercarePdf, NotePdf, PlanPdf, SafetyPlanPdf
from documents.views.summary import DischargeSummaryPage, DischargeSummaryPdf

__all__ = [
    "AftercarePdf",
    "DischargeSummaryPage",
    "DischargeSummaryPdf",
    "NotePdf",
    "PlanPdf",
    "SafetyPlanPdf",
]
