"""The database guarantees what the import checks (foreign keys, one customer per ID and
dataset), and uploads as big as a million-row CSV go in, in pieces."""

import pytest
from django.conf import settings as project_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from portfolio.models import Customer, ImportUpload, ImportUploadPart
from portfolio.uploads.storage import PART_BYTES, chunks_of
from tests.factories import DatasetFactory

pytestmark = pytest.mark.django_db


def _constraints(table: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [table],
        )
        return set(cursor.fetchall())


def test_customers_have_their_foreign_keys_and_a_unique_id_per_dataset():
    found = _constraints("portfolio_customer")
    keys = {definition for kind, definition in found if kind == "f"}
    assert any("(organization_id) REFERENCES icp_site_organization(id)" in d for d in keys)
    assert any("(dataset_id) REFERENCES portfolio_dataset(id)" in d for d in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'customer_unique_external_id'"
        )
        (definition,) = cursor.fetchone()
    assert "UNIQUE" in definition and "(dataset_id, external_id)" in definition
    assert "WHERE (NOT ((external_id)::text = ''::text))" in definition


def test_the_database_refuses_a_second_customer_with_the_same_id_in_a_dataset():
    dataset = DatasetFactory()
    make = {"organization": dataset.organization, "dataset": dataset}
    Customer.objects.create(name="A", external_id="C-1", **make)
    Customer.objects.create(name="B", external_id="", **make)
    Customer.objects.create(name="C", external_id="", **make)  # no ID: any number of them
    Customer.objects.create(name="D", external_id="C-1", **{**make, "dataset": DatasetFactory()})
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="E", external_id="C-1", **make)


def test_the_database_refuses_a_customer_of_a_dataset_that_does_not_exist():
    dataset = DatasetFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portfolio_customer (organization_id, dataset_id, name, extra) "
            "VALUES (%s, %s, 'Ghost', '{}')",
            [dataset.organization_id, dataset.pk + 1000],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_default_upload_limit_takes_a_million_row_csv():
    assert project_settings.IMPORT_MAX_BYTES >= 256 * 1024 * 1024


def test_an_upload_is_kept_in_pieces_never_as_one_value(team, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django streams it to a temporary file
    row = b"C-0000001,Company 0000001 AB,1234.56,12\n"
    content = b"Customer ID,Company name,Revenue,Seats\n" + row * (20 * 1024 * 1024 // len(row))
    file = SimpleUploadedFile("big.csv", content)
    response = team.client("leader").post(reverse("import_upload"), {"file": file})
    assert response.status_code == 302
    upload = ImportUpload.objects.get()
    sizes = [len(part.data) for part in ImportUploadPart.objects.filter(upload=upload)]
    assert len(sizes) == 3 and max(sizes) == PART_BYTES
    assert upload.size == len(content)
    assert b"".join(chunks_of(upload)) == content
    # The mapping page has its sample already: the first megabyte's rows, not the file.
    assert upload.sample["complete"] is False and len(upload.sample["rows"]) == 2000
