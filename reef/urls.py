"""Reef URLs: the site-wide pages, then each app's urls.py (reef/apps_list.py); the API
under /api/v1/."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for translated URLs later)
from django.urls import URLPattern, URLResolver, include, path

from reef.accounts.views import language_switch
from reef.api.api import api
from reef.apps_list import REEF_APPS
from reef.core import views as core_views
from reef.hub import views as hub_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", hub_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("reef.accounts.people_urls")),
    path("api/v1/", api.urls),
    path("sharing/", include("reef.core.sharing_urls")),
]

# Each app with pages at /<prefix>/ (reef/apps_list.py says which have a urls.py).
urlpatterns += [path(app.pages, include(f"{app.module}.urls")) for app in REEF_APPS if app.pages]

handler404 = "reef.core.errors_views.not_found"
handler500 = "reef.core.errors_views.server_error"
handler403 = "reef.core.errors_views.forbidden"
