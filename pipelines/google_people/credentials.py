"""OAuth user credentials, declared so dlt resolves them from secrets like any other setting."""

from __future__ import annotations

from dlt.common.configuration import configspec
from dlt.common.configuration.specs import CredentialsConfiguration
from dlt.common.typing import TSecretStrValue
from google.auth.transport import Request
from google.oauth2.credentials import Credentials

from ..core.redaction import redactor


@configspec
class GoogleOAuthUserCredentials(CredentialsConfiguration):
    """An installed-app OAuth client plus the user's refresh token (scope contacts.readonly)."""

    client_id: str = None
    client_secret: TSecretStrValue = None
    refresh_token: TSecretStrValue = None

    def to_native_credentials(self, token_uri: str) -> RefreshingCredentials:
        return RefreshingCredentials(
            token=None,
            refresh_token=self.refresh_token,
            token_uri=token_uri,
            client_id=self.client_id,
            client_secret=self.client_secret,
        )


class _StatusRecorder:
    """Wraps a transport request to remember the token endpoint's HTTP status."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self.status: int | None = None

    def __call__(self, *args, **kwargs):
        response = self._request(*args, **kwargs)
        self.status = response.status
        return response


class RefreshingCredentials(Credentials):
    """google-auth user credentials that remember how the last refresh was answered.

    google-auth raises the same RefreshError for a refused grant and for a broken
    token endpoint; the status tells a settings problem from an outage worth retrying.
    """

    last_refresh_status: int | None = None

    def refresh(self, request: Request) -> None:
        recorder = _StatusRecorder(request)
        try:
            super().refresh(recorder)
        finally:
            self.last_refresh_status = recorder.status
        # An access token is a secret too, and Google may hand out a new refresh token.
        redactor.add(self.token)
        redactor.add(self.refresh_token)
