"""django-tasks-db's `db_worker`, holding a lease while it runs (icp_site.background): tasks it
leaves RUNNING when it dies are found and recovered, and the sweep runs at its start."""

from django_tasks_db.management.commands import db_worker

from icp_site import background


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with a heartbeat lease and the background sweep)"

    def handle(self, *args, worker_id: str, **options):
        with background.lease(worker_id):
            background.worker_started(worker_id)
            super().handle(*args, worker_id=worker_id, **options)
