"""raw_hubspot: CRM objects, engagements and their associations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from migrations.ddl import column, create_dataset, dlt_columns, drop_dataset

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DATASET = "raw_hubspot"


def object_columns() -> list[sa.Column]:
    """What every CRM object row carries; its properties are dlt's to add."""
    return [
        column("id", "text", nullable=False),
        column("created_at", "timestamp"),
        column("updated_at", "timestamp"),
        column("is_deleted", "bool", nullable=False),
        column("deleted_at", "timestamp"),
    ]


def upgrade() -> None:
    create_dataset(DATASET)
    for name in ("contacts", "companies"):
        op.create_table(
            name, *object_columns(), *dlt_columns(), sa.PrimaryKeyConstraint("id"), schema=DATASET
        )
    op.create_table(
        "engagements",
        *object_columns(),
        column("engagement_type", "text", nullable=False),  # call, email, meeting, note, task
        *dlt_columns(),
        sa.PrimaryKeyConstraint("id"),
        schema=DATASET,
    )
    op.create_table(
        "associations",
        column("from_object_type", "text", nullable=False),
        column("from_id", "text", nullable=False),
        column("to_object_type", "text", nullable=False),
        column("to_id", "text", nullable=False),
        column("association_type_id", "bigint", nullable=False),
        column("association_label", "text"),
        column("is_deleted", "bool", nullable=False),
        *dlt_columns(),
        sa.PrimaryKeyConstraint(
            "from_object_type", "from_id", "to_object_type", "to_id", "association_type_id"
        ),
        schema=DATASET,
    )


def downgrade() -> None:
    for name in ("associations", "engagements", "companies", "contacts"):
        op.drop_table(name, schema=DATASET)
    drop_dataset(DATASET)
