"""Settings errors that name both places a setting can be given, never its value."""

from __future__ import annotations

from dlt.common.configuration.exceptions import ConfigFieldMissingException, LookupTraces


def env_var_for(key: str) -> str:
    """dlt's environment variable name for a dotted toml key."""
    return key.upper().replace(".", "__")


def where_to_set(key: str, *, secret: bool) -> str:
    section, _, field = key.rpartition(".")
    toml = ".dlt/secrets.toml" if secret else ".dlt/config.toml"
    return (
        f"set the environment variable {env_var_for(key)}, or `{field} = ...` "
        f"under [{section}] in {toml}"
    )


class SettingError(Exception):
    """A missing or wrong setting. The message says which and how to fix it."""

    def __init__(self, key: str, problem: str, *, secret: bool = True, hint: str = "") -> None:
        self.key = key
        message = f"{problem} ({key}): {where_to_set(key, secret=secret)}."
        if hint:
            message += f" {hint}"
        super().__init__(message)


def _canonical_key(traces: list) -> str | None:
    """The documented `sources.<source>.<field>` key among dlt's lookup candidates."""
    env_traces = [t for t in traces if getattr(t, "sections", None) and t.key.isupper()]
    if not env_traces:
        return None
    longest = max(env_traces, key=lambda t: len(t.sections))
    section = longest.sections[1] if len(longest.sections) > 1 else None
    candidates = [
        t
        for t in env_traces
        if len(t.sections) > 1
        and t.sections[1] == section
        and t.key.startswith(t.sections[0].upper())
    ]
    best = min(candidates or env_traces, key=lambda t: len(t.sections))
    return ".".join([*best.sections, best.key.rsplit("__", 1)[-1].lower()])


def _missing_keys(traces: dict, prefix: str = "") -> list[str]:
    keys = []
    for field, field_traces in traces.items():
        nested = [t for t in field_traces if isinstance(t, LookupTraces)]
        if nested:
            for lookup in nested:
                keys.extend(_missing_keys(lookup.traces))
            continue
        keys.append(_canonical_key(field_traces) or f"{prefix}{field}")
    return list(dict.fromkeys(keys))


def describe_missing(error: ConfigFieldMissingException) -> str:
    """Turn dlt's missing-config error into one actionable line per missing setting."""
    lines = [f"  - {key}: {where_to_set(key, secret=True)}" for key in _missing_keys(error.traces)]
    return "Missing settings:\n" + "\n".join(lines)
