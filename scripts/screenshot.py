"""Make docs/overview.png, the README's picture of the seed's overview network (needs Debian's chromium).

Run: .venv/bin/python scripts/screenshot.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from policykg.build import build
from policykg.store import KnowledgeStore
from policykg.viz.network import draw
from policykg.viz.views import overview

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "shanghai-2025-civil-affairs-plan-and-2024-summary.txt"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        store = KnowledgeStore(Path(folder) / "kg")
        build([SEED], store)
        page_file = Path(folder) / "graph.html"
        draw(overview(store), page_file, "policykg — 上海民政 2025 工作要点 · 2024 工作总结")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
            page.goto(page_file.as_uri())
            page.wait_for_function("() => window.POLICYKG_DRAWN !== undefined", timeout=60000)
            page.wait_for_timeout(6000)  # let the physics settle
            output = ROOT / "docs" / "overview.png"
            output.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(output))
            browser.close()
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
