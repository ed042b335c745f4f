"""A category evaluation as plain text: accuracy, a per-category table, the confusion matrix."""

from __future__ import annotations

from tooling.evaluation.categories import CATEGORIES, CategoryEvaluation


def format_evaluation(evaluation: CategoryEvaluation, title: str, mistakes: int = 0) -> str:
    """The report; with ``mistakes`` > 0, also up to that many misclassified messages."""
    lines = [
        f"{title}: accuracy {evaluation.accuracy:.4f} ({evaluation.correct}/{evaluation.total})",
        "",
        f"  {'category':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for category, s in evaluation.per_category.items():
        lines.append(
            f"  {category.value:<10} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f}"
            f" {s.support:>8}"
        )
    width = max(len(c.value) for c in CATEGORIES)
    lines += ["", "  confusion matrix (rows: expected, columns: predicted)"]
    lines.append("  " + " " * width + "".join(f" {c.value[:8]:>8}" for c in CATEGORIES))
    for expected, row in evaluation.confusion.items():
        counts = "".join(f" {row[predicted]:>8}" for predicted in CATEGORIES)
        lines.append(f"  {expected.value:<{width}}{counts}")
    shown = evaluation.mistakes[:mistakes]
    if shown:
        lines += ["", f"  misclassified ({len(shown)} of {len(evaluation.mistakes)} shown)"]
        for m in shown:
            text = " ".join(m.text.split())
            text = text if len(text) <= 90 else text[:87] + "..."
            lines.append(f"    {m.expected.value} -> {m.predicted.value}: {text}")
    return "\n".join(lines)
