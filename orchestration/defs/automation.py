"""The nightly schedule, the sensor that starts a run when new files land, and the one that ends
runs whose process is gone."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from orchestration.defs.collect_assets import COLLECT_GROUP
from orchestration.defs.resources import PipelineStorage, recover_dead_runs
from orchestration.warehouse.raw_store import scan_landing

pipeline_job = dg.define_asset_job(
    "govreports_pipeline",
    # Not the collect group: the nightly run and `make run` never crawl (the collect job does).
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(COLLECT_GROUP),
    description="Register new files, parse, load, build the warehouse, check it, publish it.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_pipeline",
    job=pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def _landing_state(landing_dir: Path) -> dict:
    """A digest of every landing file's path, size and mtime, and the newest mtime. Size and
    mtime only: the sensor must stay cheap and must not open the warehouse, whose single writer
    may be busy with a run; the run itself dedupes by content hash. A digest, not the listing:
    the cursor is stored at every evaluation and would be megabytes at 100,000 files."""
    files = scan_landing(landing_dir)
    digest = hashlib.sha256()
    for f in files:  # a name may hold any bytes: surrogateescape gives them back
        digest.update(f"{f.path}\0{f.size_bytes}\0{f.mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return {
        "digest": digest.hexdigest(),
        "newest_mtime_ns": max((f.mtime_ns for f in files), default=0),
        "files": files,
    }


@dg.sensor(job=pipeline_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext, storage: PipelineStorage):
    """Starts a pipeline run when files appear or change in the landing folder."""
    state = _landing_state(Path(storage.landing_dir))
    seen = json.loads(context.cursor) if context.cursor else {"digest": None, "newest_mtime_ns": -1}
    context.update_cursor(json.dumps({"digest": state["digest"], "newest_mtime_ns": state["newest_mtime_ns"]}))
    if state["digest"] == seen["digest"]:
        return dg.SkipReason("no new or changed files in the landing folder")
    # Files written since the last look; a file landed with an old mtime (cp -p) changes the
    # digest, so it still starts a run, but is not counted here.
    newer = sum(f.mtime_ns > seen["newest_mtime_ns"] for f in state["files"])
    return dg.RunRequest(run_key=state["digest"][:16], tags={"govreports/new_files": str(newer)})


# Often: under `make dev` the queued-run coordinator holds every new run while a dead run's slot
# is claimed, so this sensor is what lets the next run start (one cheap query of unfinished runs).
DEAD_RUN_INTERVAL_SECONDS = 20


@dg.sensor(minimum_interval_seconds=DEAD_RUN_INTERVAL_SECONDS, default_status=dg.DefaultSensorStatus.RUNNING)
def dead_run_sensor(context: dg.SensorEvaluationContext):
    """Under `make dev` (the daemon evaluates it): fails the runs whose process is gone and frees
    their `duckdb` pool slots, so a killed run neither shows as running for good nor makes the
    next run wait. There a run queued meanwhile is not started until the slot is free, so its own
    start-up recovery (RunStorage, which `make run` relies on) comes too late. Starts no run."""
    done = recover_dead_runs(context.instance)
    for line in done:
        context.log.warning(line)
    return dg.SkipReason(" ".join(done) or "no run whose process is gone")
