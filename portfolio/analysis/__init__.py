"""Portfolio analysis for the Target Customer Profile method: steps 1-3 and ABC here, the value
score (`scoring`), the four customer types (`types`), portfolios per rep and segments
(`segments`). Imports nothing of the project.

Plain functions over pandas DataFrames that return small frozen dataclasses; no ORM, request or
template code. A customer frame may lack any column; missing values are reported, never guessed.

Conventions:
- Thresholds ``(t1, t2)``: small is ``metric <= t1``, medium ``t1 < metric <= t2``, large
  ``metric > t2``. The method's example (1-5 / 6-20 / 21+ seats) is therefore ``(5, 20)``.
- Percent shares in tables are rounded to one decimal with the largest-remainder method, so they
  add up to exactly 100.0 (in tenths: exactly 1000) whenever the total is positive.
- Dataclasses use ``eq=False`` because comparing DataFrame fields with ``==`` is ambiguous.

Modules: ``sizes`` (steps 1-2), ``ranking`` (step 3), ``abc`` (ABC analysis), ``common``;
``subgroups`` (the search behind the criteria suggested from the data), with ``conditions``
(value sets, readable ranges) and ``targets`` (active customers, the customers not to chase).
"""

from portfolio.analysis.abc import ABC_CLASSES, AbcResult, abc_classes, pareto
from portfolio.analysis.common import SelectionError, ThresholdError, percent_shares
from portfolio.analysis.ranking import (
    GOALS,
    BestCustomers,
    Goal,
    default_n,
    lifetime_days,
    pareto_n,
    rank_best,
)
from portfolio.analysis.sizes import (
    GROUP_LETTERS,
    GROUPS,
    METHOD_THRESHOLDS,
    MainStream,
    Preset,
    SizeGroups,
    group_by_size,
    main_stream,
    members,
    preset_thresholds,
)

__all__ = [
    "ABC_CLASSES",
    "GOALS",
    "GROUP_LETTERS",
    "GROUPS",
    "METHOD_THRESHOLDS",
    "AbcResult",
    "BestCustomers",
    "Goal",
    "MainStream",
    "Preset",
    "SelectionError",
    "SizeGroups",
    "ThresholdError",
    "abc_classes",
    "default_n",
    "group_by_size",
    "lifetime_days",
    "main_stream",
    "members",
    "pareto",
    "pareto_n",
    "percent_shares",
    "preset_thresholds",
    "rank_best",
]
