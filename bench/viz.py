"""Time the network page at 500, 5,000 and 20,000 nodes: writing it, and its first draw in Chromium.

Run: make bench (or .venv/bin/python bench/viz.py). Prints a table and writes bench/out/viz.json.
Each size is bounded: a page that does not draw within 180 s is reported as such.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from pathlib import Path

import networkx as nx

from policykg.viz.network import PHYSICS_LIMIT, draw

SIZES = (500, 5000, 20000)
OUT = Path(__file__).resolve().parent / "out"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthetic(nodes: int, seed: int = 7) -> nx.MultiDiGraph:
    """A graph shaped like the corpus: documents citing a skewed pool of regulations, agencies, programs."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    groups = ["source"] * 10 + ["document"] * 60 + ["agency"] * 20 + ["program"] * 10
    for index in range(nodes):
        graph.add_node(f"n{index}", label=f"节点{index}号文件", group=rng.choice(groups))
    for index in range(1, nodes):
        target = int(rng.paretovariate(1.2)) % index  # a few nodes draw most of the edges
        graph.add_edge(f"n{index}", f"n{target}", relation=rng.choice(["issues", "implements", "drafts", "amends", "lead"]), weight=1, example="")
    return graph


def first_draw(page_file: Path, timeout: float) -> float | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        try:
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(page_file.as_uri(), timeout=timeout * 1000)
            page.wait_for_function("() => window.POLICYKG_DRAWN !== undefined", timeout=timeout * 1000)
            return time.perf_counter() - started
        except Exception:  # a page that does not draw in time is a finding, not a crash
            return float("nan")
        finally:
            browser.close()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    rows = []
    for size in SIZES:
        graph = synthetic(size)
        page = OUT / f"viz-{size}.html"
        started = time.perf_counter()
        drawing = draw(graph, page, f"bench {size}")
        written = time.perf_counter() - started
        drawn = first_draw(page, 180)
        rows.append({"nodes": size, "edges": graph.number_of_edges(), "physics": drawing.physics, "write_s": round(written, 2),
                     "page_mb": round(page.stat().st_size / 1e6, 1), "first_draw_s": None if drawn is None else round(drawn, 2)})
        page.unlink()
    print(f"network page (physics below {PHYSICS_LIMIT} nodes; positions computed in Python above)")
    print(f"{'nodes':>7} {'edges':>7} {'physics':>8} {'write s':>8} {'page MB':>8} {'first draw s':>13}")
    for row in rows:
        drawn = "no chromium" if row["first_draw_s"] is None else f"{row['first_draw_s']:.2f}"
        print(f"{row['nodes']:>7} {row['edges']:>7} {str(row['physics']):>8} {row['write_s']:>8.2f} {row['page_mb']:>8.1f} {drawn:>13}")
    (OUT / "viz.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print(f"wrote {OUT / 'viz.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
