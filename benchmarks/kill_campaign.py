"""kill -9 campaign: start `make run`, kill it at a random moment, run it again plainly, verify.

    .venv/bin/python -m benchmarks.kill_campaign --cycles 20

On a fresh work directory: the seeds (tests/fixtures/seeds) and a generated corpus
(benchmarks/corpus.py) land, and a first plain run builds the warehouse and times a run. Then
each cycle lands a few more corpus files (so the killed run has work in every stage), starts
`python -m orchestration.run` (make run's entry point) as its own process, sends it SIGKILL after
a delay drawn uniformly from [0, the last plain run's duration] (so the kills spread over the
stages: the stage each one hit is read from the Dagster instance), then runs it again plainly and
checks:
- the rerun completed: exit status 0 within --timeout (a hang counts as a failure);
- 0 files lost: every landed file's sha256 is in parsed.reports or ingest.quarantined_files;
- 0 duplicated: each sha256 once in ingest.report_files, parsed.reports and
  ingest.quarantined_files, and in no two of the last two;
- the published copy current: its marts equal the warehouse's row for row, and it says it holds
  the warehouse's last build;
- the killed run no longer in flight in the Dagster instance, and no pool slot held.
The killed run's child processes still alive after the rerun (dbt, parse workers: kill -9 of a
process does not end its children) are counted, then ended. A table, one row per cycle, and a
summary are printed; the rows go to <workdir>/kill_campaign.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from benchmarks import corpus
from benchmarks.accuracy import read_truth
from benchmarks.run import _children, _step_group

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


@dataclass
class Cycle:
    cycle: int
    delay_s: float
    stage: str  # what the killed run was doing when killed
    rerun_exit: int | None  # None: it hung (killed after --timeout)
    rerun_s: float
    lost: int
    duplicated: int
    published_current: bool
    killed_run_ended: bool  # the Dagster instance no longer shows the killed run in flight
    slots_free: bool
    children_left: int  # the killed run's children alive just after the kill (dbt, parse workers)
    orphans: int  # of those, still alive after the rerun (then ended)

    @property
    def ok(self) -> bool:
        return (
            self.rerun_exit == 0
            and not self.lost
            and not self.duplicated
            and self.published_current
            and self.killed_run_ended
            and self.slots_free
        )


# ---------------------------------------------------------------- the work directory


def prepare(workdir: Path, files: int, per_cycle: int, cycles: int, seed: int) -> list[list[Path]]:
    """A fresh work directory: the seeds and `files` corpus files in landing/, the Dagster
    instance's home with the project's dagster.yaml; returns the corpus files each cycle lands."""
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "landing").mkdir(parents=True)
    for seed_file in SEEDS.iterdir():
        shutil.copy(seed_file, workdir / "landing")
    (workdir / "dagster_home").mkdir()
    shutil.copy(ROOT / ".dagster" / "dagster.yaml", workdir / "dagster_home")
    truth = corpus.generate(workdir / "corpus", files + per_cycle * cycles, seed)
    paths = [workdir / "corpus" / "landing" / t["file"] for t in read_truth(truth)]
    random.Random(seed).shuffle(paths)
    land(workdir, paths[:files])
    rest = paths[files:]
    return [rest[i * per_cycle : (i + 1) * per_cycle] for i in range(cycles)]


def land(workdir: Path, paths: list[Path]) -> None:
    for path in paths:
        target = workdir / "landing" / path.relative_to(workdir / "corpus" / "landing")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def environment(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(workdir / "dagster_home"),
        "GOVREPORTS_LANDING": str(workdir / "landing"),
        "GOVREPORTS_RAW": str(workdir / "raw"),
        "GOVREPORTS_WAREHOUSE": str(workdir / "warehouse" / "warehouse.duckdb"),
        "GOVREPORTS_PUBLISHED": str(workdir / "published" / "warehouse.duckdb"),
        "GOVREPORTS_GX": str(workdir / "gx"),
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


def start_run(workdir: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.run"],
            cwd=ROOT,
            env=environment(workdir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def plain_run(workdir: Path, log: Path, timeout: float) -> tuple[int | None, float]:
    """Exit status (None: still running after `timeout`, so killed) and seconds."""
    started = time.monotonic()
    run = start_run(workdir, log)
    try:
        code = run.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        run.kill()
        run.wait()
        code = None
    return code, time.monotonic() - started


# ---------------------------------------------------------------- what the killed run left


def descendants(pid: int) -> dict[int, str | None]:
    """Every process below `pid`, with its start time (to tell it from a later one reusing the pid)."""
    from orchestration.warehouse.duck import process_start

    tree, found, stack = _children(), {}, [pid]
    while stack:
        for child in tree.get(stack.pop(), ()):
            found[child] = process_start(child)
            stack.append(child)
    return found


def alive(children: dict[int, str | None]) -> list[int]:
    from orchestration.warehouse.duck import process_start

    return [pid for pid, started in children.items() if started and process_start(pid) == started]


def end_orphans(children: dict[int, str | None]) -> int:
    """Kill the killed run's children still alive; how many there were."""
    orphans = alive(children)
    for pid in orphans:
        os.kill(pid, signal.SIGKILL)
    return len(orphans)


def killed_run(instance, pid: int):
    import dagster as dg

    from orchestration.defs.resources import PID_TAG

    runs = instance.get_runs(filters=dg.RunsFilter(tags={PID_TAG: str(pid)}), limit=1)
    return runs[0] if runs else None


def stage_of(instance, run) -> str:
    """The stage a run was in when its process died, from its step events."""
    import dagster as dg

    if run is None:
        return "start-up (no run yet)"
    started, ended = [], set()
    for entry in instance.all_logs(
        run.run_id,
        of_type={dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE},
    ):
        event = entry.dagster_event
        if event.event_type == dg.DagsterEventType.STEP_START:
            started.append(event.step_key)
        else:
            ended.add(event.step_key)
    running = [step for step in started if step not in ended]
    if running:
        return _step_group(running[-1])
    if not started:
        return "start-up (before the first step)"
    return f"between steps (after {_step_group(started[-1])})"


# ---------------------------------------------------------------- checks


def _rows(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, list[str]]:
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]
    ).fetchall()
    return {t: sorted(map(repr, con.execute(f"select * from {schema}.{t}").fetchall())) for (t,) in tables}


def verify(workdir: Path) -> tuple[int, int, bool]:
    """Files lost, files duplicated, whether the published copy is current."""
    from orchestration.warehouse import build_state
    from orchestration.warehouse.publish import published_build

    landed = {
        hashlib.sha256(path.read_bytes()).hexdigest() for path in (workdir / "landing").rglob("*") if path.is_file()
    }
    warehouse, published = workdir / "warehouse" / "warehouse.duckdb", workdir / "published" / "warehouse.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        registered, parsed, quarantined = (
            [sha for (sha,) in con.execute(f"select sha256 from {table}").fetchall()]
            for table in ("ingest.report_files", "parsed.reports", "ingest.quarantined_files")
        )
        marts = _rows(con, "marts")
        built = build_state.last_built(con)
    lost = len(landed - set(parsed) - set(quarantined))
    duplicated = sum(n - 1 for rows in (registered, parsed, quarantined) for n in Counter(rows).values())
    duplicated += len(set(parsed) & set(quarantined))
    current = published.exists() and built is not None and published_build(published) == built.fingerprint
    if current:
        with duckdb.connect(str(published), read_only=True) as con:
            current = _rows(con, "marts") == marts
    return lost, duplicated, current


# ---------------------------------------------------------------- the campaign


def campaign(args: argparse.Namespace) -> list[Cycle]:
    import dagster as dg

    from orchestration.defs.resources import IN_FLIGHT

    workdir: Path = args.workdir
    rng = random.Random(args.seed)
    print(f"work directory {workdir}: generating {args.files + args.per_cycle * args.cycles} corpus files", flush=True)
    deliveries = prepare(workdir, args.files, args.per_cycle, args.cycles, args.seed)
    logs = workdir / "logs"
    logs.mkdir()
    code, bound = plain_run(workdir, logs / "first.log", args.timeout)
    if code != 0:
        raise SystemExit(f"the first plain run failed (exit {code}): see {logs / 'first.log'}")
    print(f"first plain run: {bound:.1f} s", flush=True)
    print("| " + " | ".join(COLUMNS) + " | |")
    print("|" + "---|" * (len(COLUMNS) + 1), flush=True)
    cycles = []
    with dg.DagsterInstance.from_config(str(workdir / "dagster_home")) as instance:
        for number, delivery in enumerate(deliveries, 1):
            land(workdir, delivery)
            delay = rng.uniform(0, args.delay_max or bound)
            run = start_run(workdir, logs / f"{number:02d}-killed.log")
            time.sleep(delay)
            children = descendants(run.pid)
            run.send_signal(signal.SIGKILL)
            run.wait()
            left = len(alive(children))
            stage = stage_of(instance, killed_run(instance, run.pid))
            code, seconds = plain_run(workdir, logs / f"{number:02d}-rerun.log", args.timeout)
            if code == 0:
                bound = seconds
            dead = killed_run(instance, run.pid)
            lost, duplicated, current = verify(workdir)
            cycle = Cycle(
                cycle=number,
                delay_s=round(delay, 1),
                stage=stage,
                rerun_exit=code,
                rerun_s=round(seconds, 1),
                lost=lost,
                duplicated=duplicated,
                published_current=current,
                killed_run_ended=dead is None or instance.get_run_by_id(dead.run_id).status not in IN_FLIGHT,
                slots_free=not instance.event_log_storage.get_concurrency_run_ids(),
                children_left=left,
                orphans=end_orphans(children),
            )
            cycles.append(cycle)
            print(row(cycle), flush=True)
    return cycles


COLUMNS = (
    "cycle",
    "delay_s",
    "stage",
    "rerun_exit",
    "rerun_s",
    "lost",
    "duplicated",
    "published_current",
    "killed_run_ended",
    "slots_free",
    "children_left",
    "orphans",
)


def row(cycle: Cycle) -> str:
    return "| " + " | ".join(str(getattr(cycle, column)) for column in COLUMNS) + f" | {'ok' if cycle.ok else 'FAIL'} |"


def summary(cycles: list[Cycle]) -> str:
    return "\n".join(
        [
            f"{sum(c.ok for c in cycles)} of {len(cycles)} cycles ok: "
            f"{sum(c.rerun_exit == 0 for c in cycles)} reruns completed, "
            f"{sum(c.rerun_exit is None for c in cycles)} hung; "
            f"{sum(c.lost for c in cycles)} files lost, {sum(c.duplicated for c in cycles)} duplicated; "
            f"published copy current after {sum(c.published_current for c in cycles)}; "
            f"killed run ended in the instance after {sum(c.killed_run_ended for c in cycles)}; "
            f"pool slots free after {sum(c.slots_free for c in cycles)}; "
            f"{sum(c.children_left for c in cycles)} child process(es) outlived their killed run, "
            f"{sum(c.orphans for c in cycles)} of them still alive after the rerun.",
            "Kills by stage: "
            + ", ".join(f"{stage} {n}" for stage, n in sorted(Counter(c.stage for c in cycles).items())),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kill_campaign", description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--files", type=int, default=300, help="corpus files landed before the first run")
    parser.add_argument("--per-cycle", type=int, default=20, help="corpus files landed before each killed run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "govreports-kill")
    parser.add_argument("--timeout", type=float, default=900, help="seconds after which a run counts as hung")
    parser.add_argument(
        "--delay-max", type=float, default=None, help="kill within this many seconds (default: the last plain run's)"
    )
    args = parser.parse_args(argv)
    cycles = campaign(args)
    print(summary(cycles))
    (args.workdir / "kill_campaign.json").write_text(json.dumps([asdict(c) for c in cycles], indent=1))
    return 0 if all(c.ok for c in cycles) else 1


if __name__ == "__main__":
    sys.exit(main())
