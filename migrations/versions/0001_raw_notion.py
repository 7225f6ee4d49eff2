"""raw_notion: one table per Notion database, with the page columns every model relies on

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from migrations.ddl import column, create_dataset, dlt_columns, drop_dataset

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DATASET = "raw_notion"
TABLES = ("daily_habits", "weekly_habits")  # the databases of the shipped configuration


def page_table(name: str) -> None:
    op.create_table(
        name,
        column("id", "text", nullable=False),
        column("created_time", "timestamp"),
        column("last_edited_time", "timestamp"),
        column("url", "text"),
        column("is_deleted", "bool", nullable=False),
        *dlt_columns(),
        sa.PrimaryKeyConstraint("id"),
        schema=DATASET,
    )


def upgrade() -> None:
    create_dataset(DATASET)
    for name in TABLES:
        page_table(name)


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name, schema=DATASET)
    drop_dataset(DATASET)
