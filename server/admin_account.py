"""Create or update the Airflow UI's `admin` account from AIRFLOW_ADMIN_PASSWORD.

Run at every start by script/server (`python -m server.admin_account`), so the App Setting
is the one place the admin password is kept: a new value takes effect at the next start,
and a second start changes nothing. The password is read from the environment, never from
the command line (where other processes could read it). Other accounts are left alone.
"""

from __future__ import annotations

import os
import sys

ADMIN_USERNAME = os.environ.get("AIRFLOW_ADMIN_USERNAME", "admin")
PASSWORD_SETTING = "AIRFLOW_ADMIN_PASSWORD"
ADMIN_ROLE = "Admin"


def ensure_admin(username: str, password: str, email: str) -> str:
    """Return what was done: "created", "updated" or "unchanged" (password verified)."""
    from airflow.providers.fab.auth_manager.cli_commands.utils import get_application_builder
    from werkzeug.security import check_password_hash

    with get_application_builder() as appbuilder:
        security = appbuilder.sm
        role = security.find_role(ADMIN_ROLE)
        if role is None:  # a fresh database: FAB creates its built-in roles on first use
            security.sync_roles()
            role = security.find_role(ADMIN_ROLE)
        user = security.find_user(username=username)
        if user is None:
            if not security.add_user(username, "Airflow", "Admin", email, role, password):
                raise RuntimeError(f"could not create the Airflow user {username!r}")
            return "created"
        changed = False
        if role not in user.roles:
            user.roles.append(role)
            security.update_user(user)
            changed = True
        if not check_password_hash(user.password, password):
            security.reset_password(user.id, password)
            changed = True
        return "updated" if changed else "unchanged"


def main() -> int:
    password = os.environ.get(PASSWORD_SETTING, "")
    if not password:
        print(f"{PASSWORD_SETTING} is not set: the admin account was not created.", file=sys.stderr)
        return 2
    email = os.environ.get("AIRFLOW_ADMIN_EMAIL", f"{ADMIN_USERNAME}@localhost")
    outcome = ensure_admin(ADMIN_USERNAME, password, email)
    print(f"Airflow user {ADMIN_USERNAME!r}: {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
