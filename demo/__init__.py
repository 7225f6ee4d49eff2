"""The whole ELT offline, for a first look: sandbox APIs -> pipelines -> DuckDB -> dbt.

Composes the sandbox (test doubles of the three APIs), the registered pipelines and the
dbt project; it lives outside `pipelines` so the product never depends on the doubles.
"""
