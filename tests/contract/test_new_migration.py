"""A later revision adds a contracted column to a warehouse that already holds data:
it applies on the next run, keeps the rows, and from then on the column is enforced."""

from __future__ import annotations

import pytest
from alembic import command

from pipelines.contract import upgrade as commands
from pipelines.contract.alembic_config import alembic_config
from pipelines.contract.head import head_contract
from pipelines.runner import main
from tests.contract.conftest import Warehouse
from tests.contract.sources import FakeGoogle, person

RUN = ["--progress", "none"]


def test_a_new_contracted_column_applies_to_a_loaded_warehouse(
    loaded: Warehouse,
    google: FakeGoogle,
    nickname_revision: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = loaded.rows("raw_google", "contacts")
    assert head_contract().revision == nickname_revision
    assert head_contract().table("raw_google", "contacts").column("nickname").data_type == "text"

    # the next run migrates first; a source that does not send nickname yet is stopped
    google.rows.append(person(9, day=5))
    capsys.readouterr()
    assert main(google.spec(), RUN) == 1
    assert (
        "raw_google.contacts.nickname: expected text, found no such column in this run's data"
        in capsys.readouterr().err
    )
    assert loaded.columns("raw_google", "contacts")["nickname"] == ("VARCHAR", "YES")
    assert [row[:-1] for row in loaded.rows("raw_google", "contacts")] == rows  # only NULL added
    commands.check_warehouse()

    # the source catches up: one nickname column, old rows kept, new values loaded
    google.hints["nickname"] = {"data_type": "text"}
    for row in google.rows:
        row["nickname"] = f"nick {row['resource_name']}"
    google.rows[0]["updated_at"] = "2026-10-06T08:00:00+00:00"
    assert main(google.spec(), RUN) == 0
    columns = loaded.columns("raw_google", "contacts")
    assert [name for name in columns if name.startswith("nickname")] == ["nickname"]
    assert loaded.query(
        "select resource_name, nickname from raw_google.contacts "
        "where nickname is not null order by 1"
    ) == [("people/c1", "nick people/c1"), ("people/c9", "nick people/c9")]
    assert loaded.query("select count(*) from raw_google.contacts") == [(6,)]
    commands.check_warehouse()

    # and the revision can be taken back without touching the other columns' data
    command.downgrade(alembic_config(), "-1")
    assert "nickname" not in loaded.columns("raw_google", "contacts")
    assert loaded.query("select count(*) from raw_google.contacts") == [(6,)]
