"""`python pipelines/google_contacts.py` against the sandbox: full, incremental, fallback syncs."""

from __future__ import annotations

import json
from datetime import date

from sandbox import Sandbox
from sandbox.google_people import ContactsStore
from sandbox.google_people import errors as google_errors
from sandbox.wire import HttpError as WireHttpError
from tests.utils import PipelineEnv

from .conftest import connection_calls

CONTRACT_TYPES = {
    "resource_name": "VARCHAR",
    "etag": "VARCHAR",
    "display_name": "VARCHAR",
    "given_name": "VARCHAR",
    "family_name": "VARCHAR",
    "primary_email": "VARCHAR",
    "emails": "JSON",
    "phone_numbers": "JSON",
    "organization": "VARCHAR",
    "job_title": "VARCHAR",
    "birthday": "DATE",
    "birthday_month": "BIGINT",
    "birthday_day": "BIGINT",
    "updated_at": "TIMESTAMP WITH TIME ZONE",
    "is_deleted": "BOOLEAN",
}


def contacts(env: PipelineEnv, columns: str = "*") -> dict[str, tuple]:
    rows = env.query(f"select resource_name, {columns} from raw_google.contacts")
    return {row[0]: row[1:] for row in rows}


def live(env: PipelineEnv) -> set[str]:
    return {
        r[0]
        for r in env.query("select resource_name from raw_google.contacts where not is_deleted")
    }


def load_ids(env: PipelineEnv, table: str) -> set[str]:
    return {r[0] for r in env.query(f"select distinct _dlt_load_id from raw_google.{table}")}


def test_full_sync_pages_through_every_contact(
    load, google_env: PipelineEnv, sandbox: Sandbox, store: ContactsStore, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCES__GOOGLE_PEOPLE__PAGE_SIZE", "64")
    assert load() == 0, load.output.err

    calls = connection_calls(sandbox)
    assert len(calls) == 5  # ceil(300 / 64): the fewest pages this page size allows
    assert all(c["pageSize"] == ["64"] and c["requestSyncToken"] == ["true"] for c in calls)
    assert "syncToken" not in calls[0] and all("pageToken" in c for c in calls[1:])
    assert google_env.row_counts("raw_google") == {"contact_groups": 14, "contacts": 300}
    assert live(google_env) == set(store.resource_names())
    columns = google_env.columns("raw_google", "contacts")
    assert {name: columns[name] for name in CONTRACT_TYPES} == CONTRACT_TYPES
    assert "contacts" in load.output.out and "300" in load.output.out


def test_rows_follow_the_contract(load, google_env: PipelineEnv, store: ContactsStore) -> None:
    assert load() == 0, load.output.err
    rows = contacts(
        google_env,
        "primary_email, emails, organization, job_title, birthday, birthday_month, "
        "birthday_day, updated_at, memberships, person",
    )
    yearless = 0
    for name in store.resource_names():
        person = store.person(name)
        email, emails, org, title, birthday, month, day, updated, groups, raw = rows[name]
        primary = [
            e["value"] for e in person.get("emailAddresses", []) if e["metadata"].get("primary")
        ]
        assert email == (primary[0] if primary else None)
        assert len(json.loads(emails)) == len(person.get("emailAddresses", []))
        organization = (person.get("organizations") or [{}])[0]
        assert (org, title) == (organization.get("name"), organization.get("title"))
        dated = [b["date"] for b in person.get("birthdays", []) if "date" in b]
        if dated and dated[0].get("year"):
            assert birthday == date(dated[0]["year"], dated[0]["month"], dated[0]["day"])
        elif dated:
            yearless += 1
            assert birthday is None
            assert (month, day) == (dated[0]["month"], dated[0]["day"])
        else:
            assert (birthday, month, day) == (None, None, None)
        source_time = person["metadata"]["sources"][0]["updateTime"]
        assert updated.isoformat(timespec="milliseconds").replace("+00:00", "Z") == source_time
        assert json.loads(groups)[0].startswith("contactGroups/")
        assert json.loads(raw)["resourceName"] == name
    assert yearless > 20  # the sample has plenty of birthdays without a year


def test_sync_token_fetches_only_changes(
    load, google_env: PipelineEnv, sandbox: Sandbox, store: ContactsStore
) -> None:
    assert load() == 0, load.output.err
    edited, deleted = store.resource_names()[:2]
    store.edit_person(edited, job_title="Chief Tinkerer", emails=["ada@new.example"])
    added = store.add_person("Ada", "Byron", emails=["ada@byron.example"], birthday=(None, 12, 10))
    store.delete_person(deleted)
    sandbox.log.clear()

    assert load() == 0, load.output.err
    calls = connection_calls(sandbox)
    assert len(calls) == 1 and calls[0]["syncToken"]  # one request covers every change
    rows = contacts(google_env, "job_title, primary_email, birthday, birthday_month, is_deleted")
    assert rows[edited][:2] + rows[edited][4:] == ("Chief Tinkerer", "ada@new.example", False)
    assert rows[added] == (None, "ada@byron.example", None, 12, False)
    assert rows[deleted][-1] is True
    assert len(rows) == 301 and live(google_env) == set(store.resource_names())


def test_full_and_no_change_syncs_cost_the_minimum(
    load, google_env: PipelineEnv, sandbox: Sandbox
) -> None:
    minimum = [
        ("google_oauth", "/token"),
        ("google_people", "/v1/contactGroups"),
        ("google_people", "/v1/people/me/connections"),  # 300 people fit one 1000-page
    ]
    assert load() == 0, load.output.err
    assert sorted((e.api, e.path) for e in sandbox.log.entries()) == minimum
    before = load_ids(google_env, "contacts") | load_ids(google_env, "contact_groups")
    sandbox.log.clear()

    assert load() == 0, load.output.err
    assert sorted((e.api, e.path) for e in sandbox.log.entries()) == minimum
    assert all("syncToken=" in e.query for e in sandbox.log.entries("google_people"))
    after = load_ids(google_env, "contacts") | load_ids(google_env, "contact_groups")
    assert after == before  # nothing new written
    assert "no changes at the source" in load.output.out


def test_expired_sync_token_falls_back_to_a_full_sync_that_flags_deletions(
    load, google_env: PipelineEnv, sandbox: Sandbox, store: ContactsStore
) -> None:
    assert load() == 0, load.output.err
    vanished = store.resource_names()[5]
    store.delete_person(vanished)
    added = store.add_person("Grace", "Brewster", emails=["grace@navy.example"])
    sandbox.clock.advance(days=8)  # the token's week is over: the deletion is never reported
    sandbox.log.clear()

    assert load() == 0, load.output.err
    statuses = [
        (bool(c.get("syncToken")), e.status)
        for c, e in zip(
            connection_calls(sandbox),
            [e for e in sandbox.log.entries("google_people") if e.path.endswith("/connections")],
            strict=True,
        )
    ]
    assert statuses == [(True, 400), (False, 200)]
    rows = contacts(google_env, "is_deleted")
    assert rows[vanished] == (True,) and rows[added] == (False,)
    assert live(google_env) == set(store.resource_names())

    store.edit_person(added, job_title="Rear Admiral")  # the fallback stored a fresh token
    sandbox.log.clear()
    assert load() == 0, load.output.err
    assert [bool(c.get("syncToken")) for c in connection_calls(sandbox)] == [True]
    assert contacts(google_env, "job_title")[added] == ("Rear Admiral",)


def test_expired_token_without_the_documented_reason_still_falls_back(
    load, google_env: PipelineEnv, sandbox: Sandbox, store: ContactsStore, monkeypatch
) -> None:
    """Real answers to an expired token vary: 400 INVALID_ARGUMENT without an ErrorInfo
    is one of them (410 another); none may leave the pipeline failing run after run."""
    assert load() == 0, load.output.err
    store.expire_sync_tokens()
    message = "Sync token is expired. Clear local cache and retry call without the sync token."
    monkeypatch.setattr(
        google_errors,
        "expired_sync_token",
        lambda: WireHttpError(google_errors.error(400, "INVALID_ARGUMENT", message)),
    )
    sandbox.log.clear()
    assert load() == 0, load.output.err
    assert [e.status for e in sandbox.log.entries("google_people")] == [400, 200, 400, 200]
    assert google_env.row_counts("raw_google") == {"contact_groups": 14, "contacts": 300}


def test_full_refresh_reloads_exactly_what_google_holds(
    load, google_env: PipelineEnv, store: ContactsStore
) -> None:
    assert load() == 0, load.output.err
    gone = store.resource_names()[3]
    store.delete_person(gone)
    assert load("--full-refresh") == 0, load.output.err
    # the emptied table gets no data-less "deleted" rows for people it no longer holds
    assert set(contacts(google_env, "is_deleted")) == set(store.resource_names())


def test_contact_groups_sync_renames_and_deletions(
    load, google_env: PipelineEnv, store: ContactsStore
) -> None:
    assert load() == 0, load.output.err
    groups = {
        name: resource
        for resource, name in google_env.query(
            "select resource_name, name from raw_google.contact_groups"
        )
    }
    members = {
        r[0]
        for r in google_env.query(
            "select resource_name from raw_google.contacts, "
            "unnest(cast(memberships as varchar[])) as m(g) where m.g = ?",
            [groups["Book club"]],
        )
    }
    assert members
    store.delete_group(groups["Book club"])
    store.rename_group(groups["Climbing"], "Bouldering")
    runners = store.add_group("Runners")

    assert load() == 0, load.output.err
    rows = dict(
        google_env.query(
            "select resource_name, case when is_deleted then '(deleted)' else name end "
            "from raw_google.contact_groups"
        )
    )
    assert rows[groups["Book club"]] == "(deleted)"
    assert rows[groups["Climbing"]] == "Bouldering" and rows[runners] == "Runners"
    memberships = contacts(google_env, "memberships")
    assert all(groups["Book club"] not in json.loads(memberships[m][0]) for m in members)


def test_page_size_out_of_range_is_a_settings_error(load, monkeypatch) -> None:
    monkeypatch.setenv("SOURCES__GOOGLE_PEOPLE__PAGE_SIZE", "5000")
    assert load() == 2
    assert "SOURCES__GOOGLE_PEOPLE__PAGE_SIZE" in load.output.err


def test_page_size_change_forces_a_full_sync(
    load, google_env: PipelineEnv, sandbox: Sandbox, monkeypatch
) -> None:
    assert load() == 0, load.output.err
    monkeypatch.setenv("SOURCES__GOOGLE_PEOPLE__PAGE_SIZE", "150")
    sandbox.log.clear()
    assert load() == 0, load.output.err
    calls = connection_calls(sandbox)
    assert len(calls) == 2 and "syncToken" not in calls[0]  # the API would refuse the old token
    assert google_env.row_counts("raw_google")["contacts"] == 300


def test_demo_changes_arrive_with_one_incremental_run(
    load, google_env: PipelineEnv, google, store: ContactsStore
) -> None:
    assert load() == 0, load.output.err
    oldest, promoted = store.resource_names()[:2]
    lines = google.demo_changes()
    assert len(lines) == 5 and all(line.startswith("Google Contacts: ") for line in lines)
    assert load() == 0, load.output.err
    rows = contacts(google_env, "job_title, is_deleted")
    assert rows[promoted] == ("Head of Data", False) and rows[oldest][1] is True
    assert ("Mary Somerville",) in google_env.query(
        "select display_name from raw_google.contacts where birthday is null and birthday_day = 26"
    )
    assert ("Bouldering",) in google_env.query("select name from raw_google.contact_groups")
