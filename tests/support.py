"""Paths of the example documents and a reader for the hand-written golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from policykg.graph_builder.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "data" / "documents"
SEED = DOCUMENTS / "shanghai-2025-civil-affairs-plan-and-2024-summary.txt"
CHENGDU = DOCUMENTS / "chengdu-2022-elderly-care-measures.txt"
CHENGDU_PAGE = ROOT / "data" / "pages" / "chengdu-2022-elderly-care-measures.html"
BAOTOU = DOCUMENTS / "baotou-2022-digital-government-evaluation.txt"
GOLDEN = ROOT / "tests" / "golden"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def golden(name: str) -> list[dict]:
    """Return the records of a hand-written golden file."""
    return [json.loads(line) for line in (GOLDEN / name).read_text(encoding="utf-8").splitlines() if line.strip()]

# A document whose titles, names and sentences carry markup: pages must show it as text.
ESCAPE_DOCUMENT = (
    "某市民政局关于印发《测试工作要点》的通知\n"
    "各区民政局：\n"
    "落实《<script>alert(1)</script>管理办法》和《\"><img src=x onerror=alert(2)>条例》，开展“<b>粗体</b>行动”。\n"
    "某市民政局\n"
    "2025年1月22日\n"
)

# Every way markup can ride in on a document: in the notice's title, in 《》 titles, in “” program
# names, in sentences, as a javascript: link and as an attribute break-out. Each payload, if it
# ran, would set window.__xss.
HOSTILE_DOCUMENT = (
    '某市民政局关于印发《<script>window.__xss=1</script>养老服务办法》的通知"><img src=x onerror=window.__xss=2>\n'
    "各区民政局：\n"
    '现将《"><img src=x onerror=window.__xss=3>实施方案》印发给你们，请认真贯彻执行。\n'
    "某市民政局\n"
    "2025年1月22日\n"
    "一、加强养老服务。实施“<img src=x onerror=window.__xss=4>”行动，新增养老床位3000张。\n"
    '二、依据《javascript:window.__xss=5》开展检查，市民政局会同市财政局负责<a href="javascript:window.__xss=6">点击</a>。\n'
    "三、推进“<svg onload=window.__xss=7>”工程，到2025年社区食堂达到200家<script>window.__xss=8</script>。\n"
)



class DyingGazetteer(Gazetteer):
    """Stands in for a worker the system kills (out of memory): it exits its process on a notice from 致命市."""

    def jurisdiction_of_issuer(self, issuer: str) -> str:
        if issuer.startswith("致命"):
            os._exit(9)
        return super().jurisdiction_of_issuer(issuer)
