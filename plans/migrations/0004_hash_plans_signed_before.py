"""Plans signed before content hashes existed get theirs now, so that every signed plan has a
hash and `verify_signatures` treats a blank one as a mismatch."""

from django.db import migrations

from plans.signatures import plan_hash, safety_plan_hash


def hash_signed(apps, schema_editor):
    for name, compute in (("TreatmentPlan", plan_hash), ("SafetyPlan", safety_plan_hash)):
        model = apps.get_model("plans", name)
        for plan in model.objects.exclude(signed_at=None).filter(content_hash=""):
            model.objects.filter(pk=plan.pk).update(content_hash=compute(plan))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_signed_content_hash"),
    ]

    operations = [migrations.RunPython(hash_signed, migrations.RunPython.noop)]
