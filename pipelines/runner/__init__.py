"""The run driver: how any registered pipeline runs, from the command line or Airflow."""

from .cli import main
from .driver import RunResult, run, run_pipeline

__all__ = ["RunResult", "main", "run", "run_pipeline"]
