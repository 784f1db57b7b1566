"""Marks an app adds to an event's `detail` by who acted on whose record.

`iop.audit` sits below the apps and imports none of them, so an app registers a callable
`(user, patient_id) -> str` here from its AppConfig.ready() (patients: "emergency access" while
a clinician holds break-the-glass access to the patient). `audit_record` and
`audit_record_patients` put the marks first, so the 300-character limit never cuts them off.
Each marker must cost a fixed number of queries per request.
"""

detail_markers = []


def marked_detail(detail, user, patient_id):
    marks = [mark for marker in detail_markers if (mark := marker(user, patient_id))]
    if not marks:
        return detail
    return "; ".join([*marks, detail] if detail else marks)
