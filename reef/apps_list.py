"""The one list of Reef's own apps. Settings (INSTALLED_APPS), the URL configuration
(reef/urls.py), the API (reef/api/api.py) and the demo loader (reef/core/demo.py) read it;
a new app is added here and nowhere else. reef/core/tests/test_apps_list.py checks that each
entry says truly which modules the app has.

Plain data, no Django import: reef/settings.py imports it before Django is set up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReefApp:
    name: str
    #: Where its `urls.py` is mounted (`"planning/"`); None when it has no urls.py.
    pages: str | None = None
    #: Whether its `api.py` has a `router`, mounted under /api/v1/.
    api: bool = False
    #: Whether its `demo.py` has a `load(say)` for the demo data (run in this order).
    demo: bool = False

    @property
    def module(self) -> str:
        return f"reef.{self.name}"


# In dependency order (INSTALLED_APPS order: templates and migrations follow it).
REEF_APPS: tuple[ReefApp, ...] = (
    # The labelled base model, access and rules layers, audit trail, sharing: no urls.py
    # of its own (reef/urls.py mounts its few views and reef/core/sharing_urls.py).
    ReefApp("core"),
    ReefApp("directory", pages="directory/", api=True, demo=True),
    # Its urls.py is the signed-in user's profile; people_urls.py and people_api.py are
    # mounted by reef/urls.py and reef/api/api.py beside it.
    ReefApp("accounts", pages="profile/", api=True, demo=True),
    ReefApp("frameworks", pages="frameworks/", api=True, demo=True),
    ReefApp("assessments", pages="assessments/", api=True, demo=True),
    ReefApp("planning", pages="planning/", api=True, demo=True),
    ReefApp("experts", pages="experts/", api=True, demo=True),
    ReefApp("consultations", pages="consultations/", api=True, demo=True),
    ReefApp("records", pages="records/", api=True, demo=True),
    ReefApp("notifications", pages="notifications/", api=True),
    ReefApp("hub", pages="hub/"),
    # The /api/v1/ router itself (reef/api/api.py), mounted by reef/urls.py.
    ReefApp("api"),
)
