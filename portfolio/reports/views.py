"""Analysis pages of a dataset: ABC, value score, four customer types, reps, segments.

Every page answers GET (its options are in the query string, so a result has a URL), renders
its ``#results`` partial alone for htmx, and offers each list as CSV and XLSX.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, leader_required, member_required
from icp_site.models import Role
from portfolio.analysis.scoring import ScoringError
from portfolio.analysis.segments import TYPES
from portfolio.charts import reports as portfolio_charts
from portfolio.frames import customers as frames
from portfolio.models import Dataset, ScoringModel
from portfolio.reports import exports
from portfolio.reports import results as services
from portfolio.reports import scoring_models as scoring_services
from portfolio.reports.forms import (
    EXPORT_FORMATS,
    SEGMENTS,
    AbcForm,
    RepsForm,
    ScoreForm,
    ScoringModelSaveForm,
    SegmentsForm,
    TypesForm,
    saved_model_choice,
    scoring_models,
    types_options,
)
from portfolio.reports.scoring_models import scoring_model_parameters

PER_PAGE = 50


def _dataset(request: MemberRequest) -> tuple[Dataset | None, object]:
    """The chosen dataset of the member's organisation (404 if not theirs), else the latest."""
    datasets = Dataset.objects.for_organization(request.organization)
    chosen = request.GET.get("dataset") or request.POST.get("dataset") or ""
    if chosen:
        if not chosen.isdigit():
            raise Http404
        return get_object_or_404(datasets, pk=chosen), datasets
    return datasets.first(), datasets


def _page(frame, number, per_page: int = PER_PAGE):
    """One page of a DataFrame's rows: the Paginator page and its rows as dicts."""
    page = Paginator(frame, per_page).get_page(number)
    return page, page.object_list.to_dict("records")


def _show(request, template: str, context: dict) -> HttpResponse:
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _base(request, dataset, datasets, form, tab: str) -> dict:
    query = form.query(dataset=dataset.pk) if dataset and form else {}
    return {
        "dataset": dataset,
        "datasets": datasets,
        "form": form,
        "tab": tab,
        "query": urlencode(query),
        "formats": EXPORT_FORMATS,
        "can_edit": request.membership.has_role(Role.LEADER),
    }


@require_GET
@member_required
@vary_on_headers("HX-Request")
def abc(request: MemberRequest):
    dataset, datasets = _dataset(request)
    columns = frames.numeric_columns(dataset)
    form = AbcForm(request.GET, columns=columns) if dataset else None
    context = _base(request, dataset, datasets, form, "abc")
    if form is not None and form.is_valid():
        context |= _abc_results(dataset, form.cleaned_data, columns)
    return _show(request, "portfolio/analysis/abc.html", context)


def _abc_results(dataset, data, columns) -> dict:
    result = services.abc_page(
        dataset,
        value=data["value"],
        thresholds=(data["a_limit"], data["b_limit"]),
        size_metric=data["size_metric"],
        size_thresholds=(data["small_max"], data["medium_max"]),
    )
    page, rows = _page(result.abc.frame, data.get("page"))
    start = (page.number - 1) * PER_PAGE
    groups = result.groups[start : start + len(rows)]
    drawn = result.abc.frame["id"].to_numpy()[portfolio_charts.abc_sample(result.abc)]
    names = frames.customer_names(dataset, [*drawn.tolist(), *(r["id"] for r in rows)])
    labels = {**services.GROUP_LABELS, "none": services.NONE_LABEL}
    for row, group in zip(rows, groups, strict=True):
        row["name"] = names.get(row["id"])
        row["group"] = labels[("small", "medium", "large", "none")[group]]
    value_label = frames.column_label(data["value"])
    return {
        "result": result,
        "page": page,
        "rows": rows,
        "value_label": value_label,
        # Revenue and contribution are money; seats or orders are plain counts.
        "value_is_money": data["value"] in ("revenue", "contribution", "company_revenue"),
        "classes": result.abc.table.reset_index().to_dict("records"),
        "cross": [
            {"label": label, "cells": list(zip(counts, values, strict=True))}
            for label, counts, values in zip(
                [*result.abc.table.index, services.NONE_LABEL],
                result.cross.to_numpy().tolist(),
                result.cross_value.to_numpy().tolist(),
                strict=True,
            )
        ],
        "group_labels": [*services.GROUP_LABELS.values(), services.NONE_LABEL],
        "size_label": frames.column_label(data["size_metric"]),
        "chart": portfolio_charts.abc_figure(result.abc, value_label, names),
    }


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
    defaults = services.default_parameters(columns)
    return ScoreForm(request.GET, columns=columns, defaults=defaults), None


@require_GET
@member_required
@vary_on_headers("HX-Request")
def scores(request: MemberRequest):
    dataset, datasets = _dataset(request)
    models = scoring_models(request.organization)
    columns = frames.numeric_columns(dataset)
    form, model = _score_form(request, dataset, columns, models) if dataset else (None, None)
    context = _base(request, dataset, datasets, form, "scores")
    context |= {"models": _model_rows(models, columns), "loaded": model}
    if form is not None and form.is_valid():
        context |= _score_results(dataset, form, columns)
    return _show(request, "portfolio/analysis/scores.html", context)


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
    score, frame = services.score_page(dataset, parameters=data["parameters"], bands=data["bands"])
    page, rows = _page(score.scores, data.get("page"))
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
    return {
        "score": score,
        "page": page,
        "rows": rows,
        "parameter_labels": [columns.get(p.column, p.column) for p in params],
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
    }


@require_POST
@leader_required
def scoring_model_save(request: MemberRequest):
    dataset, datasets = _dataset(request)
    if dataset is None:
        raise Http404
    columns = frames.numeric_columns(dataset)
    form = ScoringModelSaveForm(request.POST, columns=columns)
    if form.is_valid():
        try:
            model = scoring_services.scoring_model_save(
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
    context = _base(request, dataset, datasets, form, "scores")
    context["models"] = _model_rows(scoring_models(request.organization), columns)
    return render(request, "portfolio/analysis/scores.html", context, status=400)


@require_POST
@leader_required
def scoring_model_delete(request: MemberRequest, pk: int):
    model = get_object_or_404(ScoringModel.objects.for_organization(request.organization), pk=pk)
    scoring_services.scoring_model_delete(scoring_model=model)
    messages.success(request, _("Scoring model “%(name)s” deleted.") % {"name": model.name})
    query = urlencode({"dataset": request.POST["dataset"]}) if "dataset" in request.POST else ""
    return redirect(f"{reverse('analysis_scores')}?{query}")


@require_GET
@member_required
@vary_on_headers("HX-Request")
def types(request: MemberRequest):
    dataset, datasets = _dataset(request)
    models = scoring_models(request.organization)
    columns = frames.numeric_columns(dataset)
    form = TypesForm(request.GET, columns=columns, models=models) if dataset else None
    context = _base(request, dataset, datasets, form, "types")
    if form is not None and form.is_valid():
        try:
            context |= _types_results(dataset, form.cleaned_data, columns, models)
        except ScoringError as error:
            context["error"] = str(error)
    return _show(request, "portfolio/analysis/types.html", context)


def _axis_label(axis: str, columns, models) -> str:
    if axis == "score":
        return _("Score (default parameters)")
    if axis.startswith("score:"):
        model = saved_model_choice(models, axis)
        return _("Score: %(name)s") % {"name": model.name if model else ""}
    return columns.get(axis, axis)


def _types_results(dataset, data, columns, models) -> dict:
    result = services.types_page(dataset, columns=columns, **types_options(data, models))
    chosen = data.get("type") if data.get("type") in TYPES else TYPES[0]
    points = frames.with_names(dataset, services.scatter_sample(result))
    page, rows = _page(result.members[chosen], data.get("page"))
    names = frames.customer_names(dataset, [r["id"] for r in rows])
    for row in rows:
        row["name"] = names.get(row["id"])
    value_label = _axis_label(data["value_axis"], columns, models)
    bond_label = columns.get(data["bond_axis"], data["bond_axis"])
    return {
        "result": result,
        "types": [
            (t, label, action, int(result.counts[t])) for t, label, action in services.type_labels()
        ],
        "chosen": chosen,
        "chosen_label": services.TYPE_LABELS[chosen],
        "page": page,
        "rows": rows,
        "sampled": len(points) < len(result.frame),
        "shown": len(points),
        "value_label": value_label,
        "bond_label": bond_label,
        "chart": portfolio_charts.types_scatter(
            result,
            points,
            labels=services.TYPE_LABELS,
            value_label=value_label,
            bond_label=bond_label,
        ),
    }


@require_GET
@member_required
@vary_on_headers("HX-Request")
def reps(request: MemberRequest):
    dataset, datasets = _dataset(request)
    models = scoring_models(request.organization)
    form = RepsForm(request.GET, models=models) if dataset else None
    context = _base(request, dataset, datasets, form, "reps")
    if form is not None and form.is_valid():
        try:
            context |= _reps_results(request, dataset, form.cleaned_data, models)
        except ScoringError as error:
            context["error"] = str(error)
    return _show(request, "portfolio/analysis/reps.html", context)


def _reps_results(request, dataset, data, models) -> dict:
    columns = frames.numeric_columns(dataset)
    result = services.reps_page(
        dataset, scoring_model=saved_model_choice(models, data["model"]), columns=columns
    )
    totals, mine = result.totals, None
    if request.membership.role == Role.REP:
        totals, mine = services.own_first(totals, request.user.name)
    owner = data.get("owner") or mine or (totals.index[0] if len(totals) else "")
    customers = result.customers[result.customers["owner"] == owner]
    page, rows = _page(customers, data.get("page"))
    names = frames.customer_names(dataset, [r["id"] for r in rows])
    for row in rows:
        row["name"] = names.get(row["id"])
        row["band_label"] = services.BAND_LABELS.get(row.get("band"), "")
        row["type_label"] = services.TYPE_LABELS.get(row.get("customer_type"), "")
    total_rows = totals.reset_index().to_dict("records")
    for row in total_rows:
        row["label"] = services.owner_label(row["owner"])
    return {
        "totals": total_rows,
        "has_types": "type_star" in totals.columns,
        "owner": owner,
        "owner_label": services.owner_label(owner) if owner else "",
        "mine": mine,
        "page": page,
        "rows": rows,
        "type_labels": services.type_labels(),
        "chart": portfolio_charts.rep_chart(totals, [r["label"] for r in total_rows]),
    }


@require_GET
@member_required
@vary_on_headers("HX-Request")
def segments(request: MemberRequest):
    dataset, datasets = _dataset(request)
    columns = frames.numeric_columns(dataset)
    form = SegmentsForm(request.GET, columns=columns) if dataset else None
    context = _base(request, dataset, datasets, form, "segments")
    if form is not None and form.is_valid():
        context |= _segments_results(dataset, form.cleaned_data)
    return _show(request, "portfolio/analysis/segments.html", context)


def _segments_results(dataset, data) -> dict:
    table, sizes = services.segments_page(
        dataset,
        by=data["by"],
        size_metric=data["size_metric"],
        size_thresholds=(data["small_max"], data["medium_max"]),
    )
    rows = table.to_dict("records")
    for row in rows:
        if row["missing"]:
            row["label"] = services.NONE_LABEL
        elif data["by"] == "size_group":
            row["label"] = services.GROUP_LABELS[row["segment"]]
        else:
            row["label"] = row["segment"]
    by_label = SEGMENTS[data["by"]]
    return {
        "rows": rows,
        "by_label": by_label,
        "chart": portfolio_charts.segment_chart(
            table, [str(r["label"]) for r in rows], str(by_label)
        ),
    }


@require_GET
@member_required
def export(request: MemberRequest):
    """One list of an analysis page as CSV (streamed) or XLSX, with the page's options."""
    dataset, _datasets = _dataset(request)
    if dataset is None:
        raise Http404
    kind = request.GET.get("format", "csv")
    name = request.GET.get("list", "")
    if kind not in dict(EXPORT_FORMATS) or name not in exports.LISTS:
        raise Http404
    models = scoring_models(request.organization)
    try:
        frame = exports.LISTS[name](request, dataset, models)
    except exports.InvalidOptions as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return exports.response(frame, kind, f"{dataset.name.rsplit('.', 1)[0]}-{name}")
