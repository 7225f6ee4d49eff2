"""Where the project lives on disk, for defaults that are relative to it."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
