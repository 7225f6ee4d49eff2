"""Teach Alembic the DuckDB dialect of duckdb-engine.

Alembic picks its DDL implementation by dialect name and ships none for "duckdb".
DuckDB runs DDL inside transactions, so a failed migration leaves nothing behind.
"""

from __future__ import annotations

from alembic.ddl.impl import DefaultImpl


class DuckDBImpl(DefaultImpl):
    __dialect__ = "duckdb"
    transactional_ddl = True
