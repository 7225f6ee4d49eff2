"""`python -m sandbox`: serve the offline API stand-ins until interrupted."""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from datetime import date
from pathlib import Path

from .faults import DEFAULT_FAULT_KINDS, DEFAULT_SLOW_SECONDS, FAULT_KINDS, FaultPlan
from .server import Sandbox


def env_lines(settings: dict[str, str]) -> str:
    return "".join(f"{key}={shlex.quote(value)}\n" for key, value in settings.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port (0 picks a free one; default 8765)"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the sample data (default 7)")
    parser.add_argument(
        "--anchor-date",
        type=date.fromisoformat,
        default=None,
        help="last day of the sample data, YYYY-MM-DD (default today, UTC)",
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests that fail (0-1)"
    )
    parser.add_argument(
        "--fault-kinds",
        default=",".join(DEFAULT_FAULT_KINDS),
        help=f"comma list of {', '.join(FAULT_KINDS)} (default {','.join(DEFAULT_FAULT_KINDS)})",
    )
    parser.add_argument(
        "--fault-retry-after",
        type=int,
        default=0,
        help="seconds sent in Retry-After on injected 429s where the API sends one (default 0)",
    )
    parser.add_argument(
        "--fault-slow-seconds",
        type=float,
        default=DEFAULT_SLOW_SECONDS,
        help="how late a slow answer comes; set the clients' request_timeout_seconds "
        f"below it (default {DEFAULT_SLOW_SECONDS:g})",
    )
    parser.add_argument(
        "--rate-limits", action="store_true", help="enforce each API's documented rate limit"
    )
    parser.add_argument(
        "--request-log", type=Path, default=None, help="append every request as JSON lines here"
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="write the pipeline settings for this sandbox as KEY=VALUE lines here",
    )
    parser.add_argument(
        "--print-settings",
        action="store_true",
        help="print the pipeline settings for this sandbox as KEY=VALUE lines and exit",
    )
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the sandbox serves loopback only (--host 127.0.0.1)")

    try:
        plan = FaultPlan(
            args.fault_rate,
            tuple(kind.strip() for kind in args.fault_kinds.split(",") if kind.strip()),
            retry_after=args.fault_retry_after,
            slow_seconds=args.fault_slow_seconds,
        )
    except ValueError as error:
        parser.error(str(error))

    if args.print_settings:  # the settings depend on the address only: nothing is served
        sandbox = Sandbox(args.host, 0, seed=args.seed, anchor=args.anchor_date)
        base_url = f"http://{args.host}:{args.port}"
        settings = {
            key: value.replace(sandbox.base_url, base_url)
            for key, value in sandbox.client_settings().items()
        }
        sandbox._httpd.server_close()
        print(env_lines(settings), end="")
        return 0

    sandbox = Sandbox(
        args.host, args.port, seed=args.seed, anchor=args.anchor_date, log_path=args.request_log
    )
    if plan.rate:
        sandbox.faults.configure(plan)
    if args.rate_limits:
        sandbox.enforce_rate_limits(True)

    settings = sandbox.client_settings()
    if args.env_file:
        args.env_file.write_text(env_lines(settings), encoding="utf-8")
    print(json.dumps({"base_url": sandbox.base_url, "settings": settings}, indent=2), flush=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sandbox.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        sandbox._httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
