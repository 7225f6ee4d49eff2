"""script/bench: run the benchmark groups, print a table, write bench/results/latest.json.

script/bench                  every group, full workloads (under 30 minutes on 2 cores)
script/bench --quick          small workloads, two runs each (a few minutes)
script/bench --only loads     some groups only (comma list; see bench/groups.py)
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .core import RESULTS, Options, Record, read_json, table, write_json
from .groups import GROUPS, runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="script/bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small workloads, fewer runs")
    parser.add_argument(
        "--only", default="", help=f"comma list of groups to run ({', '.join(GROUPS)})"
    )
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (3, quick 2)")
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="where to write the records (JSON)"
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="keep the figures already in the output file (same metric: replaced)",
    )
    args = parser.parse_args(argv)
    chosen = [g.strip() for g in args.only.split(",") if g.strip()] or list(GROUPS)
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    options = Options(quick=args.quick, runs=args.runs or (2 if args.quick else 3))
    logging.basicConfig(level=logging.WARNING)

    records: list[Record] = []
    started = time.perf_counter()
    for name in chosen:
        print(f"==> {name}", file=sys.stderr, flush=True)
        group_started = time.perf_counter()
        records.extend(runner(name)(options))
        print(
            f"    {name}: {time.perf_counter() - group_started:.0f} s", file=sys.stderr, flush=True
        )
    if args.append:
        fresh = {r.metric for r in records}
        records = [r for r in read_json(args.output) if r.metric not in fresh] + records
    write_json(records, args.output)
    print(table(records))
    missed = [r.metric for r in records if r.meets_target is False]
    print(
        f"\n{len(records)} figures in {time.perf_counter() - started:.0f} s"
        f" ({'quick' if options.quick else 'full'}, {options.runs} runs each);"
        f" {len(missed)} miss their target. Written to {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
