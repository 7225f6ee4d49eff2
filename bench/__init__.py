"""Benchmarks: what the pipelines cost against the sandbox, as records with targets.

`script/bench` (python -m bench) runs the metric groups registered in `bench.groups` and
writes bench/results/latest.json. A group is a module with

    def run(options: Options) -> list[Record]

registered by name in `bench.groups.GROUPS`; `--only NAME[,NAME]` selects groups.
"""
