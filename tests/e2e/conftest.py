"""Browser journeys: Debian's Chromium driven by Playwright against a live server.

The live server needs committed data, so these tests are transactional (pytest-django runs
them after the others); each loads the master and demo data it needs. Every page a journey
opens is checked by axe-core (no serious or critical violations). With KYOTSUKA_SCREENSHOTS
set to a folder, the Japanese runs save the README's screenshots there.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import Role

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary blocking calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KYOTSUKA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "kyotsuka-demo"
LANGUAGES = ["ja", "en"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, transactional_db, settings, tmp_path):
    """The demo data set on a live server: master data, demo accounts, candidates, meetings."""
    from candidates.demo import demo_data_load
    from core.demo import demo_accounts_ensure
    from core.models import User
    from hearings.demo import demo_meetings_load

    if settings.CELERY_TASK_ALWAYS_EAGER:
        settings.MEDIA_ROOT = tmp_path / "media"  # a real worker (CI) writes where the env says
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("load_municipalities", verbosity=0)
    demo_accounts_ensure()
    demo_data_load()
    demo_meetings_load(secretariat=User.objects.get(username="secretariat"))
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class Journey:
    """A user's walk through the site: opens pages, checks each with axe, takes screenshots."""

    def __init__(self, page, base_url: str, language: str):
        self.page = page
        self.base_url = base_url
        self.language = language

    def t(self, ja: str, en: str) -> str:
        return ja if self.language == "ja" else en

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def login(self, username: str) -> None:
        self.page.goto(self.base_url + "/login/")
        if self.language == "en":
            self.page.get_by_role("button", name="English").click()
            self.page.wait_for_load_state()
        self.check()
        self.page.get_by_label(self.t("ユーザー名", "Username")).fill(username)
        self.page.get_by_label(self.t("パスワード", "Password")).fill(PASSWORD)
        self.page.locator("main").get_by_role("button", name=self.t("ログイン", "Log in")).click()
        self.page.wait_for_load_state()
        assert "/login/" not in self.page.url, self.page.content()[:2000]
        self.check()

    def check(self) -> None:
        """axe-core on the page as it is now: no serious or critical violations."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        assert not bad, (
            "axe on "
            + self.page.url
            + ":\n"
            + "\n".join(
                f"{v['id']} ({v['impact']}): {v['help']} -> "
                + "; ".join(node["target"][0] for node in v["nodes"][:5])
                for v in bad
            )
        )

    def screenshot(self, name: str) -> None:
        if self.language == "ja":
            save_screenshot(self.page, name)

    def request_from_remark(self, meeting, words: str) -> None:
        """Open the one-step request form of the remark (on the meeting's page) with `words`."""
        self.open(meeting.get_absolute_url())
        remark = self.page.locator("li.entry", has_text=words)
        remark.get_by_role(
            "link", name=self.t("この発言から要請を登録", "Record a request from this remark")
        ).click()
        self.page.wait_for_load_state()
        self.check()

    def sees(self, text: str) -> None:
        assert text in self.page.locator("main").inner_text(), f"{text!r} not on {self.page.url}"

    def message(self) -> str:
        return self.page.locator(".messages").inner_text()


@pytest.fixture(params=LANGUAGES)
def journey(request, page, demo_site):
    return Journey(page, demo_site, request.param)


def save_screenshot(page, name: str) -> None:
    """With KYOTSUKA_SCREENSHOTS set: the viewport as a small palette PNG for the README."""
    folder = os.environ.get("KYOTSUKA_SCREENSHOTS")
    if not folder:
        return
    from PIL import Image

    Path(folder).mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    image.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(
        Path(folder) / f"{name}.png", optimize=True
    )
