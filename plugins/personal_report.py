"""Airflow plugin: the latest personal report, in Airflow's UI and behind its sign-in.

The dbt DAG's last task (`render_report`) writes the report; this plugin serves that file at
`/personal-report/` and adds "Personal report" to the UI's navigation. Airflow does not
authenticate plugin apps itself, so every route here requires a signed-in user with access
to the website, exactly as the UI does (the same JWT: the UI's cookie, or a bearer token).
A browser that is not signed in is sent to the login page and comes back.
"""

from __future__ import annotations

from airflow.api_fastapi.app import get_auth_manager
from airflow.api_fastapi.auth.managers.models.resource_details import AccessView
from airflow.api_fastapi.core_api.security import requires_access_view
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

URL_PREFIX = "/personal-report"

app = FastAPI(
    title="Personal report",
    dependencies=[Depends(requires_access_view(AccessView.WEBSITE))],
)


@app.exception_handler(HTTPException)
async def sign_in_first(request: Request, error: HTTPException) -> Response:
    """A browser without a session goes to the login page; API clients get the 401."""
    if error.status_code == 401 and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(get_auth_manager().get_url_login(next_url=str(request.url)))
    return await http_exception_handler(request, error)


@app.get("/", response_class=HTMLResponse)
def latest_report() -> Response:
    from report.settings import report_path, shown

    path = report_path()
    if not path.exists():
        return HTMLResponse(
            "<!DOCTYPE html><title>Personal report</title><p>No report yet: the DAG "
            "<code>transform_personal__marts__build</code> writes it when it ends "
            f"(to <code>{shown(path)}</code>).</p>",
            status_code=404,
        )
    # the report is one self-contained file; never cached, so a new build shows at once
    return FileResponse(path, media_type="text/html", headers={"Cache-Control": "no-store"})


class PersonalReportPlugin(AirflowPlugin):
    name = "personal_report"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "Personal report"}]
    external_views = [
        {
            "name": "Personal report",
            "href": URL_PREFIX.lstrip("/") + "/",
            "destination": "nav",
            "url_route": "personal-report",
        }
    ]
