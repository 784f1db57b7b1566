from documents.views.pdfs import AftercarePdf, NotePdf, PlanPdf, SafetyPlanPdf

__all__ = ["AftercarePdf", "NotePdf", "PlanPdf", "SafetyPlanPdf"]
