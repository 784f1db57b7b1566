"""Marks an app adds to an event's `detail` by who acted on whose record.

`iop.audit` sits below the apps and imports none of them, so an app registers a callable
`(user, patient_ids) -> {patient id: mark}` here from its AppConfig.ready() (patients:
"emergency access" while a clinician holds break-the-glass access to the patient): asked once
for all the events of one write (a list's 200), so that what it asks of the user is asked
once. `audit_record` and `audit_record_patients` put the marks first, so the 300-character
limit never cuts them off. Each marker must cost a fixed number of queries per request.
"""

detail_markers = []


def marked_details(user, events):
    """`[(patient_id, detail)]` as `user`'s events record them: each detail with the marks of
    its patient first."""
    patient_ids = [patient_id for patient_id, _ in events]
    found = [marks for marker in detail_markers if (marks := marker(user, patient_ids))]
    if not found:
        return list(events)
    return [
        (patient_id, _marked(detail, [marks[patient_id] for marks in found if patient_id in marks]))
        for patient_id, detail in events
    ]


def marked_detail(detail, user, patient_id):
    return marked_details(user, [(patient_id, detail)])[0][1]


def _marked(detail, marks):
    if not marks:
        return detail
    return "; ".join([*marks, detail] if detail else marks)
