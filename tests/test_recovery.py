"""Runs recover by themselves: a run killed with kill -9 is failed and its pool slot freed by the
next run (or, under `make dev`, by dead_run_sensor), a rerun after a kill between dbt and the
publish step publishes, and a second run while one holds the warehouse is refused (`make run`)
or waits (a run of the UI, schedule or sensor) instead of failing on DuckDB's lock."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.automation import dead_run_sensor
from orchestration.defs.resources import owner_of, owner_tags, recover_dead_runs
from orchestration.warehouse import build_state, duck
from orchestration.warehouse.publish import published_build
from tests.conftest import ROOT, SEEDS
from tests.test_pipeline import marts_snapshot, query, storage_in
from tests.test_subset_runs import INGEST, run_subset

POOL = "duckdb"
# Generous bounds: they are there to turn a hang into a failure, not to time anything.
RUN_TIMEOUT = 300


def _exited_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _holder(warehouse: Path, run_id: str, seconds: float) -> subprocess.Popen:
    """Another process holding the warehouse claim for `seconds`, as a run in it would."""
    code = (
        "import sys, time\n"
        "from orchestration.warehouse import duck\n"
        "with duck.claim(sys.argv[1], sys.argv[2]):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(float(sys.argv[3]))\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(warehouse), run_id, str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


# ---------------------------------------------------------------- who runs a run, and is it alive


def test_a_process_is_alive_until_it_ends_and_a_reused_pid_is_not_taken_for_it():
    me = duck.Owner.this_process("r")
    assert me.alive() is True
    assert duck.Owner("r", me.host, _exited_pid(), me.started).alive() is False
    # The same pid, started at another time: a later process that reuses the pid.
    assert duck.Owner("r", me.host, me.pid, me.started + "0").alive() is False
    assert duck.Owner("r", "some-other-host", me.pid, me.started).alive() is None  # cannot tell


def test_a_killed_process_not_yet_reaped_is_dead():
    child = subprocess.Popen(["sleep", "60"])
    owner = duck.Owner("r", socket.gethostname(), child.pid, duck.process_start(child.pid))
    assert owner.alive() is True
    os.kill(child.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while owner.alive() and time.monotonic() < deadline:  # a zombie until waited for
        time.sleep(0.05)
    assert owner.alive() is False
    child.wait()


def test_the_owner_round_trips_through_the_run_tags():
    owner = duck.Owner.this_process("run-1")
    run = dg.DagsterRun(job_name="govreports_pipeline", run_id="run-1", tags=owner_tags(owner))
    assert owner_of(run) == owner
    assert owner_of(dg.DagsterRun(job_name="govreports_pipeline", run_id="run-2")) is None


# ---------------------------------------------------------------- the claim on the warehouse


def test_a_second_process_is_refused_with_the_holder_named(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse, "run-a", 60)
    try:
        with pytest.raises(duck.WarehouseBusy) as refused, duck.claim(warehouse, "run-b"):
            pass
        assert str(refused.value) == f"another run holds the warehouse: run run-a / pid {holder.pid}"
    finally:
        holder.kill()
        holder.wait()
    # kill -9 leaves no stale claim: the kernel dropped the lock with the process.
    with duck.claim(warehouse, "run-b") as owner:
        assert owner == duck.Owner.this_process("run-b")


def test_a_claim_waits_for_the_holder_and_is_reused_within_its_process(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder, told = _holder(warehouse, "run-a", 2), []
    with duck.claim(warehouse, "run-b", wait=True, on_wait=told.append, poll_seconds=0.1) as owner:
        assert holder.wait(timeout=10) == 0  # it waited for the holder to let go
        assert [(h.run_id, h.pid) for h in told] == [("run-a", holder.pid)]
        with duck.claim(warehouse, "run-b") as again:  # the run's resource inside `make run`
            assert again is owner
        # Leaving the inner block kept the claim: another process is still refused.
        refused = subprocess.run([sys.executable, "-c", _REFUSED, str(warehouse)], cwd=ROOT, capture_output=True)
        assert refused.returncode == 0, refused.stderr


_REFUSED = (
    "import sys\n"
    "from orchestration.warehouse import duck\n"
    "try:\n"
    "    with duck.claim(sys.argv[1], 'run-c'):\n"
    "        sys.exit(1)\n"
    "except duck.WarehouseBusy:\n"
    "    sys.exit(0)\n"
)


def test_a_run_waits_for_another_process_writing_the_warehouse_file(tmp_path):
    """A killed run's dbt lives on for a while, holding DuckDB's own lock on the file."""
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    code = "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\nprint('open', flush=True)\ntime.sleep(2)\n"
    writer = subprocess.Popen([sys.executable, "-c", code, str(warehouse)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "open"
    told = []
    duck.wait_for_writers(warehouse, timeout_seconds=60, on_wait=told.append, poll_seconds=0.1)
    assert writer.wait(timeout=10) == 0
    assert len(told) == 1 and f"PID {writer.pid}" in told[0]

    writer = subprocess.Popen([sys.executable, "-c", code.replace("2", "30"), str(warehouse)], stdout=subprocess.PIPE)
    writer.stdout.readline()
    try:
        with pytest.raises(duck.WarehouseLocked, match="still locked after 1 s"):
            duck.wait_for_writers(warehouse, timeout_seconds=1, on_wait=told.append, poll_seconds=0.1)
    finally:
        writer.kill()
        writer.wait()


# ---------------------------------------------------------------- failing the runs whose process is gone


@pytest.fixture
def instance():
    with dg.instance_for_test(overrides={"concurrency": {"pools": {"default_limit": 1}}}) as instance:
        instance.event_log_storage.initialize_concurrency_limit_to_default(POOL)
        yield instance


def _started_run(
    instance, run_id: str, owner: duck.Owner | None, step: str | None = None, status=dg.DagsterRunStatus.STARTED
) -> None:
    tags = owner_tags(owner) if owner else {}
    instance.add_run(dg.DagsterRun(job_name="govreports_pipeline", run_id=run_id, status=status, tags=tags))
    if step:
        assert instance.event_log_storage.claim_concurrency_slot(POOL, run_id, step).is_claimed


def test_a_run_whose_process_is_gone_is_failed_and_its_slot_freed(instance):
    me = duck.Owner.this_process("alive")
    _started_run(instance, "dead", duck.Owner("dead", me.host, _exited_pid(), "1"), "raw_report_files")
    # `make run` killed after it created its run, before the run's first event.
    unborn = duck.Owner("unborn", me.host, _exited_pid(), "1")
    _started_run(instance, "unborn", unborn, status=dg.DagsterRunStatus.NOT_STARTED)
    _started_run(instance, "alive", me)
    _started_run(instance, "elsewhere", duck.Owner("elsewhere", "some-other-host", 1, "1"))
    _started_run(instance, "untagged", None)  # another job's, or from before runs were tagged
    # A run that ended with a step still queued for the slot: given the slot once it is freed, it
    # would hold it for good.
    _started_run(instance, "ended", me)
    assert not instance.event_log_storage.claim_concurrency_slot(POOL, "ended", "publish").is_claimed
    instance.report_run_failed(instance.get_run_by_id("ended"))

    done = recover_dead_runs(instance)

    runs = ("dead", "unborn", "alive", "elsewhere", "untagged")
    assert {run_id: instance.get_run_by_id(run_id).status.value for run_id in runs} == {
        "dead": "FAILURE",
        "unborn": "FAILURE",
        "alive": "STARTED",
        "elsewhere": "STARTED",
        "untagged": "STARTED",
    }
    [failure] = instance.all_logs("dead", of_type=dg.DagsterEventType.RUN_FAILURE)
    assert failure.dagster_event.message.startswith("The process of run dead / pid")
    assert instance.event_log_storage.get_concurrency_run_ids() == set()
    _started_run(instance, "next", me, "raw_report_files")  # the slot is free for the next run
    dead_message, unborn_message = sorted(done[:2])
    assert dead_message == failure.dagster_event.message and unborn_message.startswith("The process of run unborn /")
    assert done[2:] == [
        f"Freed the pool slots of run {run_id}, which ended without freeing them." for run_id in ("dead", "ended")
    ]
    assert recover_dead_runs(instance) == []


def test_under_make_dev_the_sensor_fails_dead_runs(instance):
    me = duck.Owner.this_process("x")
    _started_run(instance, "dead", duck.Owner("dead", me.host, _exited_pid(), "1"), "raw_report_files")
    result = dead_run_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(result, dg.SkipReason)
    assert "run dead / pid" in result.skip_message and "Freed the pool slots of run dead" in result.skip_message
    assert instance.get_run_by_id("dead").status == dg.DagsterRunStatus.FAILURE
    quiet = dead_run_sensor(dg.build_sensor_context(instance=instance))
    assert quiet.skip_message == "no run whose process is gone"


def _logged(instance, run_id: str) -> list[str]:
    return [e.user_message for e in instance.all_logs(run_id) if not e.is_dagster_event]


def test_a_run_of_the_ui_waits_while_another_run_holds_the_warehouse(tmp_path, instance):
    """A run started by the UI, the schedule or the sensor (no `make run` around it) is queued
    behind the run going: it waits, says for whom, and runs once that run's process is gone."""
    shutil.copytree(SEEDS, tmp_path / "landing")
    storage = storage_in(tmp_path)
    holder = _holder(Path(storage["warehouse_path"]), "run-a", 600)
    waiting = f"waiting: another run holds the warehouse: run run-a / pid {holder.pid}"

    def kill_holder_once_waited_for():
        _wait_for(lambda: any(waiting in _logged(instance, run.run_id) for run in instance.get_runs()), "the wait")
        holder.kill()

    killer = threading.Thread(target=kill_holder_once_waited_for, daemon=True)
    killer.start()
    try:
        result = run_subset(storage, instance, INGEST[:1])
    finally:
        holder.kill()
        holder.wait()
    killer.join()
    assert result.success
    assert waiting in _logged(instance, result.run_id)
    assert owner_of(instance.get_run_by_id(result.run_id)) == duck.Owner.this_process(result.run_id)


# ---------------------------------------------------------------- kill -9, then a plain rerun (`make run`)


def _make_run(base: Path, home: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "GOVREPORTS_LANDING": str(base / "landing"),
        "GOVREPORTS_RAW": str(base / "raw"),
        "GOVREPORTS_WAREHOUSE": str(base / "warehouse" / "warehouse.duckdb"),
        "GOVREPORTS_PUBLISHED": str(base / "published" / "warehouse.duckdb"),
        "GOVREPORTS_GX": str(base / "gx"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition, what: str, process: subprocess.Popen | None = None, timeout: float = RUN_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert process is None or process.poll() is None, (
            f"the run ended before {what}: {process.stderr.read()[-3000:]}"
        )
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
    return found


def _dagster_home(base: Path) -> Path:
    """A Dagster instance of its own, with the project's settings (the `duckdb` pool)."""
    home = base / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / ".dagster" / "dagster.yaml", home)
    return home


def _started(instance, process: subprocess.Popen):
    """The run `process` (a `make run`) created in the instance, once it exists."""
    return _wait_for(lambda: next(iter(instance.get_runs(limit=1)), None), "the first run started", process)


def _holding(instance, run_id: str) -> list[str]:
    """The steps of the run holding a `duckdb` pool slot: a cheap query, where polling the run's
    event log would slow the run down."""
    return [
        s.step_key for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots if s.run_id == run_id
    ]


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """`make run` on the seeds, killed with kill -9 after the dbt step and before the publish step,
    while a check on the marts holds the pool slot; meanwhile a second `make run`; then a plain rerun."""
    base = tmp_path_factory.mktemp("killed")
    shutil.copytree(SEEDS, base / "landing")
    home = _dagster_home(base)
    first = _make_run(base, home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        try:
            run = _started(instance, first)
            _wait_for(lambda: _holding(instance, run.run_id), "the first run claimed the pool slot", first)
            second = _make_run(base, home)
            second_out, second_err = second.communicate(timeout=RUN_TIMEOUT)
            # A check on the marts holds the slot: the dbt step has ended, the publish step not begun.
            holding = _wait_for(
                lambda: [step for step in _holding(instance, run.run_id) if step.startswith("marts__")],
                "a check on the marts",
                first,
            )
        finally:
            first.send_signal(signal.SIGKILL)
            first.communicate()
        killed_run = instance.get_run_by_id(run.run_id)
        stepped = {e.step_key for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)}
        started = time.monotonic()
        rerun = _make_run(base, home)
        try:
            rerun_out, rerun_err = rerun.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            rerun.kill()
            rerun_out, rerun_err = rerun.communicate()
            pytest.fail(f"the rerun hung:\n{rerun_err[-3000:]}")
        yield {
            "storage": storage_in(base),
            "first": run,
            "killed_status": killed_run.status,
            "holding": holding,
            "stepped": stepped,
            "second": (second.returncode, second_out, second_err),
            "rerun": (rerun.returncode, rerun_out, rerun_err, time.monotonic() - started),
            "first_after": instance.get_run_by_id(run.run_id),
            "runs": instance.get_runs(),
            "slots": instance.event_log_storage.get_concurrency_run_ids(),
        }


def test_a_second_make_run_is_refused_naming_the_run_that_holds_the_warehouse(killed):
    code, out, err = killed["second"]
    assert code == 2
    first = killed["first"]
    pid = first.tags["govreports/pid"]
    assert err.strip().splitlines()[-1] == (
        f"another run holds the warehouse: run {first.run_id} / pid {pid}: not started "
        "(run `make run` again once it has ended)."
    )
    assert "Traceback" not in err
    assert len(killed["runs"]) == 2  # the refused run left no run behind: the killed one and the rerun


def test_the_killed_run_held_the_pool_slot_and_stayed_started(killed):
    assert killed["killed_status"] == dg.DagsterRunStatus.STARTED
    assert killed["holding"]  # the step the kill interrupted, still holding the only `duckdb` slot
    assert "govreports_dbt_assets" in killed["stepped"]


def test_a_plain_rerun_after_kill_9_completes_and_fails_the_dead_run(killed):
    code, out, err, _seconds = killed["rerun"]
    assert code == 0, err[-3000:]
    first = killed["first_after"]
    assert first.status == dg.DagsterRunStatus.FAILURE
    assert f"The process of run {first.run_id} / pid {first.tags['govreports/pid']}" in err
    assert killed["slots"] == set()  # nobody holds or waits for a slot


def test_after_a_kill_between_dbt_and_publish_the_rerun_publishes_the_current_build(killed):
    assert "published_warehouse" not in killed["stepped"]
    storage = killed["storage"]
    warehouse, published = Path(storage["warehouse_path"]), Path(storage["published_path"])
    assert marts_snapshot(published) == marts_snapshot(warehouse)
    with duck.connect(warehouse, read_only=True) as con:
        assert published_build(published) == build_state.last_built(con).fingerprint
    assert query(published, "select count(*) from marts.dim_report") == [(5,)]


def test_the_published_copy_holds_the_marts_and_code_lists_and_no_host_path(killed):
    published = killed["storage"]["published_path"]
    work_dir = str(Path(published).parents[1])
    relations = query(published, "select table_schema, table_name from information_schema.tables order by all")
    assert {schema for schema, _ in relations} == {"marts", "seeds", "meta"}
    # every seed of the project: the code lists and the hand-kept mapping and rule data
    seeds = {p.stem for p in (ROOT / "dbt_project" / "seeds").glob("*.csv")}
    assert {"table3_rows", "agency_zones", "disclosure_deadlines"} <= seeds
    assert {name for schema, name in relations if schema == "seeds"} == seeds
    for schema, name in relations:
        values = [value for row in query(published, f"select * from {schema}.{name}") for value in row]
        assert not [value for value in values if work_dir in str(value)], f"{schema}.{name} holds a host path"


# ---------------------------------------------------------------- kill -9 while registering or parsing

# Enough generated reports that registering and parsing each hold the pool slot for seconds.
CORPUS_FILES = 600


@pytest.mark.parametrize("step", ["raw_report_files", "parsed_report_tables"])
def test_a_run_killed_while_it_registers_or_parses_is_completed_by_a_plain_rerun(tmp_path, step):
    """The stages before dbt: a kill leaves raw-store copies without their rows, or a batch parsed
    and not loaded. The rerun registers and parses what is missing, each file once, and serves
    every report."""
    from benchmarks import corpus

    corpus.generate(tmp_path / "corpus", CORPUS_FILES, seed=7)
    shutil.copytree(tmp_path / "corpus" / "landing", tmp_path / "landing")
    home = _dagster_home(tmp_path)
    first = _make_run(tmp_path, home)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        try:
            run = _started(instance, first)
            _wait_for(lambda: step in _holding(instance, run.run_id), f"the step {step}", first)
        finally:
            first.send_signal(signal.SIGKILL)
            first.communicate()
        stepped = {e.step_key for e in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)}
        rerun = _make_run(tmp_path, home)
        try:
            _out, err = rerun.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            rerun.kill()
            pytest.fail(f"the rerun hung:\n{rerun.communicate()[1][-3000:]}")
        assert rerun.returncode == 0, err[-3000:]
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert "govreports_dbt_assets" not in stepped  # killed before dbt, in the step asked for
    storage = storage_in(tmp_path)
    warehouse, published = storage["warehouse_path"], storage["published_path"]
    landed = {p.read_bytes() for p in (tmp_path / "landing").rglob("*") if p.is_file()}
    # Every distinct file registered once, then parsed or quarantined once; every report served.
    assert query(warehouse, "select count(*), count(distinct sha256) from ingest.report_files") == [
        (len(landed), len(landed))
    ]
    assert query(
        warehouse,
        "select count(*) from ingest.report_files f where (select count(*) from parsed.reports p "
        "where p.sha256 = f.sha256) + (select count(*) from ingest.quarantined_files q where q.sha256 = f.sha256) <> 1",
    ) == [(0,)]
    assert query(published, "select count(*) from marts.dim_report") == query(
        warehouse, "select count(*) from parsed.reports"
    )
    assert marts_snapshot(Path(published)) == marts_snapshot(Path(warehouse))
