"""What every metric group shares: options, records with targets, the table, the JSON."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass(frozen=True)
class Options:
    quick: bool = False  # smaller workloads, fewer runs: a few minutes in all
    runs: int = 3  # runs per measured figure


@dataclass(frozen=True)
class Record:
    """One figure over several runs. `target` is an upper bound, or a lower one when the
    metric is one where more is better (`higher_is_better`); None: measured, no target."""

    metric: str
    unit: str
    median: float
    min: float
    max: float
    target: float | None
    meets_target: bool | None
    higher_is_better: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        del data["higher_is_better"]
        return data


def record(
    metric: str,
    unit: str,
    values: Sequence[float],
    target: float | None = None,
    *,
    higher_is_better: bool = False,
) -> Record:
    """Summarise the runs of one metric; it meets its target when its median does."""
    if not values:
        raise ValueError(f"{metric}: no runs measured")
    median = float(statistics.median(values))
    meets = None
    if target is not None:
        meets = median >= target if higher_is_better else median <= target
    return Record(
        metric,
        unit,
        round(median, 4),
        round(float(min(values)), 4),
        round(float(max(values)), 4),
        target,
        meets,
        higher_is_better,
    )


def table(records: Sequence[Record]) -> str:
    """The records as a Markdown table (the README's Performance section shows it)."""
    lines = [
        "| metric | unit | median | min | max | target | meets |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in records:
        target = "" if r.target is None else ("≥ " if r.higher_is_better else "≤ ") + _n(r.target)
        meets = {True: "yes", False: "**no**", None: ""}[r.meets_target]
        lines.append(
            f"| {r.metric} | {r.unit} | {_n(r.median)} | {_n(r.min)} | {_n(r.max)} | "
            f"{target} | {meets} |"
        )
    return "\n".join(lines)


def write_json(records: Sequence[Record], path: Path = RESULTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([r.as_json() for r in records], indent=2) + "\n", encoding="utf-8")


def read_json(path: Path = RESULTS) -> list[Record]:
    """Records written earlier (none when the file is missing)."""
    if not path.exists():
        return []
    return [_from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def _from_json(item: dict) -> Record:
    target, median, meets = item.get("target"), item["median"], item.get("meets_target")
    # the direction is not stored: a met target above the median, or a missed one below
    # it, was a lower bound
    higher = target is not None and meets is not None and (median > target) == bool(meets)
    return Record(
        item["metric"], item["unit"], median, item["min"], item["max"], target, meets, higher
    )


def _n(value: float) -> str:
    if float(value).is_integer() and abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:,.2f}"
