"""`make screenshots`: full-page PNGs of each public page at phone (360×800) and desktop (1280×800) size.

The site is served as production would serve it (tools/production_like.py); the pictures go to
reports/screenshots/<page>-phone.png and <page>-desktop.png.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.production_like import ROOT, serve

SCREENSHOTS = ROOT / "reports" / "screenshots"
PORT = int(os.environ.get("SCREENSHOTS_PORT", "8481"))
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
SIZES = {"phone": {"width": 360, "height": 800}, "desktop": {"width": 1280, "height": 800}}

PAGES = {
    "home": "/",
    "conditions-index": "/conditions/",
    **{f"condition-{toml.stem}": f"/conditions/{toml.stem}/" for toml in sorted(ROOT.glob("fixtures/source/*.toml"))},
    "search-results": "/conditions/search/?q=buttock+cramp",
    "booking": "/book/?condition=glutes-spasm",
    "privacy": "/privacy/",
    "accessibility": "/accessibility/",
    "not-found": "/no-such-page/",
}


def launch(playwright):
    # Debian's Chromium when present; otherwise Playwright's own, if it was installed.
    arguments = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
    if CHROMIUM.exists():
        return playwright.chromium.launch(executable_path=str(CHROMIUM), args=arguments)
    return playwright.chromium.launch(args=arguments)


def main() -> int:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve(PORT, SCREENSHOTS) as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        for size, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport, locale="en-IN", timezone_id="Asia/Kolkata")
            for name, path in PAGES.items():
                page.goto(base_url + path)
                page.screenshot(path=SCREENSHOTS / f"{name}-{size}.png", full_page=True)
            # The booking form as a patient sees it after pressing Send with nothing filled in.
            page.goto(base_url + PAGES["booking"])
            page.get_by_role("button", name="Send request").click()
            page.screenshot(path=SCREENSHOTS / f"booking-errors-{size}.png", full_page=True)
            page.close()
        browser.close()
    print(f"{(len(PAGES) + 1) * len(SIZES)} screenshots in {SCREENSHOTS.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
