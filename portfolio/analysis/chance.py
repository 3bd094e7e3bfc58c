"""Chance, for the subgroup search (portfolio.analysis.subgroups): how likely a subgroup
catches as many targets as it does by luck (hypergeometric, one-sided), and how many
conjunctions a search could have returned (what a Bonferroni correction divides by).
Pure Python and numpy."""

from __future__ import annotations

import math

import numpy as np


def _log_choose(n: float, k: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


CHUNK = 4096  # terms of a tail summed at a time


def _ratio(population: int, targets: int, size: int, k):
    """pmf(k + 1) / pmf(k) of the hypergeometric distribution."""
    return (targets - k) * (size - k) / ((k + 1) * (population - targets - size + k + 1))


def hypergeometric_tail(population: int, targets: int, size: int, caught: int) -> float:
    """P(X >= caught) when `size` of `population` rows, `targets` of them targets, are drawn
    at random: the chance that a subgroup this size catches this many targets by luck."""
    low, high = max(0, size - (population - targets)), min(size, targets)
    if caught <= low:
        return 1.0
    if caught > high:
        return 0.0
    first = (
        _log_choose(targets, caught)
        + _log_choose(population - targets, size - caught)
        - _log_choose(population, size)
    )
    # Each term from the one before it, relative to the first, summed as log-sum-exp. The
    # ratios fall with k: once below 1 the terms only shrink, and the sum stops when they are
    # e^-40 under the largest (what is left cannot reach 1e-15 of the total).
    peak, total, start, level = 0.0, 0.0, caught, 0.0
    while start <= high:
        k = np.arange(start, min(start + CHUNK, high + 1), dtype=float)
        logs = level + np.concatenate(
            [[0.0], np.cumsum(np.log(_ratio(population, targets, size, k[:-1])))]
        )
        top = max(peak, float(logs.max()))
        total = total * math.exp(peak - top) + float(np.exp(logs - top).sum())
        peak, start = top, int(k[-1]) + 1
        if start > high:
            break
        ratio = _ratio(population, targets, size, k[-1])
        level = float(logs[-1]) + math.log(ratio)
        if ratio < 1 and level < peak - 40:
            break
    return float(min(1.0, math.exp(first + peak) * total))


def richer(rows: int, targets: int, level: float):
    """A test of whether `caught` of `size` rows are significantly more targets than the
    `targets` of `rows` make likely (hypergeometric, one-sided, at `level`)."""

    def test(size: int, caught: int) -> bool:
        if caught <= size * targets / rows:
            return False
        # The tail is at least its first term and at most that term over 1 - the ratio of
        # the next to it (the ratios fall): most values are decided without the whole sum.
        first = math.exp(
            _log_choose(targets, caught)
            + _log_choose(rows - targets, size - caught)
            - _log_choose(rows, size)
        )
        if first > level:
            return False
        ratio = (
            (targets - caught)
            * (size - caught)
            / ((caught + 1) * (rows - targets - size + caught + 1))
        )
        if ratio < 1 and first / (1 - ratio) <= level:
            return True
        return hypergeometric_tail(rows, targets, size, caught) <= level

    return test


def search_space(families: list[int], max_conditions: int) -> list[int]:
    """How many conjunctions of 1, 2, ... conditions on different attributes there are, when
    each attribute offers `families[i]` conditions (elementary symmetric sums)."""
    sums = [1] + [0] * max_conditions
    for family in families:
        for k in range(max_conditions, 0, -1):
            sums[k] += sums[k - 1] * family
    return sums[1:]
