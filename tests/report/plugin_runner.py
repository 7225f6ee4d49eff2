"""Run in its own process (Airflow reads its configuration once, at import): build the
Airflow API server app with the plugins folder, and ask it for the report as a stranger, as
a browser without a session, and signed in. Prints one JSON line."""

from __future__ import annotations

import json
import sys

from airflow.api_fastapi.app import create_app
from fastapi.testclient import TestClient


def main(password: str) -> None:
    client = TestClient(create_app())
    anonymous = client.get("/personal-report/")
    browser = client.get(
        "/personal-report/", headers={"accept": "text/html"}, follow_redirects=False
    )
    token = client.post("/auth/token", json={"username": "admin", "password": password})
    token = token.json()["access_token"]
    bearer = client.get("/personal-report/", headers={"Authorization": f"Bearer {token}"})
    client.cookies.set("_token", token)  # what the UI's sign-in leaves in the browser
    cookie = client.get("/personal-report/")
    plugins = client.get("/api/v2/plugins").json()["plugins"]
    print(
        json.dumps(
            {
                "anonymous": anonymous.status_code,
                "browser": [browser.status_code, browser.headers.get("location", "")],
                "bearer": [bearer.status_code, bearer.headers.get("content-type", "")],
                "cookie": [cookie.status_code, cookie.text],
                "views": [view for plugin in plugins for view in plugin.get("external_views", [])],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
