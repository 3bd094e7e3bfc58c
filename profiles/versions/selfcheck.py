"""The profile checks itself: applied to the customer list with `evaluation.evaluate_frame`, does
it catch the best customers, keep them out of do-not, leave a small grey zone, and would it have
picked the customers won lately? Each warning says what to do.

Pure: criteria, a frame of customers and the best customers' ids in; figures and warnings out.
The draft of step 6 and every saved version are checked with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from icp_site.l10n import MONEY_ATTRIBUTES, format_percent, format_value
from profiles.versions.criteria import (
    FIT_SEGMENTS,
    OPERATOR_LABELS,
    Criterion,
    CriterionError,
    criteria_from_dicts,
)
from profiles.versions.evaluation import evaluate_frame, result_columns

BEST_DO_OR_DIE_MIN = 70.0  # % of the best customers the do-or-die segment should hold
GREY_ZONE_MAX = 60.0  # % of the customers the grey zone may hold
RECENT_DAYS = 365
NAMES_SHOWN = 3


@dataclass(frozen=True)
class SegmentShare:
    segment: str
    customers: int
    customer_share: float
    revenue_share: float
    best: int


@dataclass(frozen=True)
class Advice:
    code: str  # best_missed | best_excluded | grey_zone
    text: str  # what is wrong and what to do, in the reader's language


@dataclass(frozen=True)
class ProfileCheck:
    customers: int
    best_total: int
    best_do_or_die: int
    best_do_not: int
    grey: int  # customers in the neutral segment
    segments: tuple[SegmentShare, ...]
    recent_total: int | None  # customers won in the last 12 months; None without the column
    recent_do_or_die: int | None
    warnings: tuple[Advice, ...]

    @property
    def best_do_or_die_share(self) -> float | None:
        return self.best_do_or_die / self.best_total * 100 if self.best_total else None

    @property
    def best_do_not_share(self) -> float | None:
        return self.best_do_not / self.best_total * 100 if self.best_total else None

    @property
    def grey_share(self) -> float:
        return self.grey / self.customers * 100 if self.customers else 0.0

    @property
    def recent_share(self) -> float | None:
        if not self.recent_total:
            return None
        return self.recent_do_or_die / self.recent_total * 100


def criterion_text(
    criterion: Criterion, labels: Mapping[str, str], currency: str | None = None
) -> str:
    """“Employees between 50–200”: a criterion as a sentence names it (money in `currency`)."""
    label = labels.get(criterion.attribute, criterion.attribute)
    money = currency if criterion.attribute in MONEY_ATTRIBUTES else None
    value = format_value(
        criterion.json_value(), currency=money, between=criterion.operator == "between"
    )
    return f"{label} {OPERATOR_LABELS[criterion.operator]} {value}"


def _whole(number: float) -> int | float:
    return int(number) if number.is_integer() else number


def _where(criterion: Criterion, values: pd.Series | None, currency: str | None) -> str:
    """Where the missed best customers are: a range of numbers, or their commonest texts."""
    count = len(values) if values is not None else 0
    known = values.dropna() if values is not None else pd.Series(dtype=object)
    numbers = pd.to_numeric(known, errors="coerce").dropna()
    money = currency if criterion.attribute in MONEY_ATTRIBUTES else None
    if len(known) and len(numbers) == len(known):
        low, high = (_whole(float(x)) for x in (numbers.min(), numbers.max()))
        where = format_value([low, high] if low != high else low, currency=money, between=True)
        return ngettext(
            "%(count)s best customer is at %(values)s.",
            "%(count)s best customers are at %(values)s.",
            count,
        ) % {"count": count, "values": where}
    texts = ", ".join(known.astype(str).value_counts().index[:NAMES_SHOWN])
    return ngettext(
        "%(count)s best customer has %(values)s instead.",
        "%(count)s best customers have %(values)s instead.",
        count,
    ) % {"count": count, "values": texts or "—"}


def _best_missed(criteria, results, frame, best, segment, labels, currency) -> str:
    """Too few best customers are do-or-die: the criterion that misses most of them."""
    head = _("Only %(share)s of the best customers are do-or-die (aim for %(goal)s or more).") % {
        "share": format_percent(
            np.count_nonzero(best & (segment == "do-or-die")) / best.sum() * 100, digits=0
        ),
        "goal": format_percent(BEST_DO_OR_DIE_MIN, digits=0),
    }
    dod = [(c, r) for c, r in zip(criteria, results, strict=True) if c.segment == "do-or-die"]
    if not dod:
        advice = _("Add do-or-die criteria, or adopt one of the suggestions from the data.")
        return f"{head} {advice}"
    outside = best & (segment != "do-or-die")
    criterion, result = max(dod, key=lambda item: np.count_nonzero(outside & (item[1] == "missed")))
    missed = outside & (result == "missed")
    unknown = outside & (segment == "unknown")
    if np.count_nonzero(unknown) > np.count_nonzero(missed):
        advice = ngettext(
            "%(count)s best customer lacks what the criteria ask: fill in %(attributes)s in "
            "step 4.",
            "%(count)s best customers lack what the criteria ask: fill in %(attributes)s in "
            "step 4.",
            np.count_nonzero(unknown),
        ) % {
            "count": np.count_nonzero(unknown),
            "attributes": ", ".join(
                dict.fromkeys(labels.get(c.attribute, c.attribute) for c, _r in dod)
            ),
        }
        return f"{head} {advice}"
    values = frame[criterion.attribute][missed] if criterion.attribute in frame.columns else None
    advice = _("Loosen “%(criterion)s”: %(where)s") % {
        "criterion": criterion_text(criterion, labels, currency),
        "where": _where(criterion, values, currency),
    }
    return f"{head} {advice}"


def _best_excluded(criterion, met, frame, labels, currency) -> str:
    """A do-not criterion that excludes best customers: narrow or remove it."""
    names = frame["name"][met].astype(str).tolist() if "name" in frame.columns else []
    shown = ", ".join(names[:NAMES_SHOWN]) + (" …" if len(names) > NAMES_SHOWN else "")
    return ngettext(
        "Narrow or remove the do-not criterion “%(criterion)s”: it excludes %(count)s best "
        "customer (%(names)s).",
        "Narrow or remove the do-not criterion “%(criterion)s”: it excludes %(count)s best "
        "customers (%(names)s).",
        np.count_nonzero(met),
    ) % {
        "criterion": criterion_text(criterion, labels, currency),
        "count": np.count_nonzero(met),
        "names": shown,
    }


def _grey_zone(share: float, criteria) -> str:
    head = _("%(share)s of the customers are in the grey zone (aim for %(goal)s or less).") % {
        "share": format_percent(share, digits=0),
        "goal": format_percent(GREY_ZONE_MAX, digits=0),
    }
    if not any(c.segment == "do-not" for c in criteria):
        advice = _(
            "Define the do-not segment: the customers not to chase (see the suggestions from "
            "the data)."
        )
    else:
        advice = _("Add do-not criteria or sharpen the do-or-die ones, so fewer fall between.")
    return f"{head} {advice}"


def check_profile(
    items: Iterable[Mapping],
    frame: pd.DataFrame,
    *,
    best_ids: Iterable[int],
    today: dt.date,
    labels: Mapping[str, str] | None = None,
    currency: str | None = None,
) -> ProfileCheck | None:
    """Check criteria (stored form) against the customers of `frame` (id, name, revenue,
    customer_since and the attributes they read); None when the criteria cannot be read.
    `labels` name the attributes in the warnings, `currency` the money in them."""
    labels = labels or {}
    try:
        criteria = criteria_from_dicts(items)
    except CriterionError:
        return None
    evaluated = evaluate_frame(criteria, frame)
    segment = evaluated["segment"].astype(str).to_numpy()
    results = [evaluated[name].astype(str).to_numpy() for name in result_columns(criteria)]
    revenue = pd.to_numeric(frame.get("revenue"), errors="coerce")
    revenue = np.nan_to_num(np.asarray(revenue, dtype=float)) if revenue is not None else None
    if revenue is None:
        revenue = np.zeros(len(frame))
    best = frame["id"].isin(set(best_ids)).to_numpy() if len(frame) else np.zeros(0, bool)
    total, total_revenue = len(frame), revenue.sum()
    segments = tuple(
        SegmentShare(
            segment=name,
            customers=int(np.count_nonzero(segment == name)),
            customer_share=np.count_nonzero(segment == name) / total * 100 if total else 0.0,
            revenue_share=float(revenue[segment == name].sum() / total_revenue * 100)
            if total_revenue
            else 0.0,
            best=int(np.count_nonzero(best & (segment == name))),
        )
        for name in FIT_SEGMENTS
    )
    check = ProfileCheck(
        customers=total,
        best_total=int(best.sum()),
        best_do_or_die=int(np.count_nonzero(best & (segment == "do-or-die"))),
        best_do_not=int(np.count_nonzero(best & (segment == "do-not"))),
        grey=int(np.count_nonzero(segment == "neutral")),
        segments=segments,
        recent_total=None,
        recent_do_or_die=None,
        warnings=(),
    )
    since = frame.get("customer_since")
    if since is not None and since.notna().any():
        dates = pd.to_datetime(since, errors="coerce")
        recent = (dates >= pd.Timestamp(today - dt.timedelta(days=RECENT_DAYS))).to_numpy()
        check = replace(
            check,
            recent_total=int(recent.sum()),
            recent_do_or_die=int(np.count_nonzero(recent & (segment == "do-or-die"))),
        )
    warnings = []
    if check.best_total and check.best_do_or_die_share < BEST_DO_OR_DIE_MIN:
        text = _best_missed(criteria, results, frame, best, segment, labels, currency)
        warnings.append(Advice("best_missed", text))
    for criterion, result in zip(criteria, results, strict=True):
        met = best & (result == "met")
        if criterion.segment == "do-not" and met.any():
            warnings.append(
                Advice("best_excluded", _best_excluded(criterion, met, frame, labels, currency))
            )
    if criteria and check.grey_share > GREY_ZONE_MAX:
        warnings.append(Advice("grey_zone", _grey_zone(check.grey_share, criteria)))
    return replace(check, warnings=tuple(warnings))
