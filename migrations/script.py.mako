<%!
    def quoted(value):
        """repr() with double quotes, as ruff format writes it."""
        return repr(value).replace("'", '"')
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from __future__ import annotations

from alembic import op

from migrations.ddl import column
${imports if imports else ""}
revision = ${quoted(up_revision)}
down_revision = ${quoted(down_revision)}
branch_labels = ${quoted(branch_labels)}
depends_on = ${quoted(depends_on)}


def upgrade() -> None:
    # e.g. op.add_column("contacts", column("nickname", "text"), schema="raw_google")
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    # e.g. op.drop_column("contacts", "nickname", schema="raw_google")
    ${downgrades if downgrades else "pass"}
