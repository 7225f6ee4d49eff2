"""GCS staging for BigQuery loads: off by default, switched on by dlt's own settings.

Direct loads (the default) send each load file to BigQuery in the load job's request. With
`staging_type = "filesystem"` (STAGING_TYPE), dlt first copies the load files to the bucket
`destination.filesystem.bucket_url` (DESTINATION__FILESYSTEM__BUCKET_URL, `gs://...`) and
BigQuery loads them from there, in parquet. The bucket's credentials are
`destination.filesystem.credentials` (DESTINATION__FILESYSTEM__CREDENTIALS__..., the same
forms as BigQuery's) when given, else the BigQuery credentials.

BigQuery cannot load a JSON column from parquet (dlt refuses it before anything is written),
so tables with JSON columns are staged as JSONL; every other table as parquet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

import dlt
from dlt.common.destination import Destination
from dlt.common.destination.capabilities import merge_caps_file_formats
from dlt.common.schema.typing import TTableSchema

from . import bigquery
from .settings import SettingError

STAGING_KEY = "staging_type"
STAGING_DESTINATION = "filesystem"
BUCKET_KEY = "destination.filesystem.bucket_url"
CREDENTIALS_SECTION = ("destination", "filesystem")
CREDENTIALS_KEY = "destination.filesystem.credentials"
# What BigQuery prefers to load from a bucket, and what it takes where parquet cannot go.
STAGED_FILE_FORMAT = "parquet"
JSON_TABLE_FILE_FORMAT = "jsonl"
# Any of these under destination.filesystem.credentials means the bucket has credentials of
# its own (the BigQuery credentials' fields: service account, OAuth user, project).
CREDENTIAL_FIELDS = (
    "project_id",
    "private_key",
    "client_email",
    "client_id",
    "client_secret",
    "refresh_token",
    "token_uri",
)


def staging_type() -> str | None:
    """`filesystem` when staging is on, None when it is off (the default)."""
    configured = dlt.config.get(STAGING_KEY)
    name = str(configured).strip().rsplit(".", 1)[-1] if configured else ""
    if not name:
        return None
    if name != STAGING_DESTINATION:
        raise SettingError(
            STAGING_KEY,
            f"unsupported staging destination {name!r} (use {STAGING_DESTINATION}, or leave it unset"
            " for direct loads)",
            secret=False,
        )
    return name


def bucket_url() -> str:
    """The staging bucket: `gs://...` (`file://` only with the emulator, which reads local files)."""
    url = str(dlt.config.get(BUCKET_KEY) or "").strip()
    if not url:
        raise SettingError(
            BUCKET_KEY,
            f"GCS staging is on ({STAGING_KEY} = {STAGING_DESTINATION}) but no bucket is set",
            secret=False,
            hint="Give a Cloud Storage URL such as gs://my-bucket/staging, or unset "
            f"{STAGING_KEY.upper()} for direct loads.",
        )
    scheme = urlparse(url).scheme
    if scheme in ("gs", "gcs"):
        return url
    if scheme == "file" and bigquery.emulator_host():
        return url
    raise SettingError(
        BUCKET_KEY,
        f"BigQuery loads staged files from Cloud Storage only, not from {scheme or 'a local path'}://"
        " URLs",
        secret=False,
        hint="Give a gs:// URL (file:// is accepted only with BIGQUERY_EMULATOR_HOST set).",
    )


def has_own_credentials() -> bool:
    """Whether anything is configured under destination.filesystem.credentials."""
    if dlt.secrets.get(CREDENTIALS_KEY):
        return True
    return any(dlt.secrets.get(f"{CREDENTIALS_KEY}.{field}") for field in CREDENTIAL_FIELDS)


def staging_credentials(bigquery_credentials: Any) -> Any:
    """The bucket's own credentials when configured, else BigQuery's.

    Own credentials resolve like BigQuery's (same forms); an incomplete set raises dlt's
    ConfigFieldMissingException, which the entry points report as exit 2 naming the settings.
    """
    if not has_own_credentials():
        return bigquery_credentials
    try:
        credentials = bigquery.resolve_credentials(sections=CREDENTIALS_SECTION)
    except SettingError as error:
        if error.key != bigquery.SECTION:
            raise
        raise SettingError(
            CREDENTIALS_KEY,
            "no service account key file at the configured path",
            hint="Give the key file's path, the key as JSON, or the key's fields.",
        ) from None
    bigquery.register_secrets(credentials)
    return credentials


def staged_file_format(
    preferred_loader_file_format: Any,
    supported_loader_file_formats: Sequence[Any],
    /,
    *,
    table_schema: TTableSchema,
) -> tuple[Any, Sequence[Any]]:
    """dlt's per-table file format choice (`loader_file_format_selector`) when staging.

    Parquet, except for tables with a JSON column: BigQuery loads those from JSONL.
    """
    columns = (table_schema.get("columns") or {}).values()
    if any(column.get("data_type") == "json" for column in columns):
        supported = [f for f in supported_loader_file_formats if f != STAGED_FILE_FORMAT]
        return JSON_TABLE_FILE_FORMAT, supported or [JSON_TABLE_FILE_FORMAT]
    return preferred_loader_file_format, supported_loader_file_formats


def build_staging(credentials: Any) -> Destination:
    """dlt's filesystem destination on the staging bucket, for `dlt.pipeline(staging=...)`."""
    url = bucket_url()
    if urlparse(url).scheme == "file":  # the emulator's stand-in for a bucket: no credentials
        return dlt.destinations.filesystem(bucket_url=url)
    return dlt.destinations.filesystem(bucket_url=url, credentials=staging_credentials(credentials))


def loader_file_format(destination: Destination, staging: Destination | None) -> str:
    """The file format dlt writes for a table without JSON columns, given the destinations."""
    preferred, _ = merge_caps_file_formats(
        destination.destination_name,
        staging.destination_name if staging else None,
        destination.capabilities(),
        staging.capabilities() if staging else None,
    )
    return preferred
