"""Claim lines a biller can use (issue 18, part 4): built from signed notes with the codes
`sessions.billing` suggests (`build`), held with reasons when the record does not support them,
exported as CSV batches that never change (`export`), voided and issued again, and a superbill
PDF per patient and month (`superbill`)."""
