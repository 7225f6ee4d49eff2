"""python -m migrations {upgrade,check,show}: the raw contract from the command line.

    python -m migrations upgrade [--destination duckdb|bigquery]   # alembic upgrade head
    python -m migrations check   [--destination duckdb|bigquery]   # verify the warehouse
    python -m migrations show                                      # the contract at head

Exit codes as the entry scripts: 0 ok, 1 contract broken or failure, 2 settings error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pipelines.core import destination as destinations
from pipelines.core.errors import EXIT_OK, report_error
from pipelines.core.redaction import redactor, register_secrets

# Warehouse secrets: masked in anything this command prints.
SECRET_KEYS = (
    "destination.bigquery.credentials.private_key",
    "destination.bigquery.credentials.client_secret",
    "destination.bigquery.credentials.refresh_token",
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m migrations", description=__doc__.split("\n")[0]
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb, help_text in (
        ("upgrade", "bring the warehouse to the contract's head (alembic upgrade head)"),
        ("check", "verify the warehouse is at head and holds every contracted column"),
    ):
        sub = verbs.add_parser(verb, help=help_text)
        sub.add_argument(
            "--destination",
            choices=destinations.SUPPORTED,
            default=None,
            help="warehouse (default: the destination_type setting, else duckdb)",
        )
    verbs.add_parser("show", help="print the contracted tables and columns at head")
    return parser.parse_args(argv)


def show() -> str:
    from pipelines.contract.head import head_contract

    contract = head_contract()
    lines = [f"Raw contract at revision {contract.revision}"]
    for table in contract.tables:
        lines.append(f"\n{table.qualified_name}")
        for column in table.columns:
            key = "  primary key" if column.primary_key else ""
            lines.append(f"  {column.name:<22} {column.describe()}{key}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    redactor.install()
    register_secrets(SECRET_KEYS)
    from pipelines.contract import upgrade

    try:
        if args.verb == "show":
            print(show())
        elif args.verb == "upgrade":
            warehouse = upgrade.upgrade(args.destination)
            print(f"Raw contract at head on {warehouse.describe()}")
        else:
            warehouse = upgrade.check_warehouse(args.destination)
            print(f"Raw contract holds on {warehouse.describe()}")
    except Exception as error:
        return report_error(error)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
