"""Analysis pages of a dataset: ABC, value score, four customer types, reps, segments.

Every page answers GET (its options are in the query string, so a result has a URL), renders
its ``#results`` partial alone for htmx, and offers each list as CSV and XLSX.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from icp_site.access import MemberRequest, member_required
from icp_site.models import Role
from portfolio.analysis.scoring import ScoringError
from portfolio.analysis.types import TYPES
from portfolio.charts import reports as portfolio_charts
from portfolio.charts import summaries
from portfolio.frames import customers as frames
from portfolio.reports import exports
from portfolio.reports import results as services
from portfolio.reports.forms import (
    EXPORT_FORMATS,
    SEGMENTS,
    AbcForm,
    RepsForm,
    SegmentsForm,
    TypesForm,
    saved_model_choice,
    saved_scoring_models,
    types_options,
)
from portfolio.reports.org_settings import abc_limits, chosen_scoring_model
from portfolio.reports.pages import (
    PER_PAGE,
    base_context,
    dataset_and_choices,
    paginate,
    show,
    size_defaults,
)


@require_GET
@member_required
@vary_on_headers("HX-Request")
def abc(request: MemberRequest):
    dataset, datasets = dataset_and_choices(request)
    columns = frames.numeric_columns(dataset)
    limits = abc_limits(request.organization)
    form = (
        AbcForm(request.GET, columns=columns, limits=limits, sizes=size_defaults(dataset))
        if dataset
        else None
    )
    context = base_context(request, dataset, datasets, form, "abc")
    context["abc_limits"] = limits
    context["abc_c_share"] = 100 - limits[1]
    if form is not None and form.is_valid():
        context |= _abc_results(dataset, form.cleaned_data, columns)
        chosen = (form.cleaned_data["a_limit"], form.cleaned_data["b_limit"])
        context["limits_differ"] = tuple(round(x, 2) for x in chosen) != limits
    return show(request, "portfolio/analysis/abc.html", context)


def _abc_results(dataset, data, columns) -> dict:
    result = services.abc_page(
        dataset,
        value=data["value"],
        thresholds=(data["a_limit"], data["b_limit"]),
        size_metric=data["size_metric"],
        size_thresholds=(data["small_max"], data["medium_max"]),
        active_on=frames.active_date(data["include_former"]),
    )
    page, rows = paginate(result.abc.frame, data.get("page"))
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
        "summary": summaries.abc(result.abc),
    }


@require_GET
@member_required
@vary_on_headers("HX-Request")
def types(request: MemberRequest):
    dataset, datasets = dataset_and_choices(request)
    models = saved_scoring_models(request.organization)
    columns = frames.numeric_columns(dataset)
    chosen = chosen_scoring_model(request.organization)
    form = (
        TypesForm(request.GET, columns=columns, models=models, chosen=chosen) if dataset else None
    )
    context = base_context(request, dataset, datasets, form, "types")
    if form is not None and form.is_valid():
        try:
            context |= _types_results(dataset, form.cleaned_data, columns, models)
        except ScoringError as error:
            context["error"] = str(error)
    return show(request, "portfolio/analysis/types.html", context)


def _axis_label(axis: str, columns, models) -> str:
    if axis == "score":
        return _("Score (default parameters)")
    if axis.startswith("score:"):
        model = saved_model_choice(models, axis)
        return _("Score: %(name)s") % {"name": model.name if model else ""}
    return columns.get(axis, axis)


def _types_results(dataset, data, columns, models) -> dict:
    result = services.types_page(
        dataset,
        columns=columns,
        active_on=frames.active_date(data["include_former"]),
        **types_options(data, models),
    )
    chosen = data.get("type") if data.get("type") in TYPES else TYPES[0]
    points = frames.with_names(dataset, services.scatter_sample(result))
    page, rows = paginate(result.members[chosen], data.get("page"))
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
        "summary": summaries.types(
            result.counts, services.TYPE_LABELS, result.split, (value_label, bond_label)
        ),
        "type_figures": services.type_figures(result),
    }


@require_GET
@member_required
@vary_on_headers("HX-Request")
def reps(request: MemberRequest):
    dataset, datasets = dataset_and_choices(request)
    models = saved_scoring_models(request.organization)
    form = RepsForm(request.GET, models=models) if dataset else None
    context = base_context(request, dataset, datasets, form, "reps")
    if form is not None and form.is_valid():
        try:
            context |= _reps_results(request, dataset, form.cleaned_data, models)
        except ScoringError as error:
            context["error"] = str(error)
    return show(request, "portfolio/analysis/reps.html", context)


def _reps_results(request, dataset, data, models) -> dict:
    columns = frames.numeric_columns(dataset)
    result = services.reps_page(
        dataset,
        scoring_model=saved_model_choice(models, data["model"]),
        columns=columns,
        abc_limits=abc_limits(request.organization),
        active_on=frames.active_date(data["include_former"]),
    )
    totals, mine = result.totals, None
    if request.membership.role == Role.REP:
        totals, mine = services.own_first(totals, request.user.name)
    owner = data.get("owner") or mine or (totals.index[0] if len(totals) else "")
    customers = result.customers[result.customers["owner"] == owner]
    page, rows = paginate(customers, data.get("page"))
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
        "summary": summaries.reps(totals, [r["label"] for r in total_rows]),
    }


@require_GET
@member_required
@vary_on_headers("HX-Request")
def segments(request: MemberRequest):
    dataset, datasets = dataset_and_choices(request)
    columns = frames.numeric_columns(dataset)
    form = (
        SegmentsForm(request.GET, columns=columns, sizes=size_defaults(dataset))
        if dataset
        else None
    )
    context = base_context(request, dataset, datasets, form, "segments")
    if form is not None and form.is_valid():
        context |= _segments_results(dataset, form.cleaned_data)
    return show(request, "portfolio/analysis/segments.html", context)


def _segments_results(dataset, data) -> dict:
    table, sizes = services.segments_page(
        dataset,
        by=data["by"],
        size_metric=data["size_metric"],
        size_thresholds=(data["small_max"], data["medium_max"]),
        active_on=frames.active_date(data["include_former"]),
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
        "summary": summaries.segments(table, [str(r["label"]) for r in rows], str(by_label)),
    }


@require_GET
@member_required
def export(request: MemberRequest):
    """One list of an analysis page as CSV (streamed) or XLSX, with the page's options."""
    dataset, _datasets = dataset_and_choices(request)
    if dataset is None:
        raise Http404
    kind = request.GET.get("format", "csv")
    name = request.GET.get("list", "")
    if kind not in dict(EXPORT_FORMATS) or name not in exports.LISTS:
        raise Http404
    models = saved_scoring_models(request.organization)
    try:
        frame = exports.LISTS[name](request, dataset, models)
    except exports.InvalidOptions as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return exports.response(frame, kind, f"{dataset.name.rsplit('.', 1)[0]}-{name}")
