"""Alembic's folder: env.py, the revisions that pin the raw contract, and a thin CLI.

The contract logic (compare, check, rollback, warehouse) lives in `pipelines.contract`.
"""
