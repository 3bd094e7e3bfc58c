"""Writes of datasets after the import: re-aggregation over another period, deletion."""

from django.db import connection, models, transaction

from portfolio.frames import snapshot
from portfolio.imports.orders import PERIOD_RX, aggregate_orders
from portfolio.models import Customer, Dataset, DatasetKind, OrderRow


def dataset_reaggregate(*, dataset: Dataset, period: str) -> Dataset:
    """Recompute an order-level dataset's customer figures over another period."""
    if dataset.kind != DatasetKind.ORDERS:
        raise ValueError("only order-level datasets can be re-aggregated")
    if not PERIOD_RX.match(period):
        raise ValueError(f"unknown period {period!r}")
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        aggregate_orders(dataset, period, has_profit=bool(dataset.mapping.get("profit")))
        dataset.period = period
        dataset.revision += 1
        dataset.save(update_fields=["period", "revision"])
        snapshot.write_on_commit(dataset)  # the new revision's columns; the old ones go
    return dataset


def dataset_is_deletable(dataset: Dataset) -> bool:
    """Whether no saved profile version refers to the dataset."""
    for relation in dataset._meta.related_objects:
        names = {relation.name, relation.get_accessor_name()}
        if names & set(PROTECTING_RELATIONS):
            related = relation.related_model._default_manager
            if related.filter(**{relation.field.name: dataset}).exists():
                return False
    return True


class DatasetInUse(Exception):
    """A saved profile refers to the dataset."""


def dataset_delete(*, dataset: Dataset) -> None:
    """Delete a dataset with its customers and order rows, unless a profile refers to it."""
    with transaction.atomic():
        if not dataset_is_deletable(dataset):
            raise DatasetInUse(dataset.pk)
        customers = Customer.objects.filter(dataset=dataset)
        _release_customers(customers)
        # Plain DELETEs: Django's cascade would load every customer (a million) into memory
        # because other apps' rows point at customers with SET_NULL.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM portfolio_orderrow WHERE dataset_id = %s", [dataset.pk])
            cursor.execute("DELETE FROM portfolio_customer WHERE dataset_id = %s", [dataset.pk])
        dataset.delete()


def _release_customers(customers) -> None:
    """Apply the on_delete rule of every other model's foreign key to these customers."""
    relations = [
        field
        for field in Customer._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and field.one_to_many
    ]
    for relation in relations:  # hidden ones too (related_name="+")
        if relation.related_model is OrderRow:
            continue
        field = relation.field.name
        related = relation.related_model._base_manager.filter(**{f"{field}__in": customers})
        if relation.on_delete is models.SET_NULL:
            related.update(**{field: None})
        elif relation.on_delete is models.CASCADE:
            related.delete()
        elif relation.on_delete is not models.DO_NOTHING and related.exists():
            raise DatasetInUse(customers.first().dataset_id)


# Reverse relations whose rows keep a dataset alive: saved profile versions. The profiles
# app adds its model with one of these related names; nothing else protects a dataset
# (workshops let go of it: their foreign key is SET_NULL).
PROTECTING_RELATIONS = ("profile_versions", "profileversion", "profileversion_set")
