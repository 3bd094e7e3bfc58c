"""portfolio.frames.customers: imported text columns through the one loader."""

import pandas as pd
import pytest

from portfolio.frames import customers as frames
from tests.factories import CustomerFactory, DatasetFactory

pytestmark = pytest.mark.django_db


def test_an_imported_text_column_loads_by_its_name(team):
    dataset = DatasetFactory(organization=team.organization, extra_columns=["Region"])
    for name, extra in [
        ("A", {"Region": "North"}),
        ("B", {"Region": ""}),
        ("C", {}),
        ("D", {"Region": "East\x1fWest"}),  # the separator inside a text stays inside
    ]:
        CustomerFactory(dataset=dataset, name=name, extra=extra)
    frame = frames.load_customers(dataset, texts=["name", "extra:Region"])
    regions = dict(zip(frame["name"], frame["extra:Region"], strict=True))
    assert (regions["A"], regions["D"]) == ("North", "East West")
    assert pd.isna(regions["B"]) and pd.isna(regions["C"])  # blank or absent: missing
    with pytest.raises(frames.ColumnError):
        frames.load_customers(dataset, texts=["Region"])


def test_a_list_without_customers_loads_empty_columns_without_a_warning(team, recwarn):
    dataset = DatasetFactory(organization=team.organization, extra_columns=["Region"])
    frame = frames.load_customers(dataset, texts=["name", "extra:Region"])
    assert len(frame) == 0 and list(frame.columns)[-2:] == ["name", "extra:Region"]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
