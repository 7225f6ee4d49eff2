"""Alembic migrations that pin the contracted raw columns, and their enforcement."""
