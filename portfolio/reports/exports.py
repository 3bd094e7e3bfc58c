"""Every list of the analysis pages as a table for CSV or XLSX, with translated headers.

Each export takes the page's options from the query string (the page's form), computes the same
result as the page and returns all rows, not one page. CSV is streamed in chunks (formula-safe
through portfolio.spreadsheets.neutralise_formulas); XLSX is written column by column here
(``xlsx_bytes``): openpyxl took 8 to 16 seconds for 100,000 rows, this takes about one.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portfolio.analysis.scoring import ScoringError
from portfolio.frames import customers as frames
from portfolio.reports import results as services
from portfolio.reports.forms import (
    SEGMENTS,
    AbcForm,
    RepsForm,
    ScoreForm,
    SegmentsForm,
    TypesForm,
    saved_model_choice,
    types_options,
)
from portfolio.spreadsheets import SHEET_NAME_FORBIDDEN, neutralise_formulas

CSV_CHUNK = 20_000  # rows per streamed piece


class InvalidOptions(ValueError):
    """The query string does not make a valid result; the message says why."""


def _valid(form):
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        raise InvalidOptions(" ".join(errors))
    return form.cleaned_data


def _names(dataset, ids: np.ndarray) -> np.ndarray:
    """The names of all customers of the dataset, aligned to ``ids``."""
    named = frames.load_customers(dataset, texts=("name",))
    position = pd.Index(named["id"]).get_indexer(ids)
    return named["name"].to_numpy(dtype=object)[position]


def _labels(values, labels: dict) -> list:
    return [str(labels[v]) if v in labels else None for v in values]


# --------------------------------------------------------------------------- ABC


def _abc(request, dataset, models):
    columns = frames.numeric_columns(dataset)
    data = _valid(AbcForm(request.GET, columns=columns))
    return services.abc_page(
        dataset,
        value=data["value"],
        thresholds=(data["a_limit"], data["b_limit"]),
        size_metric=data["size_metric"],
        size_thresholds=(data["small_max"], data["medium_max"]),
    ), data


def abc_customers(request, dataset, models) -> pd.DataFrame:
    result, data = _abc(request, dataset, models)
    frame = result.abc.frame
    groups = np.array([*services.GROUP_LABELS.values(), services.NONE_LABEL], dtype=object)
    return pd.DataFrame(
        {
            _("Rank"): frame["rank"].to_numpy(),
            _("Name"): _names(dataset, frame["id"].to_numpy()),
            frames.column_label(data["value"]): frame["value"].to_numpy(),
            _("Share %"): frame["share"].round(4).to_numpy(),
            _("Cumulative share %"): frame["cumulative_share"].round(4).to_numpy(),
            _("Class"): frame["abc_class"].astype(str).to_numpy(),
            _("Size group"): [str(g) for g in groups[result.groups]],
        }
    )


def abc_class_table(request, dataset, models) -> pd.DataFrame:
    result, data = _abc(request, dataset, models)
    table = result.abc.table
    return pd.DataFrame(
        {
            _("Class"): list(table.index),
            _("Customers"): table["customers"].to_numpy(),
            _("Share of customers %"): table["customer_share"].to_numpy(),
            frames.column_label(data["value"]): table["value"].to_numpy(),
            _("Share of value %"): table["value_share"].to_numpy(),
        }
    )


def abc_cross_table(request, dataset, models) -> pd.DataFrame:
    result, data = _abc(request, dataset, models)
    groups = [*services.GROUP_LABELS.values(), services.NONE_LABEL]
    classes = [*result.abc.table.index, str(services.NONE_LABEL)]
    frame = pd.DataFrame({_("Class"): classes})
    for label, column in zip(groups, result.cross.columns, strict=True):
        frame[_("%(group)s: customers") % {"group": label}] = result.cross[column].to_numpy()
        frame[_("%(group)s: value") % {"group": label}] = result.cross_value[column].to_numpy()
    return frame


# --------------------------------------------------------------------------- score


def _score(request, dataset, models):
    columns = frames.numeric_columns(dataset)
    # The page's export links carry the parameters, also those a loaded model filled in.
    defaults = services.default_parameters(columns)
    data = _valid(ScoreForm(request.GET, columns=columns, defaults=defaults))
    score, frame = services.score_page(dataset, parameters=data["parameters"], bands=data["bands"])
    return score, frame, data, columns


def score_list(request, dataset, models) -> pd.DataFrame:
    score, frame, data, columns = _score(request, dataset, models)
    table = score.scores
    out = pd.DataFrame(
        {
            _("Rank"): table["rank"].to_numpy(),
            _("Name"): _names(dataset, table["id"].to_numpy()),
            _("Score"): table["score"].to_numpy(),
            _("Band"): _labels(table["band"].astype(str), services.BAND_LABELS),
        }
    )
    position = pd.Index(frame["id"]).get_indexer(table["id"])
    for p in data["parameters"]:
        out[columns.get(p.column, p.column)] = frame[p.column].to_numpy()[position]
    return out


def score_missing(request, dataset, models) -> pd.DataFrame:
    score, _frame, _data, columns = _score(request, dataset, models)
    table = score.missing
    missing = [", ".join(columns.get(c, c) for c in text.split(", ")) for text in table["missing"]]
    return pd.DataFrame(
        {
            _("Name"): _names(dataset, table["id"].to_numpy()),
            _("Missing"): missing,
        }
    )


# --------------------------------------------------------------------------- four types


def _types(request, dataset, models):
    columns = frames.numeric_columns(dataset)
    data = _valid(TypesForm(request.GET, columns=columns, models=models))
    try:
        result = services.types_page(dataset, columns=columns, **types_options(data, models))
    except ScoringError as error:
        raise InvalidOptions(str(error)) from error
    return result, data, columns


def types_list(request, dataset, models) -> pd.DataFrame:
    result, data, columns = _types(request, dataset, models)
    frame = result.frame
    actions = {t: str(services.ACTION_TEXTS[services.ACTIONS[t]]) for t in services.TYPES}
    value = data["value_axis"]
    value_label = _("Score") if value.startswith("score") else columns.get(value, value)
    return pd.DataFrame(
        {
            _("Name"): _names(dataset, frame["id"].to_numpy()),
            value_label: frame["value"].to_numpy(),
            columns.get(data["bond_axis"], data["bond_axis"]): frame["bond"].to_numpy(),
            _("Type"): _labels(frame["type"].astype(str), services.TYPE_LABELS),
            _("Suggested action"): [actions[t] for t in frame["type"].astype(str)],
        }
    )


def types_missing(request, dataset, models) -> pd.DataFrame:
    result, _data, columns = _types(request, dataset, models)
    table = result.missing
    return pd.DataFrame(
        {
            _("Name"): _names(dataset, table["id"].to_numpy()),
            _("Missing"): [
                ", ".join(columns.get(c, _("Score") if c == "score" else c) for c in t.split(", "))
                for t in table["missing"]
            ],
        }
    )


# --------------------------------------------------------------------------- reps


def _reps(request, dataset, models):
    data = _valid(RepsForm(request.GET, models=models))
    columns = frames.numeric_columns(dataset)
    try:
        return services.reps_page(
            dataset, scoring_model=saved_model_choice(models, data["model"]), columns=columns
        ), data
    except ScoringError as error:
        raise InvalidOptions(str(error)) from error


def rep_customers(request, dataset, models) -> pd.DataFrame:
    result, data = _reps(request, dataset, models)
    table = result.customers
    if data.get("owner"):
        table = table[table["owner"] == data["owner"]]
    out = pd.DataFrame(
        {
            _("Owner"): [services.owner_label(o) for o in table["owner"]],
            _("Name"): _names(dataset, table["id"].to_numpy()),
            _("Revenue"): table["revenue"].to_numpy(),
            _("Class"): table["abc_class"].to_numpy(dtype=object),
            _("Score"): table["score"].to_numpy(),
            _("Band"): _labels(table["band"], services.BAND_LABELS),
        }
    )
    if "customer_type" in table.columns:
        out[_("Type")] = _labels(table["customer_type"], services.TYPE_LABELS)
    return out


def rep_totals(request, dataset, models) -> pd.DataFrame:
    result, _data = _reps(request, dataset, models)
    totals = result.totals
    out = pd.DataFrame(
        {
            _("Owner"): [services.owner_label(o) for o in totals.index],
            _("Customers"): totals["customers"].to_numpy(),
            _("Revenue"): totals["revenue"].to_numpy(),
            _("Share of revenue %"): totals["revenue_share"].to_numpy(),
            _("Scored"): totals["scored"].to_numpy(),
            _("Mean score"): totals["mean_score"].round(2).to_numpy(),
        }
    )
    for c in ("A", "B", "C"):
        out[_("Class %(c)s") % {"c": c}] = totals[f"abc_{c}"].to_numpy()
    for t in services.TYPES:
        if f"type_{t}" in totals.columns:
            out[str(services.TYPE_LABELS[t])] = totals[f"type_{t}"].to_numpy()
    return out


# --------------------------------------------------------------------------- segments


def segment_table(request, dataset, models) -> pd.DataFrame:
    columns = frames.numeric_columns(dataset)
    data = _valid(SegmentsForm(request.GET, columns=columns))
    table, _sizes = services.segments_page(
        dataset,
        by=data["by"],
        size_metric=data["size_metric"],
        size_thresholds=(data["small_max"], data["medium_max"]),
    )
    labels = []
    for segment, missing in zip(table["segment"], table["missing"], strict=True):
        if missing:
            labels.append(str(services.NONE_LABEL))
        elif data["by"] == "size_group":
            labels.append(str(services.GROUP_LABELS[segment]))
        else:
            labels.append(segment)
    return pd.DataFrame(
        {
            str(SEGMENTS[data["by"]]): labels,
            _("Customers"): table["customers"].to_numpy(),
            _("Share of customers %"): table["customer_share"].to_numpy(),
            _("Revenue"): table["revenue"].to_numpy(),
            _("Share of revenue %"): table["revenue_share"].to_numpy(),
        }
    )


LISTS: dict[str, Callable] = {
    "abc": abc_customers,
    "abc_classes": abc_class_table,
    "abc_cross": abc_cross_table,
    "scores": score_list,
    "scores_missing": score_missing,
    "types": types_list,
    "types_missing": types_missing,
    "reps": rep_customers,
    "rep_totals": rep_totals,
    "segments": segment_table,
}


# --------------------------------------------------------------------------- files


def csv_chunks(frame: pd.DataFrame) -> Iterator[bytes]:
    """CSV in UTF-8 with a byte-order mark, formula-safe, CRLF lines, in pieces of rows."""
    yield "\ufeff".encode()
    header = neutralise_formulas(frame.iloc[:0]).to_csv(index=False, lineterminator="\r\n")
    yield header.encode()
    for start in range(0, len(frame), CSV_CHUNK):
        chunk = neutralise_formulas(frame.iloc[start : start + CSV_CHUNK])
        yield chunk.to_csv(index=False, header=False, lineterminator="\r\n").encode()


XLSX_FILES = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf/><xf fontId="1" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


def _text_cells(values: pd.Series, style: str = "") -> np.ndarray:
    """Inline-string cells: never a formula, whatever the text looks like."""
    codes, uniques = pd.factorize(values.astype(object))
    # Escape each distinct text once (a class or a band repeats on 100,000 rows).
    texts = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str)
    texts = texts.str.replace(ILLEGAL_CHARACTERS_RE, "", regex=True).map(xml_escape)
    cells = f'<c{style} t="inlineStr"><is><t xml:space="preserve">' + texts + "</t></is></c>"
    return np.append(cells.to_numpy(dtype=object), f"<c{style}/>")[codes]


def _number_cells(values: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.round(numbers)) & (np.abs(numbers) < 2**53)
    text = np.where(whole, numbers, 0).astype(np.int64).astype(str).astype(object)
    rest = finite & ~whole
    text[rest] = pd.Series(numbers[rest]).astype(str).to_numpy(dtype=object)
    cells = "<c><v>" + text + "</v></c>"
    cells[~finite] = "<c/>"
    return cells


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "Sheet1") -> bytes:
    """A one-sheet XLSX written column by column: 100,000 rows in about a second.

    Formula-safe like portfolio.spreadsheets.to_xlsx_bytes: text is neutralised the same way
    (``neutralise_formulas``) and written as inline strings, which a spreadsheet never
    evaluates. Numbers stay numbers; missing values are empty cells; the header row is bold.
    """
    safe = neutralise_formulas(frame)
    header = _text_cells(pd.Series([str(c) for c in safe.columns], dtype=object), ' s="1"')
    columns = []
    for i in range(safe.shape[1]):
        column = safe.iloc[:, i]
        dtype = column.dtype
        numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        if numeric and not isinstance(dtype, pd.CategoricalDtype):
            columns.append(_number_cells(column))
        else:
            columns.append(_text_cells(column))
    rows = np.full(len(safe), "<row>", dtype=object)
    for cells in columns:
        rows = rows + cells
    body = "".join(["<row>", *header, "</row>"]) + "</row>".join(rows.tolist())
    body += "</row>" if len(rows) else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in XLSX_FILES.items():
            archive.writestr(name, content)
        # Excel's sheet name rules: no []:*?/\\, at most 31 characters, not empty.
        title = SHEET_NAME_FORBIDDEN.sub("_", sheet_name).strip("'")[:31] or "Sheet1"
        title = xml_escape(title, {'"': "&quot;"})
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=title))
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_START + body + SHEET_END)
    return buffer.getvalue()


def response(frame: pd.DataFrame, kind: str, name: str):
    """The download: a streamed CSV or an XLSX file."""
    filename = slugify(name) or "export"
    if kind == "xlsx":
        reply = HttpResponse(
            xlsx_bytes(frame, sheet_name=filename),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        reply = StreamingHttpResponse(csv_chunks(frame), content_type="text/csv; charset=utf-8")
    reply["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return reply
