"""One contract: the migrations define it; the pipelines' dlt schemas and dbt's source
definitions must say the same, column for column."""

from __future__ import annotations

import re
from pathlib import Path

import dlt
import yaml

from pipelines.contract import upgrade as commands
from pipelines.contract.head import head_contract
from pipelines.core.paths import PROJECT_ROOT
from pipelines.registry import PIPELINES
from pipelines.runner import main
from tests.contract.asserts import assert_dlt_agrees_with_the_warehouse
from tests.contract.conftest import Warehouse
from tests.utils import PipelineEnv


def test_the_pipelines_load_the_contract_onto_the_migrated_tables(
    pipeline_env: PipelineEnv,
) -> None:
    contract = head_contract()
    warehouse = Warehouse(pipeline_env.root)
    disagreements = []
    for spec in PIPELINES:
        assert main(spec, ["--progress", "none"]) == 0, spec.name
        pipeline = dlt.attach(pipeline_name=spec.name)
        tables = pipeline.default_schema.tables
        for table in contract.tables_in(spec.dataset):
            declared = tables.get(table.name, {}).get("columns", {})
            for column in table.columns:
                hint = declared.get(column.name, {})
                found = (
                    hint.get("data_type"),
                    hint.get("nullable", True),
                    bool(hint.get("primary_key")),
                )
                wanted = (column.data_type, column.nullable, column.primary_key)
                if found != wanted:
                    disagreements.append(
                        f"{table.qualified_name}.{column.name}: {found} != {wanted}"
                    )
        assert_dlt_agrees_with_the_warehouse(warehouse, pipeline)
        assert pipeline_env.row_counts(spec.dataset)
    assert disagreements == [], "(data_type, nullable, primary_key): pipeline != contract"
    commands.check_warehouse()


def resolve_vars(text: str, variables: dict) -> str:
    """`{{ var('raw_google_schema') }}` -> its value in dbt_project.yml."""
    return re.sub(r"\{\{\s*var\('(\w+)'\)\s*\}\}", lambda m: str(variables[m.group(1)]), text)


def dbt_sources() -> dict[tuple[str, str], dict[str, dict]]:
    """(dataset, table) -> column -> its definition, from every owner's staging sources."""
    found: dict[tuple[str, str], dict[str, dict]] = {}
    for path in sorted(PROJECT_ROOT.glob("dbt/*/models/staging/*/_*__sources.yml")):
        project = yaml.safe_load((path.parents[3] / "dbt_project.yml").read_text())
        variables = project.get("vars", {})
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            dataset = resolve_vars(source.get("schema", source["name"]), variables)
            for table in source.get("tables", []):
                columns = {c["name"]: c for c in table.get("columns", [])}
                found[(dataset, table["name"])] = columns
    return found


def dbt_tests_on(column: dict) -> set[str]:
    tests = column.get("data_tests", column.get("tests", []))
    return {t if isinstance(t, str) else next(iter(t)) for t in tests}


def test_the_dbt_sources_declare_the_contracted_columns() -> None:
    sources = dbt_sources()
    for table in head_contract().tables:
        where = table.qualified_name
        assert (table.dataset, table.name) in sources, f"{where} has no dbt source definition"
        declared = sources[(table.dataset, table.name)]
        contracted = {c.name: c for c in table.columns if not c.is_dlt_bookkeeping}
        assert set(declared) == set(contracted), where
        for name, column in contracted.items():
            assert declared[name].get("data_type") == column.data_type, f"{where}.{name}"
            if not column.nullable:
                assert "not_null" in dbt_tests_on(declared[name]), f"{where}.{name} not_null"
        if len(table.primary_key) == 1:
            assert "unique" in dbt_tests_on(declared[table.primary_key[0]]), f"{where} unique key"


def test_the_dbt_sources_are_found(tmp_path: Path) -> None:
    """Guards the test above against passing on nothing."""
    assert {d for d, _ in dbt_sources()} >= set(head_contract().datasets)
