"""Loads and the dbt build are chained by data: raw outlets schedule the dbt DAG."""

from __future__ import annotations

import pytest

RAW_DAGS = {
    "raw_notion__habits__incremental": "raw_notion",
    "raw_hubspot__crm__incremental": "raw_hubspot",
    "raw_google__contacts__incremental": "raw_google",
}
DBT_DAG = "transform_personal__marts__build"


@pytest.mark.parametrize(("dag_id", "dataset"), sorted(RAW_DAGS.items()))
def test_raw_dag_contract_first_then_load_emits_its_asset(dag_bag, dag_id: str, dataset: str):
    dag = dag_bag.dags[dag_id]
    [last] = dag.leaves
    [first] = dag.roots
    assert (first.task_id, last.task_id) == ("upgrade_contract", "load")
    assert last.upstream_task_ids == {"upgrade_contract"}
    assert [(asset.name, asset.uri) for asset in last.outlets] == [
        (dataset, f"warehouse://personal/{dataset}")
    ]
    assert first.outlets == []  # only a finished load announces new data


def test_dbt_dag_runs_when_any_raw_asset_is_updated(dag_bag):
    from airflow.sdk.definitions.asset import AssetAny

    condition = dag_bag.dags[DBT_DAG].timetable.asset_condition
    assert isinstance(condition, AssetAny)  # OR: any one fresh raw dataset rebuilds the marts
    emitted = {asset.uri for dag_id in RAW_DAGS for asset in dag_bag.dags[dag_id].leaves[0].outlets}
    assert {asset.uri for asset in condition.objects} == emitted


def test_dbt_dag_renders_models_and_tests_from_the_manifest(dag_bag, dbt_manifest):
    import json

    manifest = json.loads(dbt_manifest.read_text())
    models = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "personal_reporting"
    }
    dag = dag_bag.dags[DBT_DAG]
    tasks = {task.task_id: task for task in dag.tasks}
    # one watcher task per model, fed by the one `dbt build` of the producer
    assert models and {f"{model}_run" for model in models} <= set(tasks)
    producer = tasks["dbt_producer_watcher"]
    assert {tasks[f"{model}_run"].producer_task_id for model in models} == {producer.task_id}
    # the data tests run once, after every model exists
    tests = tasks["personal_test"]
    assert {f"{model}_run" for model in models} <= tests.get_flat_relative_ids(upstream=True)


def test_dbt_dag_ends_by_rendering_the_report(dag_bag):
    dag = dag_bag.dags[DBT_DAG]
    [last] = dag.leaves
    assert last.task_id == "render_report"
    assert [(asset.name, asset.uri) for asset in last.outlets] == [
        ("personal_report", "report://personal/personal_report")
    ]
    # after every model and test: each dbt task is upstream of it
    assert {task.task_id for task in dag.tasks} - {last.task_id} <= last.get_flat_relative_ids(
        upstream=True
    )
