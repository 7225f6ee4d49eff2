"""The redactor: secrets registered, handed on to subscribers, masked in log records and
in every string of a dlt trace (`pipelines.runner.scrub`)."""

from __future__ import annotations

import importlib
import io
import logging
import pickle
from datetime import UTC, datetime
from typing import NamedTuple

import pytest
from dlt.pipeline.trace import PipelineStepTrace, load_trace

from pipelines.core import redaction
from pipelines.core.redaction import MASK, Redactor, register_secrets
from pipelines.runner import scrub

SECRET = "tok-9d1e-very-secret"
LATER = "ya29.a0-obtained-during-the-run"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Redactor:
    """A redactor of this test's own, standing in for the process-wide one."""
    redactor = Redactor()
    monkeypatch.setattr(redaction, "redactor", redactor)
    monkeypatch.setattr(scrub, "redactor", redactor)
    return redactor


def test_subscribe_replays_known_secrets_then_hands_on_each_new_one_once() -> None:
    redactor = Redactor()
    redactor.add(SECRET)
    redactor.add("other-secret")
    heard: list[str] = []

    redactor.subscribe(heard.append)
    assert sorted(heard) == sorted([SECRET, "other-secret"])

    redactor.add(LATER)
    redactor.add(LATER)  # known already: not handed on again
    redactor.add(SECRET)
    redactor.add("short")  # too short to be masked, nor handed on
    redactor.add(None)
    redactor.subscribe(heard.append)  # the same listener again: no replay, no double calls
    redactor.add("one-more-secret")

    assert sorted(heard) == sorted([SECRET, "other-secret", LATER, "one-more-secret"])


def test_every_subscriber_hears_every_secret() -> None:
    redactor = Redactor()
    first: list[str] = []
    second: list[str] = []
    redactor.subscribe(first.append)
    redactor.add(SECRET)
    redactor.subscribe(second.append)
    redactor.add(LATER)
    assert first == [SECRET, LATER] and second == [SECRET, LATER]


def test_redact_masks_the_longest_secret_first() -> None:
    redactor = Redactor()
    redactor.add("abcdef")
    redactor.add("abcdef-and-more")
    assert redactor.redact("x abcdef-and-more y abcdef z") == f"x {MASK} y {MASK} z"


def test_register_secrets_masks_what_resolves_and_skips_the_rest(
    fresh: Redactor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__TOY__API_KEY", SECRET)
    monkeypatch.setenv("SOURCES__TOY__EMPTY", "")
    monkeypatch.delenv("SOURCES__TOY__MISSING", raising=False)
    heard: list[str] = []
    fresh.subscribe(heard.append)

    values = register_secrets(["sources.toy.api_key", "sources.toy.missing", "sources.toy.empty"])

    assert values == [SECRET] and heard == [SECRET]
    assert fresh.redact(f"Bearer {SECRET}") == f"Bearer {MASK}"


def raise_with(secret: str) -> None:
    raise RuntimeError(f"upstream said: bad token {secret}")


class MessageOnly(logging.Formatter):
    """Prints the message alone, as structlog's formatter (Airflow's) ignores exc_text."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


@pytest.mark.parametrize("formatter", [logging.Formatter("%(message)s"), MessageOnly()])
def test_log_records_are_masked_tracebacks_included(formatter: logging.Formatter) -> None:
    redactor = Redactor()
    redactor.add(SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(redactor)
    logger = logging.getLogger("tests.redaction.records")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("calling with %s", SECRET)
        try:
            raise_with(SECRET)
        except RuntimeError:
            logger.exception("request failed for %s", {"token": SECRET})
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    output = stream.getvalue()
    assert SECRET not in output
    assert f"calling with {MASK}" in output
    assert f"request failed for {{'token': '{MASK}'}}" in output
    # the traceback is kept (once), masked, whatever the formatter prints of exc_info
    assert output.count("Traceback (most recent call last)") == 1
    assert f"RuntimeError: upstream said: bad token {MASK}" in output


def test_install_masks_records_of_any_logger_at_the_root_handlers() -> None:
    redactor = Redactor()
    redactor.add(SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        redactor.install()
        redactor.add(LATER)  # found after install: masked from then on
        logging.getLogger("some.library").warning("token %s then %s", SECRET, LATER)
    finally:
        root.removeHandler(handler)
        for logger in (root, logging.getLogger("dlt")):
            logger.removeFilter(redactor)
            for each in logger.handlers:
                each.removeFilter(redactor)

    assert stream.getvalue() == f"token {MASK} then {MASK}\n"


class Inner(NamedTuple):
    message: str
    count: int


class Outer(NamedTuple):
    name: str
    inner: Inner
    items: list
    mapping: dict
    when: datetime
    nothing: None = None


def test_masked_reaches_every_string_and_keeps_the_types(fresh: Redactor) -> None:
    fresh.add(SECRET)
    when = datetime(2026, 11, 2, tzinfo=UTC)
    value = Outer(
        name=f"run with {SECRET}",
        inner=Inner(f"inner {SECRET}", 3),
        items=[SECRET, (f"t {SECRET}", 1), {f"s {SECRET}"}, [{"deep": [Inner(SECRET, 0)]}]],
        mapping={f"key {SECRET}": {"nested": f"value {SECRET}"}, "n": 1.5},
        when=when,
    )

    result = scrub.masked(value)

    assert result == Outer(
        name=f"run with {MASK}",
        inner=Inner(f"inner {MASK}", 3),
        items=[MASK, (f"t {MASK}", 1), {f"s {MASK}"}, [{"deep": [Inner(MASK, 0)]}]],
        mapping={f"key {MASK}": {"nested": f"value {MASK}"}, "n": 1.5},
        when=when,
    )
    assert type(result) is Outer and type(result.inner) is Inner
    assert type(result.items[1]) is tuple and type(result.items[2]) is set
    assert result.when is when
    assert SECRET not in repr(result)
    assert value.name == f"run with {SECRET}"  # the original is left as it was


def test_dlt_step_traces_are_masked_and_still_load(fresh: Redactor, tmp_path) -> None:
    fresh.add(SECRET)
    step = PipelineStepTrace(
        "span",
        "extract",
        datetime(2026, 11, 2, tzinfo=UTC),
        step_exception=f"extraction failed: bad token {SECRET}",
        exception_traces=[
            {"message": f"bad token {SECRET}", "stack_trace": [f'  raise X("{SECRET}")\n']},
        ],
    )

    result = scrub.masked(step)

    assert isinstance(result, PipelineStepTrace)
    assert result.step_exception == f"extraction failed: bad token {MASK}"
    assert result.exception_traces[0]["stack_trace"] == [f'  raise X("{MASK}")\n']
    assert SECRET.encode() not in pickle.dumps(result)


def test_every_trace_dlt_saves_goes_through_the_scrubber(fresh: Redactor, tmp_path) -> None:
    """dlt's Pipeline saves its trace through its module's `save_trace`: the scrubber's."""
    dlt_pipeline = importlib.import_module("dlt.pipeline.pipeline")
    assert dlt_pipeline.save_trace is scrub.save_masked_trace
    fresh.add(SECRET)
    step = PipelineStepTrace(
        "span", "load", datetime(2026, 11, 2, tzinfo=UTC), step_exception=SECRET
    )

    dlt_pipeline.save_trace(str(tmp_path), step)

    assert SECRET.encode() not in (tmp_path / "trace.pickle").read_bytes()
    assert load_trace(str(tmp_path)).step_exception == MASK
