"""Asserts shared by the contract tests."""

from __future__ import annotations

from dlt.pipeline.pipeline import Pipeline

from tests.contract.conftest import Warehouse


def assert_dlt_agrees_with_the_warehouse(warehouse: Warehouse, pipeline: Pipeline) -> None:
    """Every column of every root table: dlt's schema and the warehouse hold the same type
    and nullability, no name twice, no variant column: nothing left for dlt to alter."""
    mapper = pipeline.destination.capabilities().get_type_mapper()
    schema = pipeline.default_schema
    for table in schema.data_tables():
        if table.get("parent"):
            continue
        stored = warehouse.columns(pipeline.dataset_name, table["name"])
        assert len({name.lower() for name in stored}) == len(stored), table["name"]
        assert not [name for name in stored if "__v_" in name], table["name"]
        assert set(stored) == set(table["columns"]), table["name"]
        for name, (db_type, nullable) in stored.items():
            hint = table["columns"][name]
            where = f"{pipeline.dataset_name}.{table['name']}.{name}"
            assert mapper.to_destination_type(hint, table) == db_type, where
            assert (nullable == "YES") == hint.get("nullable", True), where
