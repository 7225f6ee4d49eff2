"""Keep secrets out of what a run leaves on disk.

dlt pickles each run's trace (`trace.pickle`, read by `dlt pipeline <name> show`) with
exception messages and stack frames as raised: a token a library echoed into an error
would sit there in clear. dlt saves the trace itself after every step, before the run
driver can clean up, so a run killed in between would leave that trace behind: every
trace dlt saves is therefore masked as it is written (`save_masked_trace` stands in for
dlt's `save_trace`), and after every run the driver saves it once more, masked with every
secret registered by then, the ones obtained during the run (access tokens) included.
"""

from __future__ import annotations

import importlib
from typing import Any

from dlt.pipeline.pipeline import Pipeline
from dlt.pipeline.trace import PipelineTrace, save_trace

from pipelines.core.redaction import redactor


def masked(value: Any) -> Any:
    """`value` with every secret masked in every string it holds, however deeply."""
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # NamedTuple: dlt's traces
        return type(value)(*(masked(item) for item in value))
    if isinstance(value, list | tuple | set):
        return type(value)(masked(item) for item in value)
    if isinstance(value, dict):
        return {masked(key): masked(item) for key, item in value.items()}
    return value


def save_masked_trace(trace_dir: str, trace: PipelineTrace) -> None:
    """dlt's `save_trace`, secrets masked (atomically, as dlt saves it)."""
    save_trace(trace_dir, masked(trace))


def save_scrubbed_trace(pipeline: Pipeline, trace: PipelineTrace | None) -> None:
    """Save the run's trace with secrets masked."""
    if trace is not None:
        save_masked_trace(pipeline.working_dir, trace)


# The traces dlt saves after each step: `Pipeline` looks `save_trace` up in its module
# (imported by name: the attribute `dlt.pipeline` is a function, not that package).
importlib.import_module("dlt.pipeline.pipeline").save_trace = save_masked_trace
