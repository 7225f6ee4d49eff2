"""A habit added in Notion reaches the habit models with no change to the project."""

from __future__ import annotations

from pathlib import Path

from pipelines.notion_habits import SPEC
from pipelines.runner import main
from tests.dbt.conftest import run_dbt
from tests.utils import PipelineEnv


def habits_by_name(env: PipelineEnv) -> dict[str, list[tuple]]:
    rows = env.query(
        "select habit, period_start, is_done from analytics_staging.stg_notion__habits "
        "order by habit, period_start"
    )
    found: dict[str, list[tuple]] = {}
    for habit, day, done in rows:
        found.setdefault(habit, []).append((day, done))
    return found


def test_new_checkbox_property_becomes_a_habit(pipeline_env: PipelineEnv, tmp_path: Path) -> None:
    build = ("run", "--select", "stg_notion__habits")
    assert main(SPEC, ["--progress", "none"]) == 0
    assert run_dbt(*build, work_dir=tmp_path).success
    before = habits_by_name(pipeline_env)
    assert "stretched" not in before

    store = pipeline_env.sandbox.apis["notion"].store
    daily = next(s for s in store.data_sources.values() if s.name == "Daily Habits")
    store.add_property(daily, "Stretched", "checkbox")
    pages = sorted(store.pages_of(daily), key=lambda p: p.created_time)[-3:]
    for page, ticked in zip(pages, (True, False, True), strict=True):
        store.edit_page(page.id, {"Stretched": ticked})

    assert main(SPEC, ["--progress", "none"]) == 0
    assert run_dbt(*build, work_dir=tmp_path).success
    after = habits_by_name(pipeline_env)

    logged = pipeline_env.query(
        "select date, stretched from raw_notion.daily_habits "
        "where not is_deleted and stretched is not null order by date"
    )
    assert after["stretched"] == logged
    ticked = {page.id for page, tick in zip(pages, (True, False, True), strict=True) if tick}
    ticked_days = pipeline_env.query(
        "select date from raw_notion.daily_habits where id in (?, ?) order by date", sorted(ticked)
    )
    assert [day for day, done in after["stretched"] if done] == [d for (d,) in ticked_days]
    assert {h: len(v) for h, v in after.items() if h != "stretched"} == {
        h: len(v) for h, v in before.items()
    }
