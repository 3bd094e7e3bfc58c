"""One import per upload, none stuck: a second submit starts nothing, an import whose process
died is failed by the sweep (then retried or discarded), every import ends with its result."""

import datetime as dt
import multiprocessing
import os
import signal
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portfolio.models import Customer, Dataset, ImportState, ImportUpload
from portfolio.uploads.services import import_upload_start, import_uploads_sweep
from tests.factories import ImportUploadFactory

CLEAN = "Customer ID,Company name,Revenue\n" + "".join(
    f"C-{number},Company {number},{number}.25\n" for number in range(2000)
)


def _uploaded(team, text=CLEAN) -> ImportUpload:
    file = SimpleUploadedFile("crm.csv", text.encode())
    response = team.client("leader").post(reverse("import_upload"), {"file": file})
    assert response.status_code == 302
    return ImportUpload.objects.get(file_name="crm.csv")


def _form(team, upload) -> dict:
    form = team.client("leader").get(reverse("import_mapping", args=[upload.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return {name: value for name, value in data.items() if value not in (False, None)}


@pytest.mark.django_db
def test_the_sweep_fails_reads_and_imports_without_a_heartbeat_for_two_minutes(team, settings):
    assert settings.IMPORT_STALE_SECONDS == 120
    now = timezone.now()
    ago = {name: now - dt.timedelta(seconds=s) for name, s in (("stale", 121), ("fresh", 30))}

    def upload(state, heartbeat):
        made = ImportUploadFactory(organization=team.organization, state=state)
        ImportUpload.objects.filter(pk=made.pk).update(heartbeat_at=heartbeat)
        return made.pk

    stale_import = upload(ImportState.RUNNING, ago["stale"])
    stale_read = upload(ImportState.READING, ago["stale"])
    alive = upload(ImportState.RUNNING, ago["fresh"])
    waiting = upload(ImportState.QUEUED, None)  # no worker has claimed it yet: not stopped
    assert import_uploads_sweep() == 2
    assert import_uploads_sweep() == 0  # safe to call again, and from anywhere
    states = dict(ImportUpload.objects.values_list("pk", "state"))
    assert states[stale_import] == states[stale_read] == ImportState.FAILED
    assert states[alive] == ImportState.RUNNING and states[waiting] == ImportState.QUEUED
    messages = dict(ImportUpload.objects.values_list("pk", "message"))
    assert (messages[stale_import], messages[stale_read]) == ("stopped", "read_stopped")


@pytest.mark.django_db
def test_a_stopped_import_says_so_and_offers_retry_and_discard(team):
    upload = ImportUploadFactory(organization=team.organization, state=ImportState.FAILED)
    ImportUpload.objects.filter(pk=upload.pk).update(message="stopped")
    page = team.client("leader").get(reverse("import_detail", args=[upload.pk]))
    assert "gave no sign of life for two minutes" in page.text
    assert reverse("import_retry", args=[upload.pk]) in page.text
    assert reverse("import_discard", args=[upload.pk]) in page.text
    customers = team.client("leader").get(reverse("customers"))
    assert reverse("import_discard", args=[upload.pk]) in customers.text


@pytest.mark.django_db
def test_only_a_failed_import_can_be_retried(team):
    upload = ImportUploadFactory(organization=team.organization, state=ImportState.RUNNING)
    response = team.client("leader").post(reverse("import_retry", args=[upload.pk]))
    assert response.status_code == 409


@pytest.mark.django_db
def test_starting_is_one_statement_that_only_one_caller_wins(team):
    upload = _uploaded(team)
    options = {"mapping": {"name": "Company name"}}
    assert import_upload_start(upload=upload, options=options) is True
    assert import_upload_start(upload=upload, options=options) is False
    assert ImportUpload.objects.get(pk=upload.pk).state == ImportState.QUEUED


@pytest.mark.django_db
def test_an_import_run_by_the_worker_ends_with_its_result_on_the_page(team, settings):
    settings.IMPORT_INLINE_BYTES = 0  # the worker's task (run at once by the tests' backend)
    upload = _uploaded(team)
    client = team.client("leader")
    response = client.post(reverse("import_mapping", args=[upload.pk]), _form(team, upload))
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("dataset_detail", args=[dataset.pk])
    page = client.get(response["Location"])
    assert "Import result" in page.text
    assert "Rows read</dt><dd>2,000" in page.text
    assert "Customers</dt><dd>2,000" in page.text
    assert "€1,999,500.00" in page.text  # the exact total of the file, in its currency
    assert "Every column of the file" in page.text


@pytest.mark.django_db(transaction=True)
def test_six_submits_at_once_start_one_import(team):
    upload = _uploaded(team)
    data = _form(team, upload)
    url = reverse("import_mapping", args=[upload.pk])
    user = team.leader.user
    barrier = threading.Barrier(6)
    answers = []

    def submit():
        client = Client()
        client.force_login(user)
        barrier.wait()
        answers.append(client.post(url, data)["Location"])
        connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    dataset = Dataset.objects.get()  # one, not six
    assert Customer.objects.filter(dataset=dataset).count() == 2000
    assert len(answers) == 6
    assert answers.count(reverse("dataset_detail", args=[dataset.pk])) >= 1
    assert set(answers) <= {
        reverse("dataset_detail", args=[dataset.pk]),
        reverse("import_detail", args=[upload.pk]),
    }


def _run_until_killed(upload_pk: int) -> None:
    """The worker: store the first rows of the import, then hang until killed."""
    # The parent's connection came along with the fork: leave it to the parent, open our own.
    # With the embedded server's connection pool, the pool came along too, without the threads
    # that hand out its connections: forget it (not close it: its sockets are the parent's).
    from django.db.backends.postgresql.base import DatabaseWrapper

    from portfolio.imports import pipeline
    from portfolio.uploads.running import import_upload_run

    DatabaseWrapper._connection_pools.clear()
    del connections["default"]

    real = pipeline.store_customers

    def store_then_hang(dataset, customers, *args):
        real(dataset, customers.head(500), *args)
        time.sleep(600)

    pipeline.store_customers = store_then_hang
    upload = ImportUpload.objects.select_related("organization", "uploaded_by").get(pk=upload_pk)
    import_upload_run(upload=upload)


# The worker is a fork of this process (with the test database's settings); it only talks to
# the database, so the threads it leaves behind do not matter.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_a_failed_import_that_a_retry_completes(team, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 0.2
    settings.IMPORT_STALE_SECONDS = 2
    upload = _uploaded(team)
    data = _form(team, upload)
    from portfolio.uploads.forms import MappingForm

    options = MappingForm.options_of(data)
    assert import_upload_start(upload=upload, options=options)
    worker = multiprocessing.get_context("fork").Process(target=_run_until_killed, args=[upload.pk])
    worker.start()
    try:
        for _ in range(300):
            state, phase = ImportUpload.objects.values_list("state", "phase").get(pk=upload.pk)
            if phase == "storing":
                break
            time.sleep(0.1)
        assert (state, phase) == (ImportState.RUNNING, "storing")
        time.sleep(0.5)  # rows are in the import's open transaction now
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.join()
    assert ImportUpload.objects.get(pk=upload.pk).state == ImportState.RUNNING
    # The worker's connection died with it: its transaction is rolled back, nothing is held.
    for _ in range(50):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND state = 'idle in transaction' AND query LIKE 'COPY%%'"
            )
            if not cursor.fetchone()[0]:
                break
        time.sleep(0.1)
    else:
        pytest.fail("the killed worker's transaction is still open")
    assert not Dataset.objects.exists() and not Customer.objects.exists()  # rolled back

    assert import_uploads_sweep() == 0  # its last heartbeat is still recent
    time.sleep(2.2)
    assert import_uploads_sweep() == 1
    stopped = ImportUpload.objects.get(pk=upload.pk)
    assert (stopped.state, stopped.message) == (ImportState.FAILED, "stopped")

    client = team.client("leader")
    response = client.post(reverse("import_retry", args=[upload.pk]))
    dataset = Dataset.objects.get()
    assert response["Location"] == reverse("dataset_detail", args=[dataset.pk])
    assert Customer.objects.filter(dataset=dataset).count() == 2000
    assert ImportUpload.objects.get(pk=upload.pk).state == ImportState.DONE


@pytest.mark.django_db
def test_the_workers_periodic_sweep_fails_an_import_whose_process_stopped(team):
    from icp_site import background

    stale = ImportUploadFactory(organization=team.organization, state=ImportState.RUNNING)
    ImportUpload.objects.filter(pk=stale.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    outcome = background.sweep()
    assert outcome["portfolio.uploads.services.import_uploads_sweep"] == 1
    assert ImportUpload.objects.get(pk=stale.pk).state == ImportState.FAILED
