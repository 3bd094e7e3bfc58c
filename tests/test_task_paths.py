"""Tasks queued before the rooms moved still find their function after the migration."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

MIGRATION = "profiles.migrations.0005_queued_tasks_follow_moved_modules"
OLD_PATHS = ["profiles.tasks.send_review_reminder", "portfolio.tasks.import_upload"]


def _task(path: str, status: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("old_path", OLD_PATHS)
def test_a_queued_task_of_a_moved_module_points_to_its_new_home(old_path):
    waiting = _task(old_path, "READY")
    finished = _task(old_path, "SUCCESSFUL")
    module = importlib.import_module(MIGRATION)
    module.rename(apps, None)
    waiting.refresh_from_db()
    finished.refresh_from_db()
    assert import_string(waiting.task_path).name == old_path.rsplit(".", 1)[1]
    assert finished.task_path == old_path  # history stays as it happened
    module.rename_back(apps, None)
    waiting.refresh_from_db()
    assert waiting.task_path == old_path
