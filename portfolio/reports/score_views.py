"""The value-score page and the saved scoring models."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, leader_required, member_required
from portfolio.analysis.scoring import ScoringError
from portfolio.charts import reports as portfolio_charts
from portfolio.charts import summaries
from portfolio.frames import customers as frames
from portfolio.models import ScoringModel
from portfolio.reports import results as services
from portfolio.reports import scoring_models
from portfolio.reports.forms import (
    ScoreForm,
    ScoringModelSaveForm,
    saved_model_choice,
    saved_scoring_models,
)
from portfolio.reports.org_settings import chosen_scoring_model
from portfolio.reports.pages import base_context, dataset_and_choices, paginate, show
from portfolio.reports.scoring_models import scoring_model_parameters


def _score_form(request, dataset, columns, models):
    """The score form, starting from a saved model (``?model=``) or the default parameters."""
    model = None
    if request.GET.get("model"):
        model = saved_model_choice(models, request.GET["model"])
        if model is None:
            raise Http404
    if model is not None:
        try:
            parameters, bands = scoring_model_parameters(model)
        except ScoringError:
            parameters, bands = (), None
        return ScoreForm(request.GET, columns=columns, defaults=parameters, bands=bands), model
    defaults = services.default_parameters(columns, dataset)
    return ScoreForm(request.GET, columns=columns, defaults=defaults), None


@require_GET
@member_required
@vary_on_headers("HX-Request")
def scores(request: MemberRequest):
    dataset, datasets = dataset_and_choices(request)
    models = saved_scoring_models(request.organization)
    columns = frames.numeric_columns(dataset)
    form, model = _score_form(request, dataset, columns, models) if dataset else (None, None)
    context = base_context(request, dataset, datasets, form, "scores")
    context |= {
        "models": _model_rows(models, columns),
        "loaded": model,
        "chosen_model": chosen_scoring_model(request.organization),
    }
    if form is not None and form.is_valid():
        context |= _score_results(dataset, form, columns)
    return show(request, "portfolio/analysis/scores.html", context)


def _model_rows(models, columns) -> list[tuple[ScoringModel, str]]:
    """Each saved model with its parameters in words ("Revenue × 2, Margin % × 1 ↓")."""
    rows = []
    for model in models:
        parts = [
            "{} × {:g}{}".format(
                columns.get(p.get("column"), p.get("column")),
                float(p.get("weight", 0)),
                "" if p.get("higher_is_better", True) else " ↓",
            )
            for p in model.parameters
        ]
        rows.append((model, ", ".join(parts)))
    return rows


def _score_results(dataset, form, columns) -> dict:
    data = form.cleaned_data
    score, frame = services.score_page(
        dataset,
        parameters=data["parameters"],
        bands=data["bands"],
        active_on=frames.active_date(data["include_former"]),
    )
    page, rows = paginate(score.scores, data.get("page"))
    names = frames.customer_names(dataset, [r["id"] for r in rows])
    position = frame.set_index("id")
    params = data["parameters"]
    for row in rows:
        row["name"] = names.get(row["id"])
        row["band_label"] = services.BAND_LABELS[row["band"]]
        row["values"] = [position.at[row["id"], p.column] for p in params]
    missing_rows = score.missing.head(20).to_dict("records")
    missing_names = frames.customer_names(dataset, [r["id"] for r in missing_rows])
    for row in missing_rows:
        row["name"] = missing_names.get(row["id"])
        row["missing"] = ", ".join(columns.get(c, c) for c in row["missing"].split(", "))
    total = sum(p.weight for p in params)
    return {
        "score": score,
        "page": page,
        "rows": rows,
        "parameter_labels": [columns.get(p.column, p.column) for p in params],
        # The weights as the team set them, each with its share of the score.
        "weights": [
            (columns.get(p.column, p.column), p.weight, p.weight / total * 100, p.higher_is_better)
            for p in params
        ],
        "weight_total": total,
        "bands": [
            (services.BAND_LABELS[b], int(score.band_counts[b]), limit)
            for b, limit in zip(score.band_counts.index, [*data["bands"].limits, 0], strict=True)
        ],
        "missing_counts": [
            (columns.get(c, c), int(n)) for c, n in score.missing_counts.items() if n
        ],
        "missing_rows": missing_rows,
        "save_fields": form.query(dataset=dataset.pk),
        "chart": portfolio_charts.band_chart(score.band_counts, services.BAND_LABELS),
        "summary": summaries.bands(score.band_counts, services.BAND_LABELS),
    }


@require_POST
@leader_required
def scoring_model_save(request: MemberRequest):
    dataset, datasets = dataset_and_choices(request)
    if dataset is None:
        raise Http404
    columns = frames.numeric_columns(dataset)
    form = ScoringModelSaveForm(request.POST, columns=columns)
    if form.is_valid():
        try:
            model = scoring_models.scoring_model_save(
                organization=request.organization,
                user=request.user,
                name=form.cleaned_data["name"],
                parameters=form.cleaned_data["parameters"],
                bands=form.cleaned_data["bands"],
            )
        except ScoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Scoring model “%(name)s” saved.") % {"name": model.name})
            query = urlencode({"dataset": dataset.pk, "model": model.pk})
            return redirect(f"{reverse('analysis_scores')}?{query}")
    context = base_context(request, dataset, datasets, form, "scores")
    context["models"] = _model_rows(saved_scoring_models(request.organization), columns)
    return render(request, "portfolio/analysis/scores.html", context, status=400)


@require_POST
@leader_required
def scoring_model_delete(request: MemberRequest, pk: int):
    model = get_object_or_404(ScoringModel.objects.for_organization(request.organization), pk=pk)
    scoring_models.scoring_model_delete(scoring_model=model)
    messages.success(request, _("Scoring model “%(name)s” deleted.") % {"name": model.name})
    query = urlencode({"dataset": request.POST["dataset"]}) if "dataset" in request.POST else ""
    return redirect(f"{reverse('analysis_scores')}?{query}")
