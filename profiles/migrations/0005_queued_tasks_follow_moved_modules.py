"""Queued tasks keep working after their modules moved (profiles.tasks -> profiles.reviews.tasks,
portfolio.tasks -> portfolio.uploads.tasks): a task row names its function by dotted path."""

from django.db import migrations

MOVED = {
    "profiles.tasks.": "profiles.reviews.tasks.",
    "portfolio.tasks.": "portfolio.uploads.tasks.",
}
UNFINISHED = ("READY", "RUNNING")


def rename(apps, schema_editor, moves=MOVED):
    tasks = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in moves.items():
        for task in tasks.objects.filter(task_path__startswith=old, status__in=UNFINISHED):
            task.task_path = new + task.task_path.removeprefix(old)
            task.save(update_fields=["task_path"])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0004_saved_fit_checks"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
