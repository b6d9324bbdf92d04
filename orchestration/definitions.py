"""The one Definitions object of the code location (workspace.yaml loads this module)."""
import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.automation import landing_sensor, nightly_schedule, pipeline_job
from orchestration.defs.dbt_assets import govreports_dbt_assets
from orchestration.defs.ingest_assets import parsed_report_tables, raw_report_files
from orchestration.defs.project import dbt_project
from orchestration.defs.publish_assets import published_warehouse
from orchestration.defs.resources import PipelineStorage

defs = dg.Definitions(
    assets=[raw_report_files, parsed_report_tables, govreports_dbt_assets, published_warehouse],
    jobs=[pipeline_job],
    schedules=[nightly_schedule],
    sensors=[landing_sensor],
    resources={
        "storage": PipelineStorage(),
        "dbt": DbtCliResource(project_dir=dbt_project),
    },
)
