"""Load Notion habit trackers (daily and weekly habit databases) into raw_notion.

Incremental: only pages edited since the last run are read; trashed pages are kept
with is_deleted = true. `--full-refresh` wipes raw_notion's tables and reloads them.
"""

from pipelines.notion import notion_databases
from pipelines.runtime import PipelineSpec, main

SPEC = PipelineSpec(
    name="notion_habits",
    dataset="raw_notion",
    build_source=notion_databases,
    secret_keys=("sources.notion.api_key",),
    description=__doc__,
)

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
