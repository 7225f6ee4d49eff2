"""raw_google: one row per Google contact

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from migrations.ddl import column, create_dataset, dlt_columns, drop_dataset

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DATASET = "raw_google"


def upgrade() -> None:
    create_dataset(DATASET)
    op.create_table(
        "contacts",
        column("resource_name", "text", nullable=False),
        column("etag", "text"),
        column("display_name", "text"),
        column("given_name", "text"),
        column("family_name", "text"),
        column("primary_email", "text"),
        column("emails", "json"),
        column("phone_numbers", "json"),
        column("organization", "text"),
        column("job_title", "text"),
        column("birthday", "date"),  # NULL when the year is unknown: never a made-up year
        column("birthday_month", "bigint"),
        column("birthday_day", "bigint"),
        column("updated_at", "timestamp"),
        column("is_deleted", "bool", nullable=False),
        *dlt_columns(),
        sa.PrimaryKeyConstraint("resource_name"),
        schema=DATASET,
    )


def downgrade() -> None:
    op.drop_table("contacts", schema=DATASET)
    drop_dataset(DATASET)
