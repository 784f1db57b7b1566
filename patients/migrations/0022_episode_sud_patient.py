from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0021_episode_program_patient"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(
                condition=models.Q(("is_sud", True)),
                fields=["patient"],
                name="episode_sud_patient",
            ),
        ),
    ]
