"""Dagster code location: thin wiring over the plain-Python modules of orchestration/."""
