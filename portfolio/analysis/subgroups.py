"""Subgroup discovery: readable conditions that pick out a target group of rows (the best
customers, or the customers not to chase) far more often than the whole frame holds it.

`find_subgroups` beam-searches conjunctions of 1 to 3 conditions on different attributes (value
sets and ranges of adjacent bins: portfolio.analysis.conditions); `find_conditions` finds the
best single condition per attribute. A conjunction selects a row as a profile's do-or-die
criteria do: no condition missed and at least `min_known_share` of them known (an unknown value
is never a miss). Everything returned is measured on the conditions as written, so its figures
are what the criteria give.

Quality: recall minus the share of the frame selected, in percentage points (weighted relative
accuracy divided by the target's share): every point of the target caught counts as much as
every point of the frame spared. A subgroup is dropped when its lift is below `min_lift`, it
catches fewer than `min_caught` targets, or chance explains it: its one-sided hypergeometric
p-value must be below `alpha` divided by the number of conjunctions of its length the search
could have returned, times `max_conditions` (Bonferroni), so a frame without a pattern gives
nothing. A condition stays in a conjunction only if the conjunction without it selects
significantly fewer targets per row (`alpha` over the conditions its attribute offered).
Pure numpy and pandas; imports nothing of the project but its sibling module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from portfolio.analysis.chance import hypergeometric_tail, richer, search_space
from portfolio.analysis.conditions import Attribute, Condition, choices, condition, encode, met

MAX_CONDITIONS = 3
BEAM_WIDTH = 8
MIN_LIFT = 1.2
MIN_CAUGHT = 3
ALPHA = 0.05
LIMIT = 5
SAME = 0.9  # a subgroup on the same attributes overlapping a better one this much adds nothing


@dataclass(frozen=True)
class Subgroup:
    """Conditions and what they select: targets caught, rows, revenue, chance."""

    conditions: tuple[Condition, ...]
    caught: int  # targets selected
    targets: int  # targets in the frame
    size: int  # rows selected
    population: int  # rows in the frame
    revenue_share: float  # % of the weights (revenue) the selected rows hold
    others: int  # rows of the `others` group selected (best customers a do-not would exclude)
    p_value: float

    @property
    def recall(self) -> float:
        return self.caught / self.targets * 100 if self.targets else 0.0

    @property
    def precision(self) -> float:
        return self.caught / self.size * 100 if self.size else 0.0

    @property
    def lift(self) -> float:
        base = self.targets / self.population if self.population else 0.0
        return self.precision / 100 / base if base else 0.0

    @property
    def quality(self) -> float:
        """Recall minus the share of the frame selected, in percentage points."""
        return self.recall - (self.size / self.population * 100 if self.population else 0.0)


@dataclass(frozen=True)
class Search:
    subgroups: tuple[Subgroup, ...]
    space: int  # conjunctions the search could have returned (the correction's count)
    thresholds: tuple[float, ...]  # the significance level for 1, 2, ... conditions


# --------------------------------------------------------------------------- the search


@dataclass(eq=False)
class _Node:
    picks: tuple  # ((attribute index, selection), ...)
    rows: np.ndarray | None = None  # rows no condition misses (None: every row)
    known: np.ndarray | None = None  # conditions known, per row of `rows`


class _Context:
    """The encoded frame, the target and the figures every subgroup is measured against."""

    def __init__(self, frame, target, attributes, weights, others, share, alpha, encoded=None):
        self.attributes: list[Attribute] = (
            encode(frame, attributes) if encoded is None else list(encoded)
        )
        self.by_name = {a.name: a for a in self.attributes}
        self.target = np.asarray(target, dtype=bool)
        self.target8 = self.target.astype(np.int16)
        self.rows = len(self.target)
        self.targets = int(np.count_nonzero(self.target))
        self.p0 = self.targets / self.rows if self.rows else 0.0
        weights = np.zeros(self.rows) if weights is None else np.asarray(weights, dtype=float)
        self.weights = np.nan_to_num(weights)
        self.total_weight = float(self.weights.sum())
        self.others = np.zeros(self.rows, bool) if others is None else np.asarray(others, bool)
        self.share = share
        self.alpha = alpha
        self._met: dict[Condition, tuple[np.ndarray, np.ndarray]] = {}

    def need(self, conditions: int) -> int:
        return max(1, math.ceil(conditions * self.share))

    def expand(self, node: _Node, min_lift: float):
        """(score, picks) of every refinement of `node` by one condition worth trying."""
        need = self.need(len(node.picks) + 1)
        # Per row 0..3: target or not, plus 2 when the row knows too little to be selected
        # with this attribute unknown ("weak"); rows that cannot be selected at all are out.
        if node.rows is None:
            rows, flags = None, self.target.astype(np.intp) + 2
        else:
            able = node.known + 1 >= need
            rows, known = node.rows[able], node.known[able]
            flags = self.target[rows].astype(np.intp) + 2 * (known < need)
        used = {index for index, _ in node.picks}
        found = []
        for index, attribute in enumerate(self.attributes):
            if index in used:
                continue
            codes = attribute.codes if rows is None else attribute.codes[rows]
            slots = attribute.width + 1  # code + 1: 0 is unknown
            counts = np.bincount((codes + 1) * 4 + flags, minlength=4 * slots).reshape(slots, 4)
            counts[0, 2:] = 0  # unknown and weak: not selected
            n, b = counts.sum(axis=1), counts[:, 1] + counts[:, 3]
            base_n, base_b = int(n[0]), int(b[0])  # unknown, selected whatever is chosen
            n, b = n[1:], b[1:]
            # A value must hold significantly more targets than its context.
            significant = richer(int(n.sum()), int(b.sum()), self.alpha / attribute.width)
            for selection in choices(attribute, n, b, self.p0, min_lift, significant=significant):
                part = (
                    list(selection)
                    if isinstance(selection, frozenset)
                    else slice(selection[0], selection[1] + 1)
                )
                caught, size = base_b + b[part].sum(), base_n + n[part].sum()
                score = caught / self.targets - size / self.rows
                found.append((score, (*node.picks, (index, selection))))
        return found

    def child(self, node: _Node, picks) -> _Node:
        index, selection = picks[-1]
        attribute = self.attributes[index]
        codes = attribute.codes if node.rows is None else attribute.codes[node.rows]
        if attribute.numbers is None:
            table = np.zeros(attribute.width + 1, dtype=bool)
            table[list(selection)] = True
            hit = table[codes]
        else:
            hit = (codes >= selection[0]) & (codes <= selection[1])
        keep = hit | (codes < 0)
        rows = np.flatnonzero(keep) if node.rows is None else node.rows[keep]
        known = (codes[keep] >= 0).astype(np.int8)
        if node.known is not None:
            known += node.known[keep]
        return _Node(picks, rows, known)

    def conditions(self, picks) -> tuple[Condition, ...]:
        ordered = sorted(picks, key=lambda pick: pick[0])
        return tuple(condition(self.attributes[i], selection) for i, selection in ordered)

    def selected(self, conditions: tuple[Condition, ...]) -> np.ndarray:
        """The rows the conditions select, exactly as written (see the module docstring)."""
        missed = np.zeros(self.rows, dtype=bool)
        known = np.zeros(self.rows, dtype=np.int8)
        for item in conditions:
            if item not in self._met:
                self._met[item] = met(self.by_name[item.attribute], item)
            hit, knows = self._met[item]
            missed |= knows & ~hit
            known += knows
        return ~missed & (known >= self.need(len(conditions)))

    def subgroup(self, conditions, mask) -> Subgroup:
        """The figures of what `mask` selects, revenue aside (see `held`)."""
        size, caught = int(np.count_nonzero(mask)), int(np.count_nonzero(mask & self.target))
        return Subgroup(
            conditions=conditions,
            caught=caught,
            targets=self.targets,
            size=size,
            population=self.rows,
            revenue_share=0.0,
            others=int(np.count_nonzero(mask & self.others)),
            p_value=hypergeometric_tail(self.rows, self.targets, size, caught),
        )

    def held(self, subgroup: Subgroup, mask) -> Subgroup:
        """The subgroup with the share of the weights (revenue) it holds."""
        total = self.total_weight
        share = float(self.weights[mask].sum() / total * 100) if total else 0.0
        return replace(subgroup, revenue_share=share)

    def simplest(self, conditions: tuple[Condition, ...], alpha: float):
        """The conditions without those the rest do as well without (see the module
        docstring), and the rows they select."""
        mask = self.selected(conditions)
        dropped = True
        while dropped and len(conditions) > 1:
            dropped = False
            for i, item in enumerate(conditions):
                fewer = conditions[:i] + conditions[i + 1 :]
                wider = self.selected(fewer) | mask
                level = alpha / self.by_name[item.attribute].family
                test = richer(
                    int(np.count_nonzero(wider)), int(np.count_nonzero(wider & self.target)), level
                )
                if not test(int(np.count_nonzero(mask)), int(np.count_nonzero(mask & self.target))):
                    conditions, mask, dropped = fewer, self.selected(fewer), True
                    break
        return conditions, mask


def _keep(context: _Context, found, thresholds, limit, min_lift, min_caught) -> list[Subgroup]:
    """The best `limit` of (conditions, mask) that pass the filters, without repeats."""
    ranked, seen = [], set()
    for conditions, mask in found:
        if frozenset(conditions) in seen:
            continue
        seen.add(frozenset(conditions))
        subgroup = context.subgroup(conditions, mask)
        if (
            subgroup.lift >= min_lift
            and subgroup.caught >= min_caught
            and subgroup.p_value <= thresholds[len(conditions) - 1]
        ):
            ranked.append((subgroup, mask))
    ranked.sort(key=lambda item: (-item[0].quality, len(item[0].conditions)))
    kept: list[tuple[Subgroup, np.ndarray]] = []
    for subgroup, mask in ranked:
        if not any(_repeats(subgroup, mask, *other) for other in kept):
            kept.append((subgroup, mask))
            if len(kept) == limit:
                break
    return [context.held(subgroup, mask) for subgroup, mask in kept[:limit]]


def _repeats(subgroup: Subgroup, mask, other: Subgroup, other_mask) -> bool:
    if np.array_equal(mask, other_mask):
        return True
    names = {c.attribute for c in subgroup.conditions}
    if names != {c.attribute for c in other.conditions}:
        return False
    union = np.count_nonzero(mask | other_mask)
    return union > 0 and np.count_nonzero(mask & other_mask) / union >= SAME


def find_subgroups(
    frame: pd.DataFrame,
    target,
    *,
    attributes,
    weights=None,
    max_conditions: int = MAX_CONDITIONS,
    beam_width: int = BEAM_WIDTH,
    limit: int = LIMIT,
    min_lift: float = MIN_LIFT,
    min_caught: int = MIN_CAUGHT,
    alpha: float = ALPHA,
    min_known_share: float = 0.5,
    encoded: list[Attribute] | None = None,
) -> Search:
    """Conjunctions of 1 to `max_conditions` conditions on `attributes` that select the rows
    where `target` is true, best first (see the module docstring); `weights` (revenue) for the
    share each holds; `encoded`: the attributes already encoded for these rows (the caller
    searching several row sets of one frame encodes once)."""
    context = _Context(frame, target, attributes, weights, None, min_known_share, alpha, encoded)
    space = search_space([a.family for a in context.attributes], max_conditions)
    thresholds = tuple(alpha / max_conditions / max(count, 1) for count in space)
    if not 0 < context.targets < context.rows:
        return Search((), sum(space), thresholds)
    beam, found = [_Node(())], []
    for _level in range(max_conditions):
        options: dict[frozenset, tuple] = {}
        for node in beam:
            for score, picks in context.expand(node, min_lift):
                key = frozenset(picks)
                if key not in options or options[key][0] < score:
                    options[key] = (score, node, picks)
        best = sorted(options.values(), key=lambda option: -option[0])[:beam_width]
        beam = [context.child(node, picks) for _, node, picks in best]
        found += [context.simplest(context.conditions(node.picks), alpha) for node in beam]
    kept = _keep(context, found, thresholds, limit, min_lift, min_caught)
    return Search(tuple(kept), sum(space), thresholds)


def find_conditions(
    frame: pd.DataFrame,
    target,
    *,
    attributes,
    weights=None,
    others=None,
    limit: int = LIMIT,
    min_lift: float = MIN_LIFT,
    min_caught: int = MIN_CAUGHT,
    alpha: float = ALPHA,
    encoded: list[Attribute] | None = None,
) -> Search:
    """The best single condition per attribute that selects the rows where `target` is true,
    best first; `others` counts the rows of another group each would select as well."""
    context = _Context(frame, target, attributes, weights, others, 1.0, alpha, encoded)
    space = sum(a.family for a in context.attributes)
    thresholds = (alpha / max(space, 1),)
    if not 0 < context.targets < context.rows:
        return Search((), space, thresholds)
    found = []
    for _score, picks in sorted(context.expand(_Node(()), min_lift), key=lambda o: -o[0]):
        conditions = context.conditions(picks)
        found.append((conditions, context.selected(conditions)))
    best: dict[str, Subgroup] = {}
    for subgroup in _keep(context, found, thresholds, len(found), min_lift, min_caught):
        best.setdefault(subgroup.conditions[0].attribute, subgroup)
    return Search(tuple(best.values())[:limit], space, thresholds)
