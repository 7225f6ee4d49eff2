"""What script/server runs before Airflow's processes start (accounts, settings checks)."""
