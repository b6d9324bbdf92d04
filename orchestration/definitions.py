"""The one Definitions object of the code location (workspace.yaml loads this module)."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.automation import dead_run_sensor, landing_sensor, nightly_schedule, pipeline_job
from orchestration.defs.collect_assets import Collector, collect_job, collected_reports, daily_collect_schedule
from orchestration.defs.dbt_assets import govreports_dbt_assets
from orchestration.defs.identity_assets import agency_identities
from orchestration.defs.ingest_assets import parsed_report_tables, raw_report_files
from orchestration.defs.project import dbt_project
from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.quality_checks import quality_checks
from orchestration.defs.resources import RunStorage
from orchestration.defs.similarity_assets import report_matches

defs = dg.Definitions(
    assets=[
        collected_reports,
        raw_report_files,
        parsed_report_tables,
        agency_identities,
        report_matches,
        govreports_dbt_assets,
        published_warehouse,
    ],
    asset_checks=quality_checks,
    jobs=[pipeline_job, collect_job],
    schedules=[nightly_schedule, daily_collect_schedule],
    sensors=[landing_sensor, dead_run_sensor],
    # Every step opens the one DuckDB file and so runs one at a time anyway (pool "duckdb"); in one
    # process they share imports (GX alone takes ~3 s) instead of paying them per step.
    executor=dg.in_process_executor,
    resources={
        # The paths as the environment gives them when the code location loads, passed explicitly
        # so the launchpad shows them (RunStorage() alone would resolve the same, unshown).
        "storage": RunStorage.from_environment(),
        "collector": Collector.from_environment(),
        # The venv's dbt, whether or not the venv is on PATH.
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).with_name("dbt"))),
    },
)
