# Imports a finance team would trust (issue 18):
# - a dataset knows its currency (filled from its organisation's for existing datasets) and
#   keeps the summary of its import;
# - order lines keep their exact amounts (six decimals) so a customer's revenue is their exact
#   sum, rounded once;
# - customers' foreign keys are database constraints again, and customer IDs are unique per
#   dataset in the database too;
# - uploads are kept in pieces (ImportUploadPart) instead of one bytea value, carry a heartbeat
#   and a file kind, and may be in the state "reading" while the worker reads a workbook.

import django.db.models.deletion
from django.db import migrations, models


def dataset_currency_from_organization(apps, schema_editor):
    Dataset = apps.get_model("portfolio", "Dataset")
    for dataset in Dataset.objects.select_related("organization").filter(currency=""):
        dataset.currency = dataset.organization.currency
        dataset.save(update_fields=["currency"])


def content_into_parts(apps, schema_editor):
    ImportUpload = apps.get_model("portfolio", "ImportUpload")
    ImportUploadPart = apps.get_model("portfolio", "ImportUploadPart")
    for upload in ImportUpload.objects.exclude(content=b"").iterator(chunk_size=20):
        content = bytes(upload.content)
        if content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            upload.file_kind = "ods" if b"content.xml" in content[:4096] else "xlsx"
            if content.startswith(b"\xd0\xcf\x11\xe0"):
                upload.file_kind = "xls"
            upload.save(update_fields=["file_kind"])
        step = 8 << 20
        for number, start in enumerate(range(0, len(content), step)):
            ImportUploadPart.objects.create(
                upload=upload, kind="file", number=number, data=content[start : start + step]
            )
    # The parts' foreign keys are checked at commit; check them now, so the tables may be
    # altered later in this same migration.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def waiting_workbooks_read_again(apps, schema_editor):
    """Workbooks waiting for their mapping were sampled the old way: have them read again."""
    ImportUpload = apps.get_model("portfolio", "ImportUpload")
    waiting = ImportUpload.objects.exclude(file_kind="text").exclude(state="done")
    waiting.update(state="failed", message="read_failed", sample={})


def parts_into_content(apps, schema_editor):
    ImportUpload = apps.get_model("portfolio", "ImportUpload")
    ImportUploadPart = apps.get_model("portfolio", "ImportUploadPart")
    for upload in ImportUpload.objects.all().iterator(chunk_size=20):
        parts = ImportUploadPart.objects.filter(upload=upload, kind="file").order_by("number")
        upload.content = b"".join(bytes(part.data) for part in parts)
        upload.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("icp_site", "0003_organization_currency"),
        ("portfolio", "0009_customer_dataset_index_text_defaults"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="currency",
            field=models.CharField(blank=True, max_length=3, verbose_name="currency"),
        ),
        migrations.AddField(
            model_name="dataset",
            name="summary",
            field=models.JSONField(blank=True, default=dict, verbose_name="import summary"),
        ),
        migrations.RunPython(dataset_currency_from_organization, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="orderrow",
            name="amount",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=20, null=True, verbose_name="amount"
            ),
        ),
        migrations.AlterField(
            model_name="orderrow",
            name="profit",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=20, null=True, verbose_name="profit"
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="organization",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="icp_site.organization",
            ),
        ),
        migrations.AlterField(
            model_name="customer",
            name="dataset",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="customers",
                to="portfolio.dataset",
            ),
        ),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("dataset", "external_id"),
                name="customer_unique_external_id",
            ),
        ),
        migrations.AddField(
            model_name="importupload",
            name="file_kind",
            field=models.CharField(default="text", max_length=10, verbose_name="file kind"),
        ),
        migrations.AddField(
            model_name="importupload",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last sign of life"),
        ),
        migrations.AlterField(
            model_name="importupload",
            name="state",
            field=models.CharField(
                choices=[
                    ("reading", "Reading the file"),
                    ("uploaded", "Waiting for the column mapping"),
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("invalid", "Problems found"),
                    ("done", "Imported"),
                    ("failed", "Failed"),
                ],
                default="uploaded",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.CreateModel(
            name="ImportUploadPart",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("file", "File"), ("table", "Table")],
                        default="file",
                        max_length=5,
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "upload",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="parts",
                        to="portfolio.importupload",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("upload", "kind", "number"),
                        name="importuploadpart_unique_number",
                    )
                ],
            },
        ),
        migrations.RunPython(content_into_parts, parts_into_content),
        migrations.RunPython(waiting_workbooks_read_again, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importupload", name="content"),
    ]
