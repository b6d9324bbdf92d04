"""The nightly schedule and the sensor that starts a run when new files land."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.resources import PipelineStorage
from orchestration.warehouse.raw_store import landed_files

pipeline_job = dg.define_asset_job(
    "govreports_pipeline",
    selection=dg.AssetSelection.all(),
    description="Register new files, parse, load, build the warehouse, check it, publish it.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_pipeline",
    job=pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def _landing_state(landing_dir: Path) -> dict[str, list[int]]:
    # Size and mtime only: the sensor must stay cheap and must not open the warehouse, whose
    # single writer may be busy with a run; the run itself dedupes by content hash.
    return {str(p): [p.stat().st_size, p.stat().st_mtime_ns] for p in landed_files(landing_dir)}


@dg.sensor(job=pipeline_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext, storage: PipelineStorage):
    """Starts a pipeline run when files appear or change in the landing folder."""
    state = _landing_state(Path(storage.landing_dir))
    seen = json.loads(context.cursor) if context.cursor else {}
    changed = sorted(path for path, stamp in state.items() if seen.get(path) != stamp)
    context.update_cursor(json.dumps(state))
    if not changed:
        return dg.SkipReason("no new or changed files in the landing folder")
    run_key = hashlib.sha256(json.dumps([[p, state[p]] for p in changed]).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=run_key, tags={"govreports/new_files": str(len(changed))})
