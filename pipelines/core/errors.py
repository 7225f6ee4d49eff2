"""What a failed run tells its user: one redacted, actionable message and an exit code.

Shared by the entry scripts, `python -m migrations` and the Airflow tasks, so a failure
reads the same wherever it happens.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from dlt.common.configuration.exceptions import ConfigFieldMissingException

from .redaction import redactor
from .settings import SettingError, describe_missing

EXIT_OK, EXIT_FAILED, EXIT_SETTINGS = 0, 1, 2


def _causes(error: BaseException | None) -> Iterator[BaseException]:
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
