"""BigQuery credentials: one setting, read by the loads, the migrations and dbt alike.

`destination.bigquery.credentials` (DESTINATION__BIGQUERY__CREDENTIALS__...) takes one of:

- a service account key: its fields (`project_id`, `private_key`, `client_email`), the whole
  key as inline JSON, or the path of the key file (DESTINATION__BIGQUERY__CREDENTIALS);
- OAuth user credentials: `client_id`, `client_secret`, `refresh_token`, and `token_uri`
  when the token endpoint is not Google's;
- nothing: application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's
  application-default login, the metadata server).

dlt's own credential types do the resolving; the subclasses here only make the token
endpoint a setting (dlt pins it to Google's) and accept a key file's path. Tokens obtained
at run time are registered with the redactor as they are issued.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import (
    BaseConfiguration,
    GcpOAuthCredentials,
    GcpServiceAccountCredentials,
)

from .redaction import redactor
from .settings import SettingError

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
SECTION = "destination.bigquery.credentials"
# Where google-cloud-bigquery sends its API calls instead of Google's when set (an emulator).
EMULATOR_HOST_VARIABLE = "BIGQUERY_EMULATOR_HOST"


def _masked_on_refresh(native: Any) -> Any:
    """Register every token `native` obtains with the redactor, as soon as it is issued."""
    refresh = native.refresh

    def refresh_and_mask(request: Any) -> None:
        refresh(request)
        redactor.add(getattr(native, "token", None))
        redactor.add(getattr(native, "refresh_token", None))

    native.refresh = refresh_and_mask
    return native


@configspec
class ServiceAccountCredentials(GcpServiceAccountCredentials):
    """A service account key given by its fields, as inline JSON or as a key file's path."""

    token_uri: str = GOOGLE_TOKEN_URI

    def parse_native_representation(self, native_value: Any) -> None:
        if isinstance(native_value, str) and not native_value.lstrip().startswith("{"):
            path = Path(native_value).expanduser()
            if not path.is_file():
                raise SettingError(
                    SECTION,
                    f"no service account key file at {native_value!r}",
                    hint="Give the key file's path, the key as JSON, or the key's fields.",
                )
            native_value = path.read_text(encoding="utf-8")
        super().parse_native_representation(native_value)

    def to_native_credentials(self) -> Any:
        native = super().to_native_credentials()
        if not self.has_default_credentials() and self.token_uri != native._token_uri:
            native = native.__class__.from_service_account_info(
                {**dict(self), "token_uri": self.token_uri}
            )
        return _masked_on_refresh(native)


@configspec
class OAuthUserCredentials(GcpOAuthCredentials):
    """OAuth user credentials (an installed-app client and a refresh token)."""

    token_uri: str = GOOGLE_TOKEN_URI

    def to_native_credentials(self) -> Any:
        if self.has_default_credentials():
            return _masked_on_refresh(self.default_credentials())
        # google-auth's from_authorized_user_info always uses Google's token endpoint.
        from google.oauth2.credentials import Credentials

        return _masked_on_refresh(
            Credentials(
                token=self.token or None,
                refresh_token=self.refresh_token,
                token_uri=self.token_uri,
                client_id=self.client_id,
                client_secret=self.client_secret,
                scopes=self.scopes or None,
            )
        )


@configspec
class BigQueryCredentialsSetting(BaseConfiguration):
    """The `[destination.bigquery]` section, as far as credentials are concerned."""

    credentials: ServiceAccountCredentials | OAuthUserCredentials = None


def resolve_credentials(
    *, accept_partial: bool = False, sections: tuple[str, ...] = ("destination", "bigquery")
) -> ServiceAccountCredentials | OAuthUserCredentials:
    """The configured credentials; application default credentials when none are given.

    Raises dlt's ConfigFieldMissingException (reported as exit 2, naming the settings)
    when nothing is configured and no default credentials exist. `sections` reads the same
    forms elsewhere (the staging bucket's `destination.filesystem.credentials`).
    """
    setting = resolve_configuration(
        BigQueryCredentialsSetting(),
        sections=sections,
        accept_partial=accept_partial,
    )
    return setting.credentials


def credential_form(credentials: Any) -> str:
    """`service_account`, `oauth_user` or `default` (application default credentials)."""
    if credentials.has_default_credentials():
        return "default"
    if isinstance(credentials, OAuthUserCredentials):
        return "oauth_user"
    return "service_account"


def register_secrets(credentials: Any) -> None:
    for name in ("private_key", "client_secret", "refresh_token", "token"):
        value = getattr(credentials, name, None)
        if isinstance(value, str):
            redactor.add(value)
            redactor.add(value.strip())


def check_access(native: Any) -> None:
    """Obtain an access token once, so a refused credential stops a run before any work.

    `native` is a google-auth credentials object (`to_native_credentials()`). A token
    endpoint that refuses it (revoked refresh token, unknown client, bad key) raises
    SettingError naming the setting, never its value; an unreachable one raises as is.
    """
    from google.auth.exceptions import RefreshError
    from google.auth.transport.requests import Request
    from google.oauth2 import credentials as user_credentials
    from google.oauth2 import service_account

    try:
        _with_bigquery_scope(native).refresh(Request())
    except RefreshError as error:
        if isinstance(native, user_credentials.Credentials):
            key = f"{SECTION}.refresh_token"
        elif isinstance(native, service_account.Credentials):
            key = f"{SECTION}.private_key"
        else:
            key = SECTION
        raise SettingError(
            key,
            f"the token endpoint refused the BigQuery credentials ({_refusal_reason(error)})",
            hint="Check the client, refresh token or key, and token_uri.",
        ) from None


def _with_bigquery_scope(native: Any) -> Any:
    from google.auth.credentials import with_scopes_if_required

    return with_scopes_if_required(native, ["https://www.googleapis.com/auth/bigquery"])


def _refusal_reason(error: Exception) -> str:
    """The OAuth error code of a refusal (`invalid_grant`, ...), never the request's content."""
    details = error.args[1] if len(error.args) > 1 else None
    if isinstance(details, dict) and isinstance(details.get("error"), str):
        return details["error"]
    return type(error).__name__


def emulator_host() -> str | None:
    return os.environ.get(EMULATOR_HOST_VARIABLE) or None
