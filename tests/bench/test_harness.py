"""The benchmark harness on tiny inputs: records, targets, the table, group registration."""

from __future__ import annotations

import importlib
import json

from bench.core import read_json, record, table, write_json
from bench.groups import GROUPS
from bench.workloads import minimum_requests


def test_a_record_meets_its_target_by_its_median(tmp_path) -> None:
    lower = record("requests / minimum", "x", [1.0, 1.2, 1.0], 1.05)
    assert (lower.median, lower.min, lower.max, lower.meets_target) == (1.0, 1.0, 1.2, True)
    higher = record("throughput", "x", [0.7, 0.75, 0.9], 0.8, higher_is_better=True)
    assert higher.meets_target is False
    untargeted = record("script/demo", "s", [30.0])
    assert untargeted.meets_target is None and untargeted.target is None

    write_json([lower, higher, untargeted], tmp_path / "latest.json")
    written = json.loads((tmp_path / "latest.json").read_text())
    assert [sorted(r) for r in written] == [
        sorted(["metric", "unit", "median", "min", "max", "target", "meets_target"])
    ] * 3
    assert read_json(tmp_path / "latest.json") == [lower, higher, untargeted]
    shown = table([lower, higher, untargeted])
    assert "| throughput | x | 0.75 | 0.70 | 0.90 | ≥ 0.80 | **no** |" in shown
    assert "| requests / minimum | x | 1.00 | 1.00 | 1.20 | ≤ 1.05 | yes |" in shown


def test_every_registered_group_is_a_module_with_run() -> None:
    for module in GROUPS.values():
        assert callable(importlib.import_module(module).run)


def test_minimum_requests_follow_the_page_sizes() -> None:
    notion = {"daily": 365, "weekly": 53}
    assert minimum_requests("notion", "full", notion, {}) == 4 + 4 + 1
    assert minimum_requests("notion", "no change", notion, {}) == 4 + 2 + 2
    assert minimum_requests("notion", "edited", notion, {"daily": 3, "weekly": 1}) == 8
    google = {"contacts": 2_500, "contact_groups": 14}
    assert minimum_requests("google_people", "full", google, {}) == 1 + 3 + 1
    assert minimum_requests("google_people", "no change", google, {}) == 3
