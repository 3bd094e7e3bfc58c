"""Saved scoring models: writes, and the score of a saved model over a customer frame.

``scoring_model_scores(scoring_model, frame)`` is the one way to score customers with a saved
model; the analysis pages use it and workshop step 3 can rank a group's customers by it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portfolio.analysis.scoring import (
    ScoreBands,
    ScoreParameter,
    ScoringError,
    ValueScore,
    validate_parameters,
    value_score,
)
from portfolio.models import ScoringModel


def scoring_model_parameters(
    scoring_model: ScoringModel,
) -> tuple[tuple[ScoreParameter, ...], ScoreBands]:
    """The model's parameters and bands as the scoring functions take them (ScoringError if bad)."""
    try:
        parameters = tuple(
            ScoreParameter(
                column=str(p["column"]),
                weight=float(p["weight"]),
                higher_is_better=bool(p.get("higher_is_better", True)),
            )
            for p in scoring_model.parameters
        )
        bands = ScoreBands(**{k: float(v) for k, v in (scoring_model.bands or {}).items()})
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ScoringError):
            raise
        raise ScoringError(
            _("The saved scoring model “%(name)s” is damaged.") % {"name": scoring_model.name}
        ) from exc
    return validate_parameters(parameters), bands


def scoring_model_columns(scoring_model: ScoringModel) -> list[str]:
    """The frame columns a model needs (its parameters, plus revenue for breaking ties)."""
    columns = [str(p.get("column", "")) for p in scoring_model.parameters]
    return list(dict.fromkeys([*columns, "revenue"]))


def scoring_model_scores(
    scoring_model: ScoringModel, frame: pd.DataFrame, *, today: dt.date | None = None
) -> ValueScore:
    """Score the customers of ``frame`` with a saved model (rank 1 = best; see value_score).

    ``frame`` needs an ``id`` column and the columns of ``scoring_model_columns``; load it with
    ``portfolio.frames.customers.load_customers(dataset, numbers=scoring_model_columns(model))``.
    """
    parameters, bands = scoring_model_parameters(scoring_model)
    return value_score(frame, parameters, bands=bands, today=today)


def _as_json(
    parameters: Sequence[ScoreParameter], bands: ScoreBands
) -> tuple[list[dict], dict[str, float]]:
    params = [
        {"column": p.column, "weight": float(p.weight), "higher_is_better": p.higher_is_better}
        for p in parameters
    ]
    limits = {"intensify": bands.intensify, "maintain": bands.maintain}
    limits["minimal_care"] = bands.minimal_care
    return params, {k: float(v) for k, v in limits.items()}


def scoring_model_save(
    *,
    organization,
    user,
    name: str,
    parameters: Sequence[ScoreParameter],
    bands: ScoreBands,
) -> ScoringModel:
    """Save parameters and bands under a name; a model of the same name is replaced."""
    name = name.strip()
    if not name:
        raise ScoringError(_("Give the scoring model a name."))
    for p in parameters:
        if not p.weight > 0:
            raise ScoringError(
                _("The weight of “%(column)s” must be above zero.") % {"column": p.column}
            )
    params, limits = _as_json(validate_parameters(parameters), bands)
    with transaction.atomic():
        model = (
            ScoringModel.objects.for_organization(organization)
            .select_for_update()
            .filter(name=name)
            .first()
        )
        if model is None:
            model = ScoringModel(organization=organization, name=name, created_by=user)
        model.parameters, model.bands = params, limits
        try:
            with transaction.atomic():
                model.save()
        except IntegrityError as exc:  # saved under the same name a moment ago
            raise ScoringError(
                _("A scoring model called “%(name)s” was just saved; try again.") % {"name": name}
            ) from exc
    return model


def scoring_model_delete(*, scoring_model: ScoringModel) -> None:
    """Delete a saved scoring model."""
    scoring_model.delete()
