"""Retry-After parsing shared by the three sources: seconds or an HTTP date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from pipelines.runtime.retry_after import retry_after_seconds


@pytest.mark.parametrize(("value", "expected"), [("3", 3.0), (" 0 ", 0.0), (7, 7.0), ("-2", 0.0)])
def test_delay_seconds(value, expected) -> None:
    assert retry_after_seconds(value) == expected


def test_http_date_in_the_future_and_in_the_past() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 < retry_after_seconds(soon) <= 90
    past = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
    assert retry_after_seconds(past) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "Wed, 99 Foo"])
def test_absent_or_unreadable_is_none(value) -> None:
    assert retry_after_seconds(value) is None
