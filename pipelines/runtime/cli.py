"""The shared command line of `python pipelines/<name>.py`.

Each entry script declares a PipelineSpec and calls `main(spec)`. The run goes
extract -> normalize -> contract check -> load, so a contract violation stops the
run before anything reaches the warehouse.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import dlt
from dlt.common.configuration.exceptions import ConfigFieldMissingException
from dlt.extract.source import DltSource
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


def register_secrets(keys: Sequence[str]) -> list[str]:
    """Mask these settings' values in all output; returns the values that resolved."""
    values = []
    for key in keys:
        try:
            value = dlt.secrets.get(key)
        except Exception:  # unresolvable now: the source will report it by name
            continue
        if value:
            redactor.add(value)
            values.append(str(value))
    return values


def run(spec: PipelineSpec, pipeline: Pipeline, *, full_refresh: bool = False):
    """Extract, normalize, check the raw contract, load. Returns dlt's LoadInfo."""
    from migrations import contract

    source = spec.build_source()
    contract.prepare(pipeline)
    pipeline.sync_destination()  # a fresh worker restores state (cursors) from the warehouse
    with contract.rollback_on_error(pipeline):  # a stop here leaves no package, no new state
        pipeline.extract(source, refresh="drop_data" if full_refresh else None)
        pipeline.normalize()
        contract.check(pipeline)
    info = pipeline.load()
    info.raise_on_failed_jobs()
    return info


def _causes(error: BaseException):
    while error is not None:
        yield error
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)


def _is_dlt_wrapper(error: BaseException) -> bool:
    return type(error).__module__.startswith("dlt.") and error.__cause__ is not None


def describe_error(error: BaseException) -> tuple[str, int]:
    """A redacted, actionable message for a failed run, and its exit code.

    dlt wraps what a source raises (PipelineStepFailed, ResourceExtractionError...);
    the message shown is the settings problem anywhere in the chain, else the first
    error that is not one of dlt's wrappers, with the resource it came from.
    """
    causes = list(_causes(error))
    setting = next(
        (c for c in causes if isinstance(c, SettingError | ConfigFieldMissingException)), None
    )
    if isinstance(setting, ConfigFieldMissingException):
        message, code = describe_missing(setting), EXIT_SETTINGS
    elif setting is not None:
        message, code = str(setting), EXIT_SETTINGS
    else:
        root = next((c for c in causes if not _is_dlt_wrapper(c)), causes[-1])
        message, code = f"{type(root).__name__}: {root}", EXIT_FAILED
        resource = next((c.pipe_name for c in causes if getattr(c, "pipe_name", None)), None)
        if resource and root is not causes[0]:
            message = f"resource `{resource}`: {message}"
    return redactor.redact(message), code


def report_error(error: BaseException) -> int:
    """Print the message of `describe_error` to stderr; return the exit code."""
    message, code = describe_error(error)
    print(f"error: {message}", file=sys.stderr)
    return code


def configure_logging() -> None:
    """Log warnings to stderr, through the redactor.

    Called after dlt resolved its first setting: that may import Airflow, whose logging
    setup replaces the root handlers (pointing them at a buffer outside Airflow).
    """
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    redactor.install()


def main(spec: PipelineSpec, argv: Sequence[str] | None = None) -> int:
    args = parse_args(spec, argv)
    # Outside Airflow, skip dlt's Airflow Variables provider (it would import Airflow).
    os.environ.setdefault("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "false")
    configure_logging()
    register_secrets(spec.secret_keys)
    started = time.monotonic()
    try:
        name = destinations.destination_name(args.destination)
        pipeline = create_pipeline(spec, name, args.progress)
        configure_logging()
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
