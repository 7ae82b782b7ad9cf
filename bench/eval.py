"""Print precision and recall of extraction against the hand-written golden files (`make eval`)."""

from pathlib import Path

from policykg.evaluate import evaluate, table

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {
    "seed": ROOT / "data/documents/shanghai-2025-civil-affairs-plan-and-2024-summary.txt",
    "chengdu": ROOT / "data/documents/chengdu-2022-elderly-care-measures.txt",
    "baotou": ROOT / "data/documents/baotou-2022-digital-government-evaluation.txt",
}

if __name__ == "__main__":
    print(table(evaluate(DOCUMENTS, ROOT / "tests/golden")))
