"""Where the Alembic configuration lives (alembic.ini, migrations/), and how code loads it."""

from __future__ import annotations

from typing import Any

from alembic.config import Config

from pipelines.core.paths import PROJECT_ROOT

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


def alembic_config(**attributes: Any) -> Config:
    """alembic.ini as a Config for the command API.

    `attributes` reach env.py: `warehouse` (a Warehouse to migrate), `connection` (an
    open SQLAlchemy connection). Logging stays the caller's (Airflow's, the CLI's).
    """
    config = Config(str(ALEMBIC_INI))
    config.attributes["configure_logger"] = False
    config.attributes.update(attributes)
    return config
