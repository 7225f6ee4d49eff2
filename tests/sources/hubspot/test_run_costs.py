"""Runs cost what changed: a first load is its listing, the link sweep runs at a cadence."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from pipelines.core import cadence
from pipelines.hubspot.client import CrmClient
from sandbox import Sandbox
from sandbox.hubspot.catalog import ENGAGEMENT_TYPES
from sandbox.hubspot.store import CrmStore
from tests.sources.hubspot.conftest import load, requests_by_endpoint
from tests.sources.hubspot.test_full_load import LINKED, expected_links, loaded_links
from tests.utils import PipelineEnv

OBJECT_TYPES = ("contacts", "companies", *ENGAGEMENT_TYPES)
LINK_PAIRS = sum(len(targets) for targets in LINKED.values())


def _later(monkeypatch: pytest.MonkeyPatch, hours: float) -> None:
    moment = cadence.utc_now() + timedelta(hours=hours)
    monkeypatch.setattr(cadence, "utc_now", lambda: moment)


def test_a_first_load_costs_its_minimum(
    hubspot_env: PipelineEnv, sandbox: Sandbox, crm: CrmStore
) -> None:
    assert load() == 0
    calls = requests_by_endpoint(sandbox)
    pages = {t: math.ceil(len(crm.ids(t)) / 100) for t in OBJECT_TYPES}
    # the schema reads, the live records 100 a page, the links 1,000 objects a request
    minimum = len(OBJECT_TYPES) + sum(pages.values()) + LINK_PAIRS
    assert sum(calls.values()) == minimum
    assert not [key for key in calls if key[1].endswith("/search")]
    lists = [
        e.query for e in sandbox.log.entries("hubspot") if e.path.startswith("/crm/v3/objects")
    ]
    assert not [q for q in lists if "archived=true" in q]


def test_a_change_made_while_the_first_listing_runs_is_read_next_run(
    hubspot_env: PipelineEnv, crm: CrmStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    contacts = crm.ids("contacts")
    early, late = contacts[5], contacts[150]  # on the first and on the second page
    real_list_page = CrmClient.list_page
    done: list[str] = []

    def edit_between_pages(self, object_type, **kwargs):
        page = real_list_page(self, object_type, **kwargs)
        if object_type == "contacts" and not kwargs["archived"] and not done:
            # after the first page was read: the early contact changes, then a later one,
            # so the newest stamp listed is newer than the change the listing missed
            crm.edit("contacts", early, jobtitle="Changed mid-listing")
            crm.edit("contacts", late, jobtitle="Also changed")
            done.append(object_type)
        return page

    monkeypatch.setattr(CrmClient, "list_page", edit_between_pages)
    assert load() == 0
    assert hubspot_env.query("select jobtitle from raw_hubspot.contacts where id = ?", [late]) == [
        ("Also changed",)
    ]
    assert load() == 0
    assert hubspot_env.query("select jobtitle from raw_hubspot.contacts where id = ?", [early]) == [
        ("Changed mid-listing",)
    ]


def test_records_archived_before_the_first_load_hide_no_later_deletion(
    hubspot_env: PipelineEnv, sandbox: Sandbox, crm: CrmStore
) -> None:
    before, purged, archived = crm.ids("contacts")[10:13]
    crm.archive("contacts", before)  # never loaded: the first load does not list it
    assert load() == 0
    assert hubspot_env.query(
        "select count(*) from raw_hubspot.contacts where id = ?", [before]
    ) == [(0,)]
    crm.purge("contacts", purged)  # a GDPR delete: no trace at all
    crm.archive("contacts", archived)
    assert load() == 0
    rows = dict(
        (row[0], row[1:])
        for row in hubspot_env.query(
            "select id, is_deleted, email is not null from raw_hubspot.contacts where id in (?, ?, ?)",
            [before, purged, archived],
        )
    )
    assert rows[purged] == (True, False)  # found by reading the known contacts back
    assert rows[archived] == (True, True)  # listed as archived, values kept
    assert rows[before][0] is True
    sandbox.log.clear()
    assert load() == 0
    assert sum(requests_by_endpoint(sandbox).values()) == 3 * len(OBJECT_TYPES)


def test_the_link_sweep_runs_at_its_cadence_and_then_finds_every_link_change(
    hubspot_env: PipelineEnv, sandbox: Sandbox, crm: CrmStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load() == 0
    call = crm.ids("calls")[4]
    (unlinked, _), *_ = crm.visible_links("calls", call, "contacts")
    crm.dissociate("calls", call, "contacts", unlinked)  # neither record changes
    contact = crm.ids("contacts")[60]
    company = crm.ids("companies")[3]
    crm.associate("contacts", contact, "companies", company)
    removed = ("calls", call, "contacts", unlinked)

    sandbox.log.clear()
    assert load() == 0  # within the day: no sweep, three requests per object type
    assert sum(requests_by_endpoint(sandbox).values()) == 3 * len(OBJECT_TYPES)
    assert removed in {link[:4] for link in loaded_links(hubspot_env)}

    _later(monkeypatch, 25)
    sandbox.log.clear()
    assert load() == 0  # the sweep is due: one batch read per association direction
    calls = requests_by_endpoint(sandbox)
    assert sum(calls.values()) == 3 * len(OBJECT_TYPES) + LINK_PAIRS
    for from_type, targets in LINKED.items():
        for to_type in targets:
            assert calls[("POST", f"/crm/v4/associations/{from_type}/{to_type}/batch/read")] == 1
    assert removed in {link[:4] for link in loaded_links(hubspot_env, deleted=True)}
    assert loaded_links(hubspot_env) == expected_links(crm)

    sandbox.log.clear()
    assert load() == 0  # swept just now (the time survives in dlt state): none again
    assert sum(requests_by_endpoint(sandbox).values()) == 3 * len(OBJECT_TYPES)


def test_a_merge_moves_links_without_waiting_for_the_sweep(
    hubspot_env: PipelineEnv, crm: CrmStore
) -> None:
    assert load() == 0
    survivor, absorbed = crm.ids("contacts")[20:22]
    crm.merge_contacts(survivor, absorbed)
    assert load() == 0
    assert loaded_links(hubspot_env) == expected_links(crm)
