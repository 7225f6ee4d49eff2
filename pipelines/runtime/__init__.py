"""What every entry script shares: destination choice, settings errors, redaction, summary."""

from .cli import PipelineSpec, main
from .settings import SettingError

__all__ = ["PipelineSpec", "SettingError", "main"]
