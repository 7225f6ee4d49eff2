"""Headless Chromium over the DevTools protocol, on a pipe: open a page, collect what it logs.

Chromium speaks the protocol on file descriptors 3 (commands in) and 4 (replies and
events out), NUL-separated JSON, when started with `--remote-debugging-pipe`: no port to
find, nothing listening. Every wait is for a protocol message, bounded by a deadline.

    python -m tests.report.browser REPORT.html SHOT.png [--width 412]   # the README's picture
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def chromium_executable() -> str:
    """Debian's Chromium (script/chromium installs it)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError("no chromium on PATH: run script/chromium")


@dataclass
class PageResult:
    """What a page did while it loaded and drew."""

    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts_drawn: int = 0
    ready: Any = None
    screenshot: bytes = b""


class Chromium:
    """One headless Chromium with a fresh profile; a context manager."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        # our ends: write commands to `commands`, read from `replies`
        to_browser_read, self._commands = os.pipe()
        self._replies, from_browser_write = os.pipe()
        # out of the way of 3 and 4 before the child maps them there
        child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
        os.close(to_browser_read)
        os.close(from_browser_write)

        def map_pipes() -> None:
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.process = subprocess.Popen(
            [chromium_executable(), *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            # dup2 leaves 3 and 4 inheritable; every other descriptor of ours is
            # close-on-exec (PEP 446), so nothing else reaches the browser
            preexec_fn=map_pipes,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self._send("Browser.close")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        for fd in (self._commands, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._profile.cleanup()

    # -- the protocol ------------------------------------------------------------------

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium sent nothing before the deadline")
            readable, _, _ = select.select([self._replies], [], [], left)
            if readable:
                chunk = os.read(self._replies, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium exited: {self._stderr_tail()}")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _stderr_tail(self) -> str:
        self.process.wait(timeout=10)
        return self.process.stderr.read().decode(errors="replace")[-2000:]

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and return its result; events that arrive meanwhile are kept."""
        sent = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == sent:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, session: str) -> dict:
        """The first event `method` of the session (already received or still to come)."""
        deadline = time.monotonic() + self.timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            self.events.append(self._receive(deadline))

    # -- a page ------------------------------------------------------------------------

    def render(
        self, page: Path, width: int = 412, height: int = 915, scale: float = 2
    ) -> PageResult:
        """Open `page` at a phone's size, wait until every chart is drawn, screenshot it all."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": True},
            session=session,
        )
        first_event = len(self.events)
        self.call("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        self.wait_for("Page.loadEventFired", session)
        ready = self.call(
            "Runtime.evaluate",
            {
                "expression": "window.reportReady.then((views) => views.length)",
                "awaitPromise": True,
                "returnByValue": True,
            },
            session=session,
        )
        result = PageResult(ready=ready)
        drawn = self.call(
            "Runtime.evaluate",
            {
                "expression": "document.querySelectorAll('.chart svg.marks').length",
                "returnByValue": True,
            },
            session=session,
        )
        result.charts_drawn = drawn["result"]["value"]
        size = self.call("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot = self.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            },
            session=session,
        )
        result.screenshot = base64.b64decode(shot["data"])
        for event in self.events[first_event:]:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(arg.get("value", arg.get("description", ""))) for arg in params["args"]
                )
                if params["type"] in ("error", "assert"):
                    result.console_errors.append(text)
                elif params["type"] == "warning":
                    result.console_warnings.append(text)
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                result.console_errors.append(
                    details.get("exception", {}).get("description") or details.get("text", "")
                )
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                result.console_errors.append(params["entry"]["text"])
            elif method == "Network.requestWillBeSent":
                result.requests.append(params["request"]["url"])
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshot a report page in headless Chromium.")
    parser.add_argument("page", type=Path)
    parser.add_argument("screenshot", type=Path)
    parser.add_argument("--width", type=int, default=412)
    parser.add_argument("--scale", type=float, default=2)
    args = parser.parse_args(argv)
    with Chromium() as browser:
        result = browser.render(args.page, width=args.width, scale=args.scale)
    args.screenshot.write_bytes(result.screenshot)
    print(f"{result.charts_drawn} charts, console errors: {result.console_errors or 'none'}")
    return 1 if result.console_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
