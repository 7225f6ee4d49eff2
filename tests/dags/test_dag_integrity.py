"""Every DAG imports cleanly, carries its metadata and follows the naming convention."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.dags.conftest import DAGS_FOLDER

# [layer]_[source]__[entity]__[refresh-type]
DAG_NAME = re.compile(
    r"^(?P<layer>raw|transform)_(?P<source>[a-z0-9]+(?:_[a-z0-9]+)*)"
    r"__(?P<entity>[a-z0-9]+(?:_[a-z0-9]+)*)__(?P<refresh>incremental|full_refresh|build)$"
)
SHARED_MODULES = {"common.py", "variables.py"}
DAG_FILES = sorted(
    path
    for path in DAGS_FOLDER.rglob("*.py")
    if path.name not in SHARED_MODULES and path.name != "__init__.py"
)
EXPECTED_DAGS = {
    "raw_notion__habits__incremental",
    "raw_hubspot__crm__incremental",
    "raw_google__contacts__incremental",
    "raw_notion__habits__full_refresh",
    "raw_hubspot__crm__full_refresh",
    "raw_google__contacts__full_refresh",
    "transform_personal__marts__build",
}


def test_no_import_errors(dag_bag, record_property):
    seconds = {Path(s.file).stem: s.duration.total_seconds() for s in dag_bag.dagbag_stats}
    record_property("parse_seconds", seconds)  # measured, not asserted (bench/ times things)
    print("DAG file parse seconds:", seconds)
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dag_ids) == EXPECTED_DAGS


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda path: path.stem)
def test_dag_file_declares_one_conventional_dag(dag_bag, dag_file: Path):
    dags = [dag for dag in dag_bag.dags.values() if Path(dag.fileloc) == dag_file]
    assert [dag.dag_id for dag in dags] == [dag_file.stem], "one DAG per file, named as the file"
    dag = dags[0]
    assert DAG_NAME.match(dag.dag_id), f"{dag.dag_id} is not [layer]_[source]__[entity]__[refresh]"
    assert dag_file.parent.parent == DAGS_FOLDER, "DAG files live in dags/<owner>/"
    assert dag.tags and "personal" in dag.tags
    assert dag.catchup is False
    assert dag.doc_md and dag.doc_md.strip()
    for task in dag.tasks:
        assert task.owner == dag_file.parent.name, f"{task.task_id} has owner {task.owner}"
        assert task.retries >= 1, f"{task.task_id} has no retries"
        if getattr(task, "producer_task_id", None):  # the dbt DAG's per-model watchers
            assert task.pool == "dbt_watchers", f"{task.task_id} is outside its pool"
        else:
            assert task.pool == "warehouse_writer", f"{task.task_id} writes outside the pool"
