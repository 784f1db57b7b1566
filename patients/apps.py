from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients and intake"

    def ready(self):
        from iop.audit import markers
        from patients.access import emergency_audit_marks

        if emergency_audit_marks not in markers.detail_markers:
            markers.detail_markers.append(emergency_audit_marks)
