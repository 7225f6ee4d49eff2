"""The built warehouse of the dbt tests (loaded from the sandbox once, then `dbt build`)."""

from tests.dbt.conftest import warehouse  # noqa: F401 (the fixture, shared)
