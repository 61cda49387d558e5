"""reef/apps_list.py is the one list of apps: it names every app and says truly which
modules each has (a module it does not name is never mounted, one it names must exist)."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.conf import settings
from django.urls import URLResolver, get_resolver

from reef.apps_list import REEF_APPS

REEF = Path(__file__).resolve().parents[2]


def test_every_app_is_listed_once() -> None:
    on_disk = {p.parent.name for p in REEF.glob("*/apps.py")}
    names = [app.name for app in REEF_APPS]
    assert sorted(names) == sorted(on_disk)
    assert len(set(names)) == len(names)


def test_installed_apps_follow_the_list() -> None:
    ours = [name for name in settings.INSTALLED_APPS if name.startswith("reef.")]
    assert ours == [app.module for app in REEF_APPS]


def _has_module(folder: Path, name: str) -> bool:
    """A module file or a package of that name (a big module is split into a package)."""
    return (folder / f"{name}.py").exists() or (folder / name / "__init__.py").exists()


def test_each_app_has_exactly_the_modules_it_is_marked_with() -> None:
    wrong = []
    for app in REEF_APPS:
        folder = REEF / app.name
        has_urls = _has_module(folder, "urls")
        has_router = _has_module(folder, "api") and hasattr(
            importlib.import_module(f"{app.module}.api"), "router"
        )
        has_demo = _has_module(folder, "demo") and hasattr(
            importlib.import_module(f"{app.module}.demo"), "load"
        )
        if has_urls != (app.pages is not None):
            wrong.append(f"{app.name}: urls.py {'exists' if has_urls else 'missing'}")
        if has_router != app.api:
            wrong.append(f"{app.name}: api.py router {'exists' if has_router else 'missing'}")
        if has_demo != app.demo:
            wrong.append(f"{app.name}: demo.py load {'exists' if has_demo else 'missing'}")
    assert not wrong, wrong


def test_each_app_with_pages_is_mounted_at_its_prefix() -> None:
    mounted = {
        p.namespace: str(p.pattern)
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace
    }
    for app in REEF_APPS:
        if app.pages:
            assert mounted.get(app.name) == app.pages, app.name
