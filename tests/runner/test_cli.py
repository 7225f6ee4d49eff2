"""The entry scripts' command line: settings errors, redaction, destination choice, summary."""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from pipelines.core import destination as destinations
from pipelines.core.redaction import Redactor
from pipelines.core.settings import SettingError
from pipelines.registry import PipelineSpec
from pipelines.runner import main

SECRET = "tok-3f9a1c77-very-secret"


@dlt.source(name="toy", section="toy")
def toy_source(api_key: str = dlt.secrets.value, rows: int = 3):
    """A stand-in source whose token is checked like a real API would."""
    if api_key != SECRET:
        raise SettingError("sources.toy.api_key", "the API rejected the token")

    @dlt.resource(primary_key="id", write_disposition="merge")
    def items():
        yield [{"id": i, "label": f"item {i}"} for i in range(rows)]

    return items


def failing_source(api_key: str = dlt.secrets.value):
    raise RuntimeError(f"upstream said: bad credentials {api_key!r}")


SPEC = PipelineSpec(
    name="toy_pipeline",
    dataset="raw_toy",
    source="toy",
    build_source=toy_source,
    secret_keys=("sources.toy.api_key",),
)


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("SOURCES__TOY__API_KEY", raising=False)
    return tmp_path


def test_missing_secret_names_env_var_and_toml_key(isolated: Path, capsys) -> None:
    assert main(SPEC, []) == 2
    err = capsys.readouterr().err
    assert "SOURCES__TOY__API_KEY" in err
    assert "api_key" in err and "secrets.toml" in err


def test_wrong_secret_is_reported_by_name_never_by_value(
    isolated: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SOURCES__TOY__API_KEY", "tok-wrong-value-123456")
    assert main(SPEC, []) == 2
    out, err = capsys.readouterr()
    assert "SOURCES__TOY__API_KEY" in err and "[sources.toy]" in err
    assert "tok-wrong-value-123456" not in out + err


def test_secret_echoed_in_an_exception_is_masked(isolated: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SOURCES__TOY__API_KEY", SECRET)
    spec = PipelineSpec(
        name="toy_failing",
        dataset="raw_toy",
        source="toy",
        build_source=dlt.source(failing_source, name="toy", section="toy"),
        secret_keys=("sources.toy.api_key",),
    )
    assert main(spec, []) == 1
    out, err = capsys.readouterr()
    assert "bad credentials" in err
    assert SECRET not in out + err and "***" in err


def test_successful_run_loads_duckdb_at_the_configured_path_and_summarises(
    isolated: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SOURCES__TOY__API_KEY", SECRET)
    assert main(SPEC, ["--progress", "none"]) == 0
    out = capsys.readouterr().out
    assert "items" in out and "3" in out and "dlt pipeline toy_pipeline show" in out
    assert str(isolated / "w.duckdb") in out
    import duckdb

    with duckdb.connect(str(isolated / "w.duckdb")) as connection:
        assert connection.execute("select count(*) from raw_toy.items").fetchone() == (3,)


def test_rerun_merges_instead_of_duplicating(isolated: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCES__TOY__API_KEY", SECRET)
    assert main(SPEC, ["--progress", "none"]) == 0
    assert main(SPEC, ["--progress", "none"]) == 0
    import duckdb

    with duckdb.connect(str(isolated / "w.duckdb")) as connection:
        assert connection.execute("select count(*) from raw_toy.items").fetchone() == (3,)


def test_unknown_destination_setting_is_a_settings_error(
    isolated: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SOURCES__TOY__API_KEY", SECRET)
    monkeypatch.setenv("DESTINATION_TYPE", "snowflake")
    assert main(SPEC, []) == 2
    assert "DESTINATION_TYPE" in capsys.readouterr().err


def test_destination_flag_beats_setting(monkeypatch) -> None:
    monkeypatch.setenv("DESTINATION_TYPE", "bigquery")
    assert destinations.destination_name(None) == "bigquery"
    assert destinations.destination_name("duckdb") == "duckdb"


def test_relative_duckdb_path_is_taken_from_the_project_root(monkeypatch) -> None:
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", "data/x.duckdb")
    assert destinations.duckdb_path() == destinations.PROJECT_ROOT / "data" / "x.duckdb"
    monkeypatch.delenv("DESTINATION__DUCKDB__CREDENTIALS")
    assert destinations.duckdb_path() == destinations.DEFAULT_DUCKDB_PATH


def test_redactor_masks_longest_secret_first_and_ignores_short_values() -> None:
    redactor = Redactor()
    redactor.add("abc")  # too short to mask safely
    redactor.add("secret-value-1")
    redactor.add("secret-value-1-longer")
    assert redactor.redact("a abc secret-value-1-longer secret-value-1") == "a abc *** ***"
