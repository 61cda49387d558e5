from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reef.core.routes import Rule, access
from reef.frameworks import selectors, services


@access(Rule.LABELLED)
def framework_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frameworks/framework_list.html",
        {"frameworks": selectors.frameworks_for(request.user)},
    )


@access(Rule.LABELLED)
def framework_detail(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    framework = selectors.framework_get(request.user, slug, version)
    return render(
        request,
        "frameworks/framework_detail.html",
        {
            "framework": framework,
            "parsed": selectors.shown(framework),
            "versions": selectors.frameworks_for(request.user).filter(slug=slug),
        },
    )


@access(Rule.LABELLED)
def framework_download(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    framework = selectors.framework_get(request.user, slug, version)
    fmt: Literal["json", "yaml"] = "yaml" if request.GET.get("format") == "yaml" else "json"
    text = services.framework_export(framework=framework, fmt=fmt)
    response = HttpResponse(
        text, content_type="application/json" if fmt == "json" else "application/yaml"
    )
    filename = f"{framework.slug}-{framework.release}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
