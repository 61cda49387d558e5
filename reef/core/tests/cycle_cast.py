"""The whole-cycle browser test's world and cast (test_browser_cycle.py): the personas
and the small framework set up by services, one signed-in page per person, and the
notification hand-offs every step goes through. Not a test module: pytest collects
only test_*.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp

from tests_support.browser import CHROMIUM, CHROMIUM_FLAGS, screenshot
from tests_support.world import ensure_world, make_user, persona, totp_secret_for

PASSWORD = "a long cycle password 2026"
CJ_EXPERT = "cj.expert@test.reef"
#: Two factors of two indicators: rating is quick, and one indicator is disputed.
FRAMEWORK = {
    "slug": "cycle-mini",
    "version": "1.0",
    "name": "Cycle test framework",
    "kind": "staged",
    "description": "Two factors for the whole-cycle browser test.",
    "stages": [{"level": n, "name": f"Stage {n}"} for n in range(1, 6)],
    "dimensions": [
        {
            "key": "P",
            "name": "Policy",
            "factors": [
                {
                    "key": "P.1",
                    "name": "National strategy",
                    "aspects": [
                        {
                            "key": "P.1.a",
                            "name": "Development",
                            "indicators": [
                                {
                                    "key": "P.1.a.2.1",
                                    "stage": 2,
                                    "text": "A lead body is mandated to draft a strategy.",
                                },
                                {
                                    "key": "P.1.a.3.1",
                                    "stage": 3,
                                    "text": "The strategy is adopted and published.",
                                },
                            ],
                        }
                    ],
                }
            ],
        },
        {
            "key": "S",
            "name": "Society",
            "factors": [
                {
                    "key": "S.1",
                    "name": "Reporting mechanisms",
                    "indicators": [
                        {
                            "key": "S.1.2.1",
                            "stage": 2,
                            "text": "A channel exists for the public to report incidents.",
                        },
                        {
                            "key": "S.1.3.1",
                            "stage": 3,
                            "text": "The channel is advertised on a government website.",
                        },
                    ],
                }
            ],
        },
    ],
}
DISPUTED = "P.1.a.2.1"


@dataclass
class Cast:
    """One signed-in browser page per person, kept open for the whole story."""

    base: str
    pages: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    shots: int = 0

    def shot(self, who: str, name: str) -> None:
        self.shots += 1
        screenshot(self.pages[who], f"cycle-{self.shots:02d}-{name}")


# ------------------------------------------------------------------------------ world


def _world(tmp_path: Path) -> dict[str, Any]:
    """Personas with passwords and TOTP, a second expert, the expert network, a small
    framework and CARICOM's regional plan. Nothing of the cycle itself."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from reef.core.rules import DEMO
    from reef.directory.models import Country, Grouping, Organisation
    from reef.experts import services as experts
    from reef.experts.models import ExpertiseTag
    from reef.frameworks.services import framework_import
    from reef.notifications.services import notification_preference_set
    from reef.planning import services as planning
    from reef.planning.reference import CCSCAP_AREAS

    ensure_world()
    users = {name: persona(name) for name in ("focal_point", "coordinator", "expert", "donor")}
    users["cj_expert"] = make_user(email=CJ_EXPERT)
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, totp_secret_for(user.email))
    source = tmp_path / "cycle-mini.json"
    source.write_text(json.dumps(FRAMEWORK))
    framework_import(actor=DEMO, source=source)
    # The expert network: a technical expert and a criminal-justice expert, available.
    today = dt.date.today()
    tt = Country.objects.get(code="TT")
    for key, name in (("expert", "Tech Expert"), ("cj_expert", "Justice Expert")):
        user = users[key]
        role = "technical" if key == "expert" else "criminal_justice"
        profile = experts.profile_create(
            actor=user,
            user=user,
            name=name,
            sector="private" if key == "expert" else "academia",
            country=tt,
            consent=True,
            expertise=list(ExpertiseTag.objects.filter(key=role)),
            languages=["en"],
        )
        experts.availability_add(
            actor=user, profile=profile, start=today, end=today + dt.timedelta(days=365)
        )
    regional = planning.plan_create(
        actor=users["coordinator"],
        title="CARICOM regional plan",
        cycle="2026-2028",
        organisation=Organisation.objects.get(slug="caricom-impacs"),
        grouping=Grouping.objects.get(slug="caricom"),
    )
    # The donor's officer follows every planning area (their notification preference).
    notification_preference_set(
        actor=users["donor"],
        delivery="immediate",
        need_areas=[key for key, _name, _text in CCSCAP_AREAS],
    )
    return {"users": users, "regional": regional}


# ---------------------------------------------------------------------------- browser


@contextmanager
def _browser() -> Iterator[Any]:
    import os

    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def _sign_in(browser: Any, base: str, user: Any) -> Any:
    """A fresh browser context for `user`, signed in with the password and a TOTP code."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(45_000)
    page.set_default_navigation_timeout(60_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(pyotp.TOTP(totp_secret_for(user.email)).now())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base}/")
    return page


def _unread(page: Any) -> int:
    """The header's unread count (filled in by htmx when the cache does not hold it)."""
    count = page.locator("a.notifications-link [data-unread]")
    count.wait_for(state="attached")
    return int(count.get_attribute("data-unread") or 0)


def _read(cast: Cast, who: str, title: str, name: str) -> str:
    """`who` sees the unread badge in the header, opens the inbox, finds the unread
    notification titled `title` and marks it read (the badge counts one less). Returns
    where it links to."""
    page = cast.pages[who]
    page.goto(f"{cast.base}/")
    before = _unread(page)
    assert before >= 1, f"{who} has no unread notification for {title!r}"
    cast.shot(who, f"{name}-badge")
    page.locator("a.notifications-link").click()
    page.wait_for_url("**/notifications/")
    item = page.locator("li.unread", has=page.get_by_role("link", name=title, exact=True))
    assert item.count() == 1, f"{who}: {item.count()} unread notifications {title!r}"
    cast.shot(who, f"{name}-inbox")
    href = str(item.get_by_role("link", name=title, exact=True).get_attribute("href"))
    ident = item.get_attribute("id")
    item.get_by_role("button", name="Mark read").click()
    page.locator(f"li.read#{ident}").wait_for()
    assert _unread(page) == before - 1
    return href


def _follow(cast: Cast, who: str, title: str, name: str) -> None:
    """A hand-off: `who` reads the notification (see `_read`) and follows its link from
    the inbox to the place to act."""
    href = _read(cast, who, title, name)
    page = cast.pages[who]
    page.locator("li.read").get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(f"{cast.base}{href}")


def _sees(cast: Cast, who: str, title: str, name: str) -> None:
    """`who` is told (an unread notification titled `title`), with no step to take."""
    _read(cast, who, title, f"{name}-told-{who}")


def _message(page: Any, text: str) -> None:
    page.get_by_text(text).first.wait_for()
