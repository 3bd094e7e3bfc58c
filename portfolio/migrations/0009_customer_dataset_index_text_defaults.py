# The list reads one dataset's rows through an index on dataset_id alone, which COPY keeps up
# to date for a third of what (dataset_id, name) cost; optional text columns get a database
# default of '' so COPY can leave out the ones a file does not have.

from django.db import migrations, models

TEXT_FIELDS = {
    "contract_type": ("contract type", 100),
    "country": ("country", 100),
    "customer_type": ("customer type", 20),
    "external_id": ("customer id", 120),
    "growth": ("growth", 200),
    "industry": ("industry", 200),
    "market_position": ("market position", 200),
    "owner": ("owner", 200),
}


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0008_importupload_sample"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["dataset"], name="customer_dataset"),
        ),
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_dataset_name",
        ),
        *(
            migrations.AlterField(
                model_name="customer",
                name=name,
                field=models.CharField(
                    blank=True,
                    db_default="",
                    default="",
                    max_length=max_length,
                    verbose_name=verbose_name,
                ),
            )
            for name, (verbose_name, max_length) in TEXT_FIELDS.items()
        ),
    ]
