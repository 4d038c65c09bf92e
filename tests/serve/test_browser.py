"""End to end in a real browser: Debian's chromium driven headless by Playwright (its
``executable_path``; Playwright's own browser download is never used) through sign-up,
upload, today's page, logging a session, inviting a coach and the coach's sortable page.
Screenshots go to ``$PERIODIZATION_ARTIFACTS/browser`` (default ``test-artifacts/``).

Skipped, with the reason, only when the browser or Playwright is absent and
``PERIODIZATION_CI`` is unset; in CI (``.ci/run`` sets it and installs chromium) they run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PERIODIZATION_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PERIODIZATION_ARTIFACTS", "test-artifacts")) / "browser"
PASSWORD = "browser test password"


def _absent() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (extra [serve])"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    why = _absent()
    if why:
        if os.environ.get("PERIODIZATION_CI"):
            pytest.fail(f"browser tests must run in CI: {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    from periodization.serve.app import create_app
    from tests.serve.live import LiveServer

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'serve.db'}")
    with LiveServer(app) as url:
        yield url


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_up(page, base_url: str, email: str, role: str) -> None:
    page.goto(f"{base_url}/signup")
    page.fill("input[name=name]", email.split("@")[0].title())
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=role]", role)
    page.click("button[type=submit]")


def test_athlete_and_coach_in_a_real_browser(browser, base_url, year_export):
    coach = browser.new_context().new_page()
    _sign_up(coach, base_url, "coach@example.org", "coach")
    coach.wait_for_selector("text=Your team")
    assert "No athlete has invited you yet" in coach.content()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    _sign_up(page, base_url, "ann@example.org", "athlete")
    page.wait_for_selector("#today")
    assert "No data yet" in page.inner_text("#today")
    _shot(page, "1-signed-up")

    page.set_input_files("input[name=file]", str(year_export))
    page.click("#upload")
    page.wait_for_selector(".msg")
    assert "365 new day(s)" in page.inner_text(".msg")
    session = page.inner_text("#session")
    assert any(w in session for w in ("rest", "recovery", "aerobic", "tempo", "hiit",
                                      "strength"))
    assert page.locator("#plan tbody tr").count() == 7
    assert page.locator("svg.chart").count() == 4
    # the page fits a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("svg.chart circle").first.hover()
    assert page.is_visible(".tip") and "CTL" in page.inner_text(".tip")
    _shot(page, "2-today")

    page.select_option("select[name=action]", "HIIT")
    page.click("#log")
    page.wait_for_selector(".msg")
    assert "logged hiit" in page.inner_text(".msg")
    page.click("#ill")
    page.wait_for_selector("text=reported ill/injured")
    assert page.inner_text("#session").split(":")[0] in ("rest", "active recovery")
    _shot(page, "3-ill")

    page.fill("input[name=email]", "coach@example.org")
    page.click("#invite")
    page.wait_for_selector(".msg")
    assert "can now see your data" in page.inner_text(".msg")

    coach.reload()
    coach.wait_for_selector("#team")
    assert coach.locator("#team tbody tr").count() == 1
    assert "Ann" in coach.inner_text("#team")
    coach.click("#team th:has-text('flags')")
    assert coach.get_attribute("#team th:has-text('flags')", "aria-sort") == "ascending"
    _shot(coach, "4-coach")
    coach.click("#team a:has-text('Ann')")
    coach.wait_for_selector("#today")
    assert coach.locator("#actions").count() == 0  # a coach reads, never writes
    _shot(coach, "5-coach-sees-athlete")
