"""The one-screen report printed at the end of an ad hoc run."""

from __future__ import annotations

from dlt.pipeline.pipeline import Pipeline


def rows_this_run(pipeline: Pipeline) -> dict[str, int]:
    """Rows normalized in the last run per data table (dlt's own tables left out)."""
    trace = pipeline.last_trace
    info = trace.last_normalize_info if trace else None
    counts = info.row_counts if info else {}
    return {table: n for table, n in sorted(counts.items()) if not table.startswith("_dlt")}


def render(pipeline: Pipeline, where: str, seconds: float) -> str:
    """The summary of a run that loaded (failed load jobs raise before it is shown)."""
    counts = rows_this_run(pipeline)
    width = max([len(t) for t in counts] + [5])
    lines = [
        f"Pipeline   {pipeline.pipeline_name}",
        f"Warehouse  {where}",
        f"Dataset    {pipeline.dataset_name}",
        f"Took       {seconds:.1f} s",
        "",
        f"  {'table':<{width}}  rows loaded",
    ]
    lines += [f"  {table:<{width}}  {n:>11,}" for table, n in counts.items()] or [
        "  (no changes at the source)"
    ]
    lines += ["", f"Explore: dlt pipeline {pipeline.pipeline_name} show"]
    return "\n".join(lines)
