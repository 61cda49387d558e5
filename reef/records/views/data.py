"""Open data pages: the datasets, their dictionary, today's data and frozen snapshots,
as CSV or JSON that any site may fetch."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from reef.core.routes import Rule, access
from reef.records import opendata, selectors


@access(Rule.PUBLIC)
def data_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "records/data.html",
        {
            "datasets": opendata.DATASETS.values(),
            "licence": opendata.licence(),
            "snapshots": selectors.snapshots()[:60],
        },
    )


def _json(payload: str, filename: str = "") -> HttpResponse:
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@access(Rule.PUBLIC)
def data_dictionary_json(request: HttpRequest) -> HttpResponse:
    return _json(json.dumps(opendata.dictionary(), ensure_ascii=False, indent=1))


def _data_response(dataset: str, fmt: str, csv_text: str, json_text: str, tag: str) -> HttpResponse:
    filename = f"reef-{dataset}{tag}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Access-Control-Allow-Origin"] = "*"
        return response
    return _json(json_text, filename)


@access(Rule.PUBLIC)
def data_download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in opendata.DATASETS or fmt not in opendata.FORMATS:
        raise Http404
    rows = opendata.rows(dataset)
    return _data_response(
        dataset,
        fmt,
        opendata.to_csv(dataset, rows) if fmt == "csv" else "",
        opendata.to_json(dataset, rows) if fmt == "json" else "",
        "",
    )


@access(Rule.PUBLIC)
def snapshot_download(request: HttpRequest, date: str, dataset: str, fmt: str) -> HttpResponse:
    if fmt not in opendata.FORMATS:
        raise Http404
    snap = selectors.snapshot_get(dataset, date)
    return _data_response(dataset, fmt, snap.csv, snap.json, f"-{snap.date.isoformat()}")
