"""`python -m migrations check|upgrade|show`: the warehouse against the contract."""

from __future__ import annotations

import pytest

from migrations.__main__ import main
from pipelines.contract import upgrade as commands
from pipelines.contract.compare import ContractViolation
from pipelines.contract.head import head_contract
from tests.contract.conftest import Warehouse


def test_check_fails_until_the_warehouse_is_upgraded(
    warehouse: Warehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 1
    assert "the warehouse is at revision (none)" in capsys.readouterr().err

    assert main(["upgrade", "--destination", "duckdb"]) == 0
    assert f"duckdb file {warehouse.duckdb_path}" in capsys.readouterr().out
    assert main(["check"]) == 0
    assert "Raw contract holds" in capsys.readouterr().out


def test_check_names_every_column_that_drifted_in_the_warehouse(
    loaded: Warehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    loaded.execute("alter table raw_google.contacts alter column birthday type varchar")
    loaded.execute("alter table raw_hubspot.contacts drop column deleted_at")
    loaded.execute("drop table raw_notion.weekly_habits")

    capsys.readouterr()
    assert main(["check"]) == 1
    error = capsys.readouterr().err
    assert "raw_google.contacts.birthday: expected DATE, found VARCHAR" in error
    assert (
        "raw_hubspot.contacts.deleted_at: expected TIMESTAMP WITH TIME ZONE, found no such column"
        in error
    )
    assert "raw_notion.weekly_habits: expected the table, found no such table" in error
    assert "raw_google.contacts.updated_at" not in error


def test_check_is_callable_from_a_task(loaded: Warehouse) -> None:
    assert commands.check_warehouse("duckdb").kind == "duckdb"
    loaded.execute("alter table raw_google.contacts alter column is_deleted drop not null")
    with pytest.raises(ContractViolation) as stopped:
        commands.check_warehouse()
    assert [str(b) for b in stopped.value.breaches] == [
        "raw_google.contacts.is_deleted: expected BOOLEAN NOT NULL, found BOOLEAN"
    ]


def test_an_unknown_destination_is_a_settings_error(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESTINATION_TYPE", "snowflake")
    assert main(["check"]) == 2
    assert "destination_type" in capsys.readouterr().err


def test_show_prints_the_contract_at_head(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show"]) == 0
    out = capsys.readouterr().out
    assert f"revision {head_contract().revision}" in out
    assert "raw_hubspot.associations" in out
    assert "association_type_id" in out and "bigint NOT NULL  primary key" in out
