"""Storage side of the pipeline: the raw store, the DuckDB staging tables, the published copy.

Plain Python, no dagster: the Dagster assets in orchestration.defs only call these functions.
"""
