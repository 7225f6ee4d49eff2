"""The shared command line of `python pipelines/<name>.py`.

Each entry script names its registry entry and calls `main(spec)`: arguments, logging
through the redactor, the run itself (see `driver`), and a one-screen summary or one
actionable error with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

from pipelines.core import destination as destinations
from pipelines.core.errors import EXIT_OK, report_error
from pipelines.core.redaction import redactor, register_secrets
from pipelines.registry import PipelineSpec

from .driver import create_pipeline, run
from .summary import render

PROGRESS_CHOICES = ("log", "tqdm", "enlighten", "alive_progress", "none")


def parse_args(spec: PipelineSpec, argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=f"python {spec.entry_script}", description=spec.description
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


def configure_logging() -> None:
    """Log warnings to stderr, through the redactor.

    Called again after dlt resolved its first setting: that may import Airflow, whose
    logging setup replaces the root handlers (pointing them at a buffer outside Airflow).
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
        configure_logging()  # creating the pipeline may have imported Airflow's logging
        run(spec, pipeline, full_refresh=args.full_refresh)
    except Exception as error:  # every failure ends here: redacted message, non-zero exit
        logging.getLogger(spec.name).debug("run failed", exc_info=True)
        return report_error(error)
    summary = render(pipeline, destinations.describe(name), time.monotonic() - started)
    print(redactor.redact(summary))
    return EXIT_OK
