"""Loads run on the migrated tables; data that breaks the contract stops the run before
load, names what broke, and leaves the warehouse, the packages and the state as they were."""

from __future__ import annotations

from collections.abc import Callable

import dlt
import pytest

from pipelines.contract.head import head_contract
from pipelines.registry import PipelineSpec
from pipelines.runner import main
from tests.contract.asserts import assert_dlt_agrees_with_the_warehouse
from tests.contract.conftest import Warehouse
from tests.contract.sources import PAGE_HINTS, FakeGoogle, person

RUN = ["--progress", "none"]


def test_dlt_loads_onto_the_migrated_tables_without_duplicate_or_conflicting_columns(
    loaded: Warehouse,
) -> None:
    columns = loaded.columns("raw_google", "contacts")
    contracted = head_contract().table("raw_google", "contacts")
    assert list(columns)[: len(contracted.columns)] == [c.name for c in contracted.columns]
    assert_dlt_agrees_with_the_warehouse(loaded, loaded.pipeline("google_contacts"))
    assert len(loaded.rows("raw_google", "contacts")) == 5

    # a second run merges on the key: no duplicate rows, no new columns
    assert main(FakeGoogle(rows=[person(1, day=3)]).spec(), RUN) == 0
    assert loaded.columns("raw_google", "contacts") == columns
    assert loaded.query(
        "select count(*), count(distinct resource_name) from raw_google.contacts"
    ) == [(5, 5)]


def change_type(google: FakeGoogle) -> None:
    google.hints["updated_at"] = {"data_type": "text"}


def change_timezone(google: FakeGoogle) -> None:
    google.hints["updated_at"] = {"data_type": "timestamp", "timezone": False}


def allow_nulls(google: FakeGoogle) -> None:
    google.hints["is_deleted"] = {"data_type": "bool", "nullable": True}


def send_unparseable_values(google: FakeGoogle) -> None:
    google.rows[-1]["birthday"] = "sometime in May"


def stop_sending_a_column(google: FakeGoogle) -> None:
    google.drop_column("primary_email")


DRIFTS: list[tuple[Callable[[FakeGoogle], None], str]] = [
    (change_type, "raw_google.contacts.updated_at: expected timestamp, found text"),
    (
        change_timezone,
        "raw_google.contacts.updated_at: expected timestamp (TIMESTAMP WITH TIME ZONE), "
        "found timestamp (TIMESTAMP)",
    ),
    (allow_nulls, "raw_google.contacts.is_deleted: expected bool NOT NULL, found bool (nullable)"),
    (
        send_unparseable_values,
        "raw_google.contacts.birthday: expected date, found values of type text "
        "(dlt stored them in birthday__v_text)",
    ),
    (
        stop_sending_a_column,
        "raw_google.contacts.primary_email: expected text, found no such column in this run's data",
    ),
]


def durable_state(warehouse: Warehouse, name: str) -> tuple:
    """What a pipeline's next run starts from: its state (cursors) and schema versions."""
    pipeline = warehouse.pipeline(name)
    state = {key: value for key, value in pipeline.state.items() if key != "_local"}
    schemas = {n: pipeline.schemas[n].version_hash for n in pipeline.schema_names}
    return state, schemas


@pytest.mark.parametrize(("drift", "message"), DRIFTS, ids=[d.__name__ for d, _ in DRIFTS])
def test_drift_stops_the_load_and_changes_nothing(
    loaded: Warehouse,
    google: FakeGoogle,
    drift: Callable[[FakeGoogle], None],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows, columns = loaded.rows("raw_google", "contacts"), loaded.columns("raw_google", "contacts")
    before = durable_state(loaded, "google_contacts")
    capsys.readouterr()

    google.rows.append(person(9, day=5))  # new at the source, past the cursor
    drift(google)
    assert main(google.spec(), RUN) == 1

    error = capsys.readouterr().err
    assert "ContractViolation" in error and message in error
    assert loaded.rows("raw_google", "contacts") == rows
    assert loaded.columns("raw_google", "contacts") == columns
    pipeline = loaded.pipeline("google_contacts")
    assert not pipeline.has_pending_data
    assert durable_state(loaded, "google_contacts") == before

    # once the source is fixed, the row the stopped run held back still arrives
    assert main(FakeGoogle(rows=[person(9, day=5)]).spec(), RUN) == 0
    assert loaded.query(
        "select count(*) from raw_google.contacts where resource_name = 'people/c9'"
    ) == [(1,)]


def test_a_contracted_column_missing_from_the_data_stops_the_load(
    warehouse: Warehouse, google: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first load into the migrated warehouse, from a source without primary_email.

    (Once dlt's schema holds a column it keeps it, so on later runs a missing contracted
    column shows up as a new revision the source does not serve yet: test_new_migration.)
    """
    stop_sending_a_column(google)
    assert main(google.spec(), RUN) == 1

    error = capsys.readouterr().err
    assert (
        "raw_google.contacts.primary_email: expected text, found no such column in this run's data"
        in error
    )
    assert warehouse.rows("raw_google", "contacts") == []
    assert warehouse.tables("raw_google") == ["contacts"]  # not even dlt's own tables
    pipeline = warehouse.pipeline("google_contacts")
    assert not pipeline.has_pending_data
    assert "sources" not in pipeline.state  # no incremental cursor was kept


def test_every_breach_is_listed_at_once(
    loaded: Warehouse, google: FakeGoogle, capsys: pytest.CaptureFixture[str]
) -> None:
    google.rows.append(person(9, day=5))
    change_type(google)
    allow_nulls(google)
    capsys.readouterr()
    assert main(google.spec(), RUN) == 1
    error = capsys.readouterr().err
    assert "contacts.updated_at: expected timestamp, found text" in error
    assert "contacts.is_deleted: expected bool NOT NULL, found bool (nullable)" in error


def notion_spec(tables: dict[str, dict]) -> PipelineSpec:
    """A stand-in Notion source: one merge table per configured database."""

    def build():
        def page_resource(table: str, hints: dict):
            @dlt.resource(name=table, write_disposition="merge", primary_key="id", columns=hints)
            def pages():
                page = {
                    "id": f"{table}-1",
                    "created_time": "2026-10-01T08:00:00+00:00",
                    "last_edited_time": "2026-10-02T08:00:00+00:00",
                    "url": f"https://www.notion.so/{table}-1",
                    "is_deleted": False,
                    "mood": "Good",
                }
                yield {k: v for k, v in page.items() if k in hints or k == "mood"}

            return pages

        @dlt.source(name="notion")
        def notion():
            return [page_resource(table, hints) for table, hints in tables.items()]

        return notion()

    return PipelineSpec(
        name="notion_habits", dataset="raw_notion", source="notion", build_source=build
    )


def test_a_configured_notion_table_beyond_the_shipped_ones_carries_the_page_columns(
    warehouse: Warehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    without_url = {k: v for k, v in PAGE_HINTS.items() if k != "url"}
    spec = notion_spec({"daily_habits": PAGE_HINTS, "reading_log": without_url})
    assert main(spec, RUN) == 1
    error = capsys.readouterr().err
    assert "raw_notion.reading_log.url: expected text, found no such column" in error
    assert "daily_habits" not in error
    assert "reading_log" not in warehouse.tables("raw_notion")

    assert main(notion_spec({"daily_habits": PAGE_HINTS, "reading_log": PAGE_HINTS}), RUN) == 0
    assert warehouse.rows("raw_notion", "reading_log")
    assert list(warehouse.columns("raw_notion", "reading_log"))[:5] == list(PAGE_HINTS)
