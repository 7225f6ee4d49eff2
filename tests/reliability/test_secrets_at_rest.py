"""No secret outlives a run: not in its output, not in anything it leaves on disk.

The secrets are the configured ones (the sandbox accepts its own values, see
`sandbox.client_settings()`) and the ones obtained during the run: the access tokens
the sandbox's OAuth endpoint issues to the Google source (recorded as it issues them).
Everything is read as bytes: stdout and stderr, every file under the test's folder
(dlt's working folder with `trace.pickle`, state and schemas; the DuckDB file and the
lock files; gzipped files unpacked), the same folder as each load began (the load
packages, which a completed load deletes), and, because DuckDB may store strings
compressed, every row of every warehouse table as text with dlt's packed state unpacked.
A run through Airflow (dag.test()) is scanned the same way, its task log included.
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from dlt.common.versioned_state import compress_state, decompress_state
from dlt.pipeline.pipeline import Pipeline
from dlt.pipeline.trace import PipelineTrace, load_trace

from pipelines.core.errors import EXIT_FAILED, EXIT_OK
from pipelines.core.redaction import MASK
from pipelines.registry import GOOGLE_CONTACTS, HUBSPOT_CRM, NOTION_HABITS, PIPELINES, PipelineSpec
from pipelines.runner import driver
from pipelines.runner.driver import create_pipeline
from sandbox.google_people import CLIENT_SECRET, REFRESH_TOKEN
from sandbox.google_people import oauth as google_oauth
from sandbox.hubspot.auth import ACCESS_TOKEN as HUBSPOT_TOKEN
from sandbox.notion.auth import API_KEY as NOTION_KEY
from tests.dags.conftest import DAGS_FOLDER, airflow_env
from tests.utils import EntryPoint, PipelineEnv

# The configured secrets of each pipeline: the sandbox's own values.
SANDBOX_SECRETS = {
    NOTION_HABITS.name: (NOTION_KEY,),
    HUBSPOT_CRM.name: (HUBSPOT_TOKEN,),
    GOOGLE_CONTACTS.name: (CLIENT_SECRET, REFRESH_TOKEN),
}
# The sandbox API each source reads its records from, and the paths of its record
# listings: requests dlt's extract step makes (the sources resolve their settings,
# databases and properties before it, where dlt keeps no trace).
RECORDS = {
    "notion": ("notion", "/query"),
    "hubspot": ("hubspot", "/crm/v3/objects/"),
    "google_people": ("google_people", "/v1/"),
}
DAG_RUNNER = Path(__file__).parents[1] / "dags" / "dag_runner.py"
GOOGLE_DAG = DAGS_FOLDER / "personal" / "raw_google__contacts__incremental.py"
SUBPROCESS_TIMEOUT = 600


def env_var(key: str) -> str:
    return key.upper().replace(".", "__")


def configured_secrets(spec: PipelineSpec, env: PipelineEnv) -> tuple[str, ...]:
    values = tuple(env.variables()[env_var(key)] for key in spec.secret_keys)
    assert values == SANDBOX_SECRETS[spec.name]  # what the sandbox accepts, none empty
    return values


@pytest.fixture
def issued_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every access token the sandbox's OAuth endpoint issues during the test."""
    issued: list[str] = []
    issue = google_oauth.issue_access_token

    def recording(*args, **kwargs) -> str:
        token = issue(*args, **kwargs)
        issued.append(token)
        return token

    monkeypatch.setattr(google_oauth, "issue_access_token", recording)
    return issued


def warehouse_as_text(path: Path) -> dict[str, bytes]:
    """Every row of every table as text, dlt's packed state unpacked."""
    found = {}
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            name = f'"{schema}"."{table}"'
            rows = connection.execute(f"select whole_row::varchar from {name} as whole_row")
            found[f"warehouse {schema}.{table}"] = "\n".join(r[0] for r in rows.fetchall()).encode()
            if table == "_dlt_pipeline_state":
                states = [
                    decompress_state(s)
                    for (s,) in connection.execute(f"select state from {name}").fetchall()
                ]
                found[f"warehouse {schema}.{table} unpacked"] = json.dumps(states).encode()
    return found


def files_under(root: Path, prefix: str = "") -> dict[str, bytes]:
    """Every file under `root` as bytes, gzipped ones (dlt's load packages) unpacked too."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = prefix + str(path.relative_to(root))
            data = found[name] = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                found[f"{name} gunzipped"] = gzip.decompress(data)
    return found


def left_behind(root: Path, **streams: str) -> dict[str, bytes]:
    """All a run left: its output, every file under `root`, the warehouse's rows."""
    found = {name: text.encode() for name, text in streams.items()}
    found.update(files_under(root))
    for warehouse in sorted(root.rglob("*.duckdb")):
        found.update(warehouse_as_text(warehouse))
    return found


@pytest.fixture
def before_load(pipeline_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Every file under the test's folder as each load began: the extracted and
    normalized load packages, which a completed load deletes."""
    seen: dict[str, bytes] = {}
    load = Pipeline.load
    loads = itertools.count(1)

    def snapshot_then_load(pipeline, *args, **kwargs):
        seen.update(files_under(pipeline_env.root, prefix=f"before load {next(loads)}: "))
        return load(pipeline, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "load", snapshot_then_load)
    return seen


def leaks(found: dict[str, bytes], secrets: list[str]) -> list[tuple[str, str]]:
    """(where, which secret) for each secret, as written or URL- or JSON-escaped."""
    out = []
    for secret in secrets:
        forms = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}
        needles = [form.encode() for form in forms]
        out += [(where, secret) for where, data in found.items() if any(n in data for n in needles)]
    return out


def test_the_scan_finds_a_secret_wherever_it_is_kept(tmp_path: Path) -> None:
    """The scan itself: plain, URL-escaped, gzipped, and in a compressed DuckDB table or
    dlt's packed state (neither of which holds the plain bytes)."""
    secret = "planted/secret-4711"
    (tmp_path / "plain.json").write_text(json.dumps({"token": secret}))
    (tmp_path / "query.log").write_text(f"GET /x?token={quote(secret, safe='')}")
    (tmp_path / "package.jsonl").write_bytes(gzip.compress(secret.encode()))
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        connection.execute("create schema raw; create table raw.t (v varchar, n int)")
        connection.execute("insert into raw.t select ?, range from range(100000)", [secret])
        connection.execute("create table raw._dlt_pipeline_state (state varchar)")
        packed = compress_state({"token": secret, "_state_version": 1})
        connection.execute("insert into raw._dlt_pipeline_state values (?)", [packed])

    where = {place for place, _ in leaks(left_behind(tmp_path), [secret])}

    assert {
        "plain.json",
        "query.log",
        "package.jsonl gunzipped",
        "warehouse raw.t",
        "warehouse raw._dlt_pipeline_state unpacked",
    } <= where
    assert "package.jsonl" not in where and "warehouse raw._dlt_pipeline_state" not in where


def trace_file(spec: PipelineSpec) -> Path:
    return Path(create_pipeline(spec, "duckdb").working_dir) / "trace.pickle"


@pytest.mark.parametrize("spec", PIPELINES, ids=lambda spec: spec.name)
def test_a_run_leaves_no_secret_behind(
    spec: PipelineSpec,
    pipeline_env: PipelineEnv,
    issued_tokens: list[str],
    before_load: dict[str, bytes],
    capsys,
) -> None:
    secrets = configured_secrets(spec, pipeline_env)
    entry_point = EntryPoint(spec, capsys)

    assert entry_point() == EXIT_OK
    assert entry_point() == EXIT_OK  # an incremental run on top: state, cursors, tokens

    if spec is GOOGLE_CONTACTS:
        assert len(issued_tokens) >= 2  # one per run at least: both must stay unseen
    found = left_behind(
        pipeline_env.root, stdout=entry_point.output.out, stderr=entry_point.output.err
    )
    trace = str(trace_file(spec).relative_to(pipeline_env.root))
    assert spec.name.encode() in found[trace]  # the scan reads what the trace holds
    assert any(name.startswith(f"warehouse {spec.dataset}.") for name in found)
    assert any("/new_jobs/" in name for name in before_load)  # load packages read too
    assert leaks({**found, **before_load}, [*secrets, *issued_tokens]) == []


def echo_credentials(
    monkeypatch: pytest.MonkeyPatch, env: PipelineEnv, spec: PipelineSpec, secrets: tuple[str, ...]
) -> list[str]:
    """The API answers the source's record listings with a 400 whose message quotes the
    bearer token it was sent (the configured one, or Google's run-time access token) and
    `secrets`; the source raises an error with that message. Returns the tokens quoted."""
    api_name, listing = RECORDS[spec.source]
    api = env.sandbox.apis[api_name]
    answer = api.handle
    quoted: list[str] = []

    def echoing(request):
        if listing not in request.path:
            return answer(request)
        quoted.append(request.bearer_token())
        return api.bad_request(" ".join(["rejected", request.bearer_token(), *secrets]))

    monkeypatch.setattr(api, "handle", echoing)
    return quoted


def failures(trace: PipelineTrace) -> list[str]:
    """The messages of the trace's failed steps that hold the echo."""
    return [s.step_exception for s in trace.steps if "rejected" in (s.step_exception or "")]


@pytest.fixture
def live_traces(monkeypatch: pytest.MonkeyPatch) -> list[PipelineTrace]:
    """The traces the driver hands to the scrubber: dlt's live trace, secrets in clear."""
    seen: list[PipelineTrace] = []
    save = driver.save_scrubbed_trace

    def keeping(pipeline, trace) -> None:
        seen.append(trace)
        save(pipeline, trace)

    monkeypatch.setattr(driver, "save_scrubbed_trace", keeping)
    return seen


@pytest.mark.parametrize("spec", PIPELINES, ids=lambda spec: spec.name)
def test_secrets_echoed_into_an_error_are_scrubbed_from_the_trace(
    spec: PipelineSpec,
    pipeline_env: PipelineEnv,
    issued_tokens: list[str],
    live_traces: list[PipelineTrace],
    monkeypatch,
    capsys,
) -> None:
    secrets = configured_secrets(spec, pipeline_env)
    quoted = echo_credentials(monkeypatch, pipeline_env, spec, secrets)
    entry_point = EntryPoint(spec, capsys)

    assert entry_point() == EXIT_FAILED

    every_secret = [*secrets, *issued_tokens]
    [live] = live_traces
    [echoed] = failures(live)
    assert quoted and "rejected" in echoed  # the echo reached dlt's trace
    # in clear, for the scrubber to mask; HubSpot's client masks API error text itself
    # before cutting it to length (a token cut in half could not be recognised later)
    in_clear = all(s in echoed for s in [*secrets, *quoted])
    assert in_clear or (spec.source == "hubspot" and f"rejected {MASK}" in echoed)
    expected = echoed
    for secret in sorted(every_secret, key=len, reverse=True):
        expected = expected.replace(secret, MASK)
    saved = load_trace(str(trace_file(spec).parent), ignore_errors=False)
    assert failures(saved) == [expected]
    assert f"rejected {MASK}" in entry_point.output.err
    found = left_behind(
        pipeline_env.root, stdout=entry_point.output.out, stderr=entry_point.output.err
    )
    assert leaks(found, every_secret) == []


@pytest.mark.parametrize("spec", PIPELINES, ids=lambda spec: spec.name)
def test_the_trace_dlt_saves_itself_is_scrubbed(
    spec: PipelineSpec, pipeline_env: PipelineEnv, issued_tokens: list[str], monkeypatch, capsys
) -> None:
    """dlt saves the trace after each step, before the driver's clean-up and final save:
    a run killed in between (so that neither runs) leaves no echoed secret in clear."""
    secrets = configured_secrets(spec, pipeline_env)
    echo_credentials(monkeypatch, pipeline_env, spec, secrets)
    monkeypatch.setattr(driver, "return_to_durable_state", lambda pipeline: None)
    monkeypatch.setattr(driver, "save_scrubbed_trace", lambda pipeline, trace: None)

    assert EntryPoint(spec, capsys)() == EXIT_FAILED

    saved = load_trace(str(trace_file(spec).parent), ignore_errors=False)
    assert [f"rejected {MASK}" in failure for failure in failures(saved)] == [True]
    assert leaks({"trace.pickle": trace_file(spec).read_bytes()}, [*secrets, *issued_tokens]) == []


# A library that logs credentials once it holds them: after each token refresh the task
# logs the access token, refresh token and client secret through stdlib logging, and
# whether Airflow's own masker (the SDK's, which masks task logs where a supervisor
# writes them) masks each of them. dag.test() runs the task in its own process, so the
# patch reaches it.
LOGGING_CREDENTIALS = """
import logging, runpy, sys
from airflow.sdk._shared.secrets_masker import redact
from pipelines.google_people.credentials import RefreshingCredentials
refresh = RefreshingCredentials.refresh
def refresh_and_log(self, request):
    refresh(self, request)
    values = (self.token, self.refresh_token, self.client_secret)
    logging.getLogger("credentials_probe").warning(
        "refreshed: access=%s refresh=%s secret=%s; airflow masks them: %s",
        *values, all(redact(value) == "***" for value in values),
    )
RefreshingCredentials.refresh = refresh_and_log
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, timeout=SUBPROCESS_TIMEOUT
    )
    print(done.stdout[-5000:], done.stderr[-5000:])  # shown by pytest when the test fails
    return done


def test_airflow_task_log_masks_google_secrets_and_runtime_tokens(
    tmp_path: Path, pipeline_env: PipelineEnv, issued_tokens: list[str]
) -> None:
    """A raw DAG run with dag.test(): the task log (dag.test() writes it to stdout, not
    under AIRFLOW_HOME/logs) shows the logged credentials masked, access tokens included."""
    home = tmp_path / "airflow"
    home.mkdir()
    env = airflow_env(home)
    migrate = [str(Path(sys.executable).parent / "airflow"), "db", "migrate"]
    assert run(migrate, env).returncode == 0

    command = [sys.executable, "-c", LOGGING_CREDENTIALS, str(DAG_RUNNER), str(GOOGLE_DAG)]
    done = run(command, env)

    assert done.returncode == 0
    assert json.loads(done.stdout.strip().splitlines()[-1])["state"] == "success"
    assert issued_tokens  # the load obtained access tokens: they must stay unseen too
    task_log = done.stdout + done.stderr
    assert "'pipeline': 'google_contacts'" in task_log  # the load task's log is in there
    probe = f"refreshed: access={MASK} refresh={MASK} secret={MASK}; airflow masks them: True"
    assert probe in task_log
    # everything under the test's folder: AIRFLOW_HOME (logs, metadata DB), dlt, DuckDB
    found = left_behind(pipeline_env.root, stdout=done.stdout, stderr=done.stderr)
    assert leaks(found, [CLIENT_SECRET, REFRESH_TOKEN, *issued_tokens]) == []
