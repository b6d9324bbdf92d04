import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import settings
from orchestration.warehouse import duck

# Run tags naming the process that runs a run, so that a later run can tell it is gone.
HOST_TAG, PID_TAG, STARTED_TAG = "govreports/host", "govreports/pid", "govreports/pid_started"
# Runs that have not ended: a killed one stays so for good, holding its `duckdb` pool slot. A
# tagged run NOT_STARTED is one of `make run` killed before its first event.
IN_FLIGHT = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
# How long a run waits for a killed run's dbt to stop writing (a full build at 100,000 reports: ~70 s).
WRITER_TIMEOUT_SECONDS = 900


def owner_tags(owner: duck.Owner) -> dict[str, str]:
    return {HOST_TAG: owner.host, PID_TAG: str(owner.pid), STARTED_TAG: owner.started}


def owner_of(run: dg.DagsterRun) -> duck.Owner | None:
    tags = run.tags
    if not {HOST_TAG, PID_TAG, STARTED_TAG} <= tags.keys():
        return None  # a run of other code, or one whose process died before it tagged the run
    return duck.Owner(run.run_id, tags[HOST_TAG], int(tags[PID_TAG]), tags[STARTED_TAG])


def recover_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every run not ended whose process is gone (killed or crashed, it never
    reported its end), then free the pool slots that ended runs still hold: else the next run's
    first step waits for the `duckdb` slot forever. Dagster's own run monitoring cannot tell: the
    default run launcher has no worker health check, and `make run`'s in-process runs have no
    launcher at all. What was done, a line each."""
    done = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=IN_FLIGHT)):
        owner = owner_of(record.dagster_run)
        if owner is None or owner.alive() is not False:
            continue
        run = instance.get_run_by_id(owner.run_id)  # read again: it may have ended meanwhile
        if run and not run.is_finished:
            message = f"The process of {owner} is gone (killed or crashed) and never ended the run: marked failed."
            instance.report_run_failed(run, message)
            done.append(message)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        for run_id in sorted(storage.get_concurrency_run_ids()):
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
                done.append(f"Freed the pool slots of run {run_id}, which ended without freeing them.")
    return done


class EnvironmentResource(dg.ConfigurableResource):
    """A resource whose fields default to what the environment says when it is built."""

    @classmethod
    def from_environment(cls):
        """Every field resolved now and passed explicitly. Dagster shows a resource's explicit
        values in the launchpad as its defaults; a default_factory's value it does not show."""
        return cls(**{name: field.default_factory() for name, field in cls.model_fields.items()})


class PipelineStorage(EnvironmentResource):
    """The folders and files of one pipeline deployment (configurable in the launchpad).

    A path left unset is read from its environment variable (or the data/ folder) when the
    resource is built, not when this module is imported."""

    landing_dir: str = Field(
        default_factory=settings.default_landing_dir,
        description="Folder scanned for new report files ($GOVREPORTS_LANDING, else data/landing).",
    )
    raw_dir: str = Field(
        default_factory=settings.default_raw_dir,
        description="Raw store: one read-only copy of each file, by sha256 ($GOVREPORTS_RAW, else data/raw).",
    )
    warehouse_path: str = Field(
        default_factory=settings.default_warehouse_path,
        description="The working DuckDB file, named warehouse.duckdb ($GOVREPORTS_WAREHOUSE, else "
        "data/warehouse/warehouse.duckdb).",
    )
    published_path: str = Field(
        default_factory=settings.default_published_path,
        description="The read-only copy BI tools read ($GOVREPORTS_PUBLISHED, else data/published/warehouse.duckdb).",
    )
    gx_dir: str = Field(
        default_factory=settings.default_gx_dir,
        description="Great Expectations Data Docs ($GOVREPORTS_GX, else data/gx).",
    )

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def published(self) -> Path:
        return Path(self.published_path)


class RunStorage(PipelineStorage):
    """The storage resource the code location gives its runs (definitions.py): PipelineStorage
    that, in a run, holds the warehouse while the run lasts. A class apart: Dagster builds a
    resource with a lifecycle only in a `with` block, which code that needs the paths alone (a
    sensor's test, a script) should not have to open."""

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["RunStorage"]:
        """Built once for a run (the in-process executor), before any step claims a pool slot:
        the run tags itself with its process, holds the warehouse until it ends (a run of the UI,
        schedule or sensor started meanwhile waits for it; `make run` refuses to start instead,
        orchestration/run.py), fails the runs whose process is gone and frees their pool slots,
        and waits for a killed run's dbt to stop writing. Built for a sensor (no run): the paths."""
        run, instance, log = context.run, context.instance, context.log
        if run is None or instance is None or log is None:
            with super().yield_for_execution(context) as storage:
                yield storage
            return
        instance.add_run_tags(run.run_id, owner_tags(duck.Owner.this_process(run.run_id)))
        with duck.claim(
            self.warehouse,
            run.run_id,
            wait=True,
            on_wait=lambda holder: log.info(f"waiting: {duck.WarehouseBusy(holder)}"),
        ):
            for line in recover_dead_runs(instance):
                log.warning(line)
            duck.wait_for_writers(
                self.warehouse,
                timeout_seconds=WRITER_TIMEOUT_SECONDS,
                on_wait=lambda error: log.info(f"waiting for a killed run's process to release the warehouse: {error}"),
            )
            with super().yield_for_execution(context) as storage:
                yield storage
