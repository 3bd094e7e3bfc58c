"""Migration 0010 keeps what is in flight: uploads' files move into pieces, datasets get their
organisation's currency, workbooks waiting for their mapping are read again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("portfolio", "0009_customer_dataset_index_text_defaults")]
AFTER = [("portfolio", "0010_imports_finance_grade")]
SHELL = [("icp_site", "0003_organization_currency")]


@pytest.mark.django_db(transaction=True)
def test_uploads_datasets_and_workbooks_come_through_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE + SHELL).apps
    Organization = old.get_model("icp_site", "Organization")
    Dataset = old.get_model("portfolio", "Dataset")
    ImportUpload = old.get_model("portfolio", "ImportUpload")
    organization = Organization.objects.create(name="Old", slug="old", currency="SEK")
    dataset = Dataset.objects.create(organization=organization, name="old.csv")
    text = ImportUpload.objects.create(
        organization=organization, file_name="a.csv", content=b"Name\nA\n", state="uploaded"
    )
    workbook = ImportUpload.objects.create(
        organization=organization,
        file_name="b.xlsx",
        content=b"PK\x03\x04 not really",
        state="uploaded",
        sample={"requested": "", "pending": True},
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER + SHELL).apps
    assert new.get_model("portfolio", "Dataset").objects.get(pk=dataset.pk).currency == "SEK"
    Part = new.get_model("portfolio", "ImportUploadPart")
    assert bytes(Part.objects.get(upload_id=text.pk).data) == b"Name\nA\n"
    moved = new.get_model("portfolio", "ImportUpload").objects.get(pk=workbook.pk)
    assert (moved.file_kind, moved.state, moved.message) == ("xlsx", "failed", "read_failed")
