"""The profile's columns: numbers that cannot be negative are refused wherever they are typed
(a cell of steps 4-5, step 6, the fit check), with the same rule as the import's."""

import pytest
from django.core.exceptions import ValidationError

from profiles.versions import traits


def _column(key):
    return next(c for c in (*traits.COMPANY_COLUMNS, *traits.BUYER_COLUMNS) if c.key == key)


@pytest.mark.parametrize("key", ["employees", "age"])
def test_a_negative_count_is_refused_and_zero_is_kept(key):
    with pytest.raises(ValidationError, match="Enter 0 or more"):
        traits.clean_value(_column(key), "-5")
    assert traits.clean_value(_column(key), "0") == 0


def test_growth_may_be_negative():
    assert traits.minimum("growth_percent") is None  # a shrinking customer: -5 %
    assert traits.minimum("employees") == 0
    assert traits.minimum("revenue") == 0
