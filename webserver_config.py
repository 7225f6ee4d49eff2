"""Sign-in for the Airflow UI and REST API (the FAB auth manager reads this file).

Accounts live in Airflow's metadata database: user name and password (AUTH_DB), roles
Admin, Op, User, Viewer and Public. script/server creates or updates the `admin` account
from AIRFLOW_ADMIN_PASSWORD at every start; add other people with `airflow users create`.
Nobody is signed in automatically: anonymous visitors get the Public role, which has no
permissions.
"""

from flask_appbuilder.const import AUTH_DB

AUTH_TYPE = AUTH_DB
AUTH_ROLE_PUBLIC = None  # no anonymous access
AUTH_USER_REGISTRATION = False  # accounts are created by an admin, never self-service
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
