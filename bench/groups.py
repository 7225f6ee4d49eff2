"""The metric groups `script/bench` knows, in the order it runs them.

Each value names a module with `run(options) -> list[Record]`; add a group by adding a
line here (for example "airflow": "bench.airflow").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .core import Options, Record

GROUPS: dict[str, str] = {
    "loads": "bench.loads",  # requests against the minimum: full, 1 % edited, no change
    "rate_limited": "bench.rate_limited",  # large workspaces under the documented limits
    "throughput": "bench.throughput",  # rows per second against bare dlt, same JSON
    "airflow": "bench.airflow",  # parse time, idle and peak PSS, dbt DAG against dbt build
    "scripts": "bench.scripts",  # script/demo on a warm environment, script/test
}


def runner(name: str) -> Callable[[Options], list[Record]]:
    return importlib.import_module(GROUPS[name]).run
