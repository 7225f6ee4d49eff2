"""The sandbox HTTP server: routes prefixes to APIs, injects faults, logs requests."""

from __future__ import annotations

import sys
import threading
from dataclasses import asdict
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .api import Api
from .clock import Clock
from .faults import DEFAULT_FAULT_KINDS, DEFAULT_SLOW_SECONDS, FaultInjector, FaultPlan
from .google_people import GoogleOAuthApi, GooglePeopleApi
from .hubspot import HubSpotApi
from .notion import NotionApi
from .requestlog import LoggedRequest, RequestLog
from .wire import Request, Response

CONTROL_PREFIX = "/_sandbox"
# What a client that gave up leaves behind when a late ("slow") or cut answer is written.
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Server(ThreadingHTTPServer):
    """One thread per connection, so a slow answer holds only its own; a client that
    hung up before its answer was written is expected under faults, not an error."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], GONE):
            return
        super().handle_error(request, client_address)


def build_apis(clock: Clock, seed: int, anchor: date) -> list[Api]:
    """The APIs the sandbox serves, each with its deterministic sample data."""
    return [
        NotionApi(clock, seed=seed, anchor=anchor),
        HubSpotApi(clock, seed=seed, anchor=anchor),
        GooglePeopleApi(clock, seed=seed, anchor=anchor),
        GoogleOAuthApi(clock),
    ]


class Sandbox:
    """All sandbox APIs on one loopback port.

    >>> with Sandbox() as sandbox:
    ...     sandbox.url("notion")  # 'http://127.0.0.1:<port>/notion'
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: int = 7,
        anchor: date | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.clock = Clock()
        self.anchor = anchor or self.clock.now().date()
        self.seed = seed
        self.faults = FaultInjector()
        self.log = RequestLog(log_path)
        self.apis: dict[str, Api] = {
            api.name: api for api in build_apis(self.clock, seed, self.anchor)
        }
        self._httpd = _Server((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()  # cuts short the wait of slow answers

    # -- lifecycle ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, api: str) -> str:
        return self.base_url + self.apis[api].prefix

    def start(self) -> Sandbox:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits up to one poll interval
            name="sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- switches -------------------------------------------------------------------
    def inject_faults(
        self,
        rate: float,
        kinds: tuple[str, ...] = DEFAULT_FAULT_KINDS,
        apis: set[str] | None = None,
        retry_after: int = 0,
        seed: int = 0,
        slow_seconds: float = DEFAULT_SLOW_SECONDS,
    ) -> None:
        """Fail `rate` of the requests to `apis` (all by default) with `kinds` (see
        sandbox.faults); `retry_after` goes into injected 429s, `slow_seconds` is how
        late a slow answer comes."""
        self.faults.configure(
            FaultPlan(
                rate,
                tuple(kinds),
                frozenset(apis) if apis else None,
                retry_after,
                seed,
                slow_seconds,
            )
        )

    def enforce_rate_limits(self, enabled: bool = True, apis: set[str] | None = None) -> None:
        for name, api in self.apis.items():
            if apis is None or name in apis:
                api.rate_limits_enabled = enabled

    # -- dispatch -------------------------------------------------------------------
    def api_for(self, path: str) -> tuple[Api | None, str]:
        for api in self.apis.values():
            if path == api.prefix or path.startswith(api.prefix + "/"):
                return api, path[len(api.prefix) :] or "/"
        return None, path

    def client_settings(self) -> dict[str, str]:
        """Environment variables that point the pipelines at this sandbox."""
        settings: dict[str, str] = {}
        for api in self.apis.values():
            settings.update(api.client_settings(self.base_url))
        return settings

    def control(self, request: Request) -> Response:
        """Out-of-process switches: the request log and fault injection over HTTP."""
        if request.method == "GET" and request.path == "/requests":
            return Response(200, [asdict(e) for e in self.log.entries(request.arg("api"))])
        if request.method == "DELETE" and request.path == "/requests":
            self.log.clear()
            return Response(204)
        if request.method == "PUT" and request.path == "/faults":
            body = request.json()
            self.inject_faults(
                float(body.get("rate", 0)),
                tuple(body.get("kinds", DEFAULT_FAULT_KINDS)),
                set(body["apis"]) if body.get("apis") else None,
                int(body.get("retry_after", 0)),
                int(body.get("seed", 0)),
                float(body.get("slow_seconds", DEFAULT_SLOW_SECONDS)),
            )
            return Response(200, asdict(self.faults.plan) | {"apis": body.get("apis")})
        if request.method == "PUT" and request.path == "/rate-limits":
            body = request.json()
            self.enforce_rate_limits(
                bool(body.get("enabled", True)), set(body["apis"]) if body.get("apis") else None
            )
            return Response(204)
        return Response(404, {"message": f"unknown control {request.method} {request.path}"})


def _handler_for(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # small JSON replies otherwise wait on delayed ACKs
        server_version = "sandbox/1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return  # the RequestLog is the record; keep stderr quiet

        def date_time_string(self, timestamp: float | None = None) -> str:
            """The Date header tells the server's time: the sandbox clock's (tests move it)."""
            moment = sandbox.clock.now().timestamp() if timestamp is None else timestamp
            return super().date_time_string(moment)

        def _dispatch(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            path = split.path
            if path.startswith(CONTROL_PREFIX + "/"):
                request = Request(
                    self.command,
                    path[len(CONTROL_PREFIX) :],
                    Request.parse_query(split.query),
                    headers,
                    body,
                )
                self._send(sandbox.control(request))
                return
            api, sub_path = sandbox.api_for(path)
            if api is None:
                self._send(Response(404, {"message": f"no sandbox API under {path}"}))
                return
            request = Request(
                self.command, sub_path, Request.parse_query(split.query), headers, body
            )
            fault = sandbox.faults.draw(api.name)
            plan = sandbox.faults.plan
            response = self._respond(api, request, fault)
            if fault == "truncate" and (response is None or len(response.encode()[0]) < 2):
                fault = None  # nothing to cut: the answer goes out whole
            sandbox.log.add(
                LoggedRequest(
                    api.name,
                    self.command,
                    sub_path,
                    split.query,
                    response.status if response else 0,
                    fault,
                    sandbox.clock.now().timestamp(),
                )
            )
            if response is None:  # a dropped connection: no status line at all
                self.close_connection = True
                return
            if fault == "slow":
                # the answer is ready (made in request order, like any other), only late;
                # stopping the sandbox ends the wait
                sandbox._stopping.wait(plan.slow_seconds)
            try:
                self._send(response, truncate=fault == "truncate")
            except GONE:  # the client gave up waiting: nobody to answer
                self.close_connection = True

        def _respond(self, api: Api, request: Request, fault: str | None) -> Response | None:
            """The answer to send: None for a dropped connection. A slow or truncated
            answer is the API's real one; _dispatch delays or cuts it."""
            if fault == "drop":
                return None
            if fault == "429":
                return api.rate_limited(sandbox.faults.plan.retry_after)
            if fault in ("500", "502", "503"):
                return api.server_error(int(fault))
            if api.rate_limits_enabled:
                for limit in api.rate_limit_for(request):
                    wait = limit.admit()
                    if wait > 0:
                        return api.rate_limited(max(1, int(wait + 0.999)))
            return api.handle(request)

        def _send(self, response: Response, *, truncate: bool = False) -> None:
            """Write the answer; `truncate` announces the whole body's length, writes
            half of it and closes the connection (a transfer broken mid-body)."""
            payload, content_type = response.encode()
            self.send_response(response.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                if name.lower() != "content-type":
                    self.send_header(name, value)
            self.end_headers()
            if self.command == "HEAD":
                return
            if truncate:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True  # the rest never comes: EOF mid-body
                return
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _dispatch

    return Handler
