"""Run one DAG file's DAG with `dag.test()` and print its run as JSON (for the tests).

Runs in a process of its own, so Airflow reads the test's AIRFLOW_HOME and metadata DB.
Usage: python tests/dags/dag_runner.py DAG_FILE [--no-retries]
(`--no-retries`: a failed task fails the run at once instead of waiting for its retries.)
"""

import json
import sys
from pathlib import Path

dag_file = Path(sys.argv[1]).resolve()
sys.path.insert(0, str(dag_file.parents[1]))  # the dags folder, as the dag-processor adds it

from airflow.dag_processing.dagbag import DagBag  # noqa: E402

bag = DagBag(dag_folder=str(dag_file))
assert not bag.import_errors, bag.import_errors
[dag] = bag.dags.values()
if "--no-retries" in sys.argv[2:]:
    for task in dag.tasks:
        task.retries = 0
# dag.test() runs one task at a time in this process: a dbt watcher that waits in place
# would wait forever for a producer that cannot start, so here they give way (reschedule).
for task in dag.tasks:
    if getattr(task, "producer_task_id", None):
        task.mode = "reschedule"
run = dag.test()
states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
print(json.dumps({"dag_id": dag.dag_id, "state": str(run.state), "tasks": states}))
