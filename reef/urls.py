"""Reef URLs. Each app's urls.py is mounted here; the API under /api/v1/."""

from __future__ import annotations

import importlib

from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for translated URLs later)
from django.urls import URLPattern, URLResolver, include, path

from reef.accounts.language import language_switch
from reef.api.api import api
from reef.core import views as core_views
from reef.hub import views as hub_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", hub_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("reef.accounts.urls")),
    path("people/", include("reef.accounts.people_urls")),
    path("directory/", include("reef.directory.urls")),
    path("api/v1/", api.urls),
    path("sharing/", include("reef.core.sharing_urls")),
]

# Apps added later mount themselves at /<app>/ when they have a urls.py.
for _app in (
    "frameworks",
    "assessments",
    "planning",
    "experts",
    "consultations",
    "records",
    "notifications",
    "hub",
):
    try:
        importlib.import_module(f"reef.{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"reef.{_app}.urls":
            raise
        continue
    urlpatterns.append(path(f"{_app}/", include(f"reef.{_app}.urls")))

handler404 = "reef.core.errors_views.not_found"
handler500 = "reef.core.errors_views.server_error"
handler403 = "reef.core.errors_views.forbidden"
