"""Load Notion habit trackers (daily and weekly habit databases) into raw_notion.

Incremental: only pages edited since the last run are read; trashed pages are kept
with is_deleted = true. `--full-refresh` wipes raw_notion's tables and reloads them.
"""

from pipelines.registry import NOTION_HABITS as SPEC
from pipelines.runner import main

if __name__ == "__main__":
    raise SystemExit(main(SPEC))
