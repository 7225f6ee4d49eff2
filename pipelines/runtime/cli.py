"""The shared command line of `python pipelines/<name>.py`.

Each entry script declares a PipelineSpec and calls `main(spec)`. The run goes
extract -> normalize -> contract check -> load, so a contract violation stops the
run before anything reaches the warehouse.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import dlt
from dlt.common.configuration.exceptions import ConfigFieldMissingException
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.pipeline.pipeline import Pipeline

from . import destination as destinations
from .redaction import redactor
from .settings import SettingError, describe_missing

PROGRESS_CHOICES = ("log", "tqdm", "enlighten", "alive_progress", "none")

EXIT_OK, EXIT_FAILED, EXIT_SETTINGS = 0, 1, 2


@dataclass(frozen=True)
class PipelineSpec:
    name: str  # dlt pipeline name, also the dashboard's: `dlt pipeline <name> show`
    dataset: str  # raw dataset (schema) in the warehouse
    build_source: Callable[[], DltSource]
    secret_keys: tuple[str, ...] = field(default_factory=tuple)  # masked in all output
    description: str = ""


def parse_args(spec: PipelineSpec, argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"python pipelines/{spec.name}.py", description=spec.description
    )
    parser.add_argument(
        "--destination",
        choices=destinations.SUPPORTED,
        default=None,
        help="warehouse to load (default: the destination_type setting, else duckdb)",
    )
    parser.add_argument(
        "--progress",
        choices=PROGRESS_CHOICES,
        default="log",
        help="dlt progress display (default: log)",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="wipe this pipeline's raw tables and incremental state, then reload everything",
    )
    return parser.parse_args(argv)


def create_pipeline(spec: PipelineSpec, destination_name: str, progress: str) -> Pipeline:
    return dlt.pipeline(
        pipeline_name=spec.name,
        destination=destinations.build_destination(destination_name),
        dataset_name=spec.dataset,
        progress=None if progress == "none" else progress,
    )


def register_secrets(keys: Sequence[str]) -> None:
    for key in keys:
        try:
            redactor.add(dlt.secrets.get(key))
        except Exception:  # unresolvable now: the source will report it by name
            continue


def run(spec: PipelineSpec, pipeline: Pipeline, *, full_refresh: bool = False):
    """Extract, normalize, check the raw contract, load. Returns dlt's LoadInfo."""
    from migrations import contract

    source = spec.build_source()
    contract.prepare(pipeline)
    pipeline.extract(source, refresh="drop_data" if full_refresh else None)
    pipeline.normalize()
    contract.check(pipeline)
    info = pipeline.load()
    info.raise_on_failed_jobs()
    return info


def report_error(error: BaseException) -> int:
    """Print a redacted, actionable message; return the exit code."""
    cause = error
    while isinstance(cause, PipelineStepFailed) and cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, ConfigFieldMissingException):
        message, code = describe_missing(cause), EXIT_SETTINGS
    elif isinstance(cause, SettingError):
        message, code = str(cause), EXIT_SETTINGS
    else:
        message, code = f"{type(cause).__name__}: {cause}", EXIT_FAILED
    print(f"error: {redactor.redact(message)}", file=sys.stderr)
    return code


def main(spec: PipelineSpec, argv: Sequence[str] | None = None) -> int:
    args = parse_args(spec, argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    redactor.install()
    register_secrets(spec.secret_keys)
    started = time.monotonic()
    try:
        name = destinations.destination_name(args.destination)
        pipeline = create_pipeline(spec, name, args.progress)
        info = run(spec, pipeline, full_refresh=args.full_refresh)
    except Exception as error:  # every failure ends here: redacted message, non-zero exit
        logging.getLogger(spec.name).debug("run failed", exc_info=True)
        return report_error(error)
    from .summary import render

    print(
        redactor.redact(
            render(pipeline, info, destinations.describe(name), time.monotonic() - started)
        )
    )
    return EXIT_OK
