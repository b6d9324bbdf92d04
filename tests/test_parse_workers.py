"""No file can stall or kill the parse step: each parse runs in a worker within a time and memory
budget; a file over it, or whose parse kills its worker, is quarantined with why, and every other
file of the run is parsed and loaded."""

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import pytest

from orchestration.parsing.model import ParseResult, TableCell
from orchestration.warehouse import duck, staging
from tests.conftest import ROOT

BUDGET = staging.ParseBudget(seconds=2, memory_mb=300)
HANG_GUARD = 90  # seconds: far above what these runs take (a few budgets), so only a hang trips it
REASONS = {
    "sleeps": "parse exceeded its time budget (2 s)",
    "hogs": "parse exceeded its memory budget (300 MB)",
    "kills": "parse worker died (signal 9, SIGKILL)",
    "breaks": "parse worker died (exit code 1)",
}


def fake_parse(path: str) -> ParseResult:
    """Module level (a worker could pickle it). The raw file's name says how it behaves."""
    name = os.path.basename(path)
    if name.startswith("sleeps"):
        time.sleep(3600)
    if name.startswith("hogs"):
        hoard = []
        while True:  # untouched pages: only the address space limit stops it, the machine's RAM is not used
            hoard.append(bytearray(64 << 20))
    if name.startswith("kills"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("killed_once") and not os.path.exists(f"{path}.killed"):  # as the OOM killer might
        open(f"{path}.killed", "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    # A value the worker cannot put in its Arrow rows: it fails after the parse, outside any file's.
    value = "not a number" if name.startswith("breaks") else len(name)
    return ParseResult(
        file=path, sha256="", doc_type="other", cells=[TableCell(3, "new_received", "total", value, str(value))]
    )


def _register(con, names: list[str], raw_dir) -> list[staging.PendingFile]:
    for i, name in enumerate(names):
        con.execute(
            "insert into ingest.report_files values (?, ?, ?, ?, 1, 'txt', now() + to_microseconds(?))",
            [f"{i:064x}", name, f"/landing/{name}", str(raw_dir / name), i],
        )
    return staging.pending_files(con, "v1")


def _guarded(call):
    """call() on a thread, failing the test instead of hanging it."""
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(value=call()), daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), f"still running after {HANG_GUARD} s"
    return outcome["value"]


def _run(tmp_path, names: list[str], **kwargs) -> tuple[staging.LoadOutcome, dict, set, list]:
    wh = tmp_path / "warehouse.duckdb"
    with duck.connect(wh) as con:
        duck.ensure_staging_schema(con)
        pending = _register(con, names, tmp_path)
    outcome = _guarded(
        lambda: staging.parse_and_load(lambda: duck.connect(wh), pending, fake_parse, "v1", budget=BUDGET, **kwargs)
    )
    with duck.connect(wh) as con:
        quarantined = dict(con.execute("select file_name, reason from ingest.quarantined_files").fetchall())
        parsed = {name for (name,) in con.execute("select file_name from parsed.reports").fetchall()}
        still_pending = staging.pending_files(con, "v1")
        assert len(staging.pending_files(con, "v2")) == len(names)  # the next parser version tries again
    return outcome, quarantined, parsed, still_pending


@pytest.mark.parametrize("culprit", sorted(REASONS))
def test_a_file_over_budget_is_quarantined_and_every_other_file_parsed(tmp_path, culprit):
    # Two batches of 50, each in chunks of 3 files (50 // (2 workers * 8)) on 2 workers: the
    # culprit, 11th of the second batch, shares its chunk with a file before and one after it.
    names = [f"ok{i:02}.txt" for i in range(99)]
    names.insert(60, f"{culprit}.txt")
    outcome, quarantined, parsed, still_pending = _run(tmp_path, names, workers=2, batch_size=50)
    assert quarantined == {f"{culprit}.txt": REASONS[culprit]}
    assert parsed == set(names) - {f"{culprit}.txt"}
    assert (outcome.parsed, outcome.quarantined) == (99, 1)
    assert outcome.rows_written["parsed.table3_cells"] == 99
    assert still_pending == []  # quarantined for this parser version: not tried again


def test_culprits_together_in_one_chunk_and_alone(tmp_path):
    names = ["sleeps.txt", "ok1.txt", "hogs.txt", "kills.txt", "ok2.txt", "breaks.txt", "ok3.txt"]
    # One worker, one chunk of everything: each failure sends the rest back to a fresh worker.
    _, quarantined, parsed, _ = _run(tmp_path, names, workers=1)
    assert quarantined == {f"{c}.txt": reason for c, reason in REASONS.items()}
    assert parsed == {"ok1.txt", "ok2.txt", "ok3.txt"}


def test_a_worker_killed_once_does_not_condemn_its_file(tmp_path):
    """The OOM killer may pick a worker for another process's sake: the file it was parsing is
    parsed again alone, and quarantined only if it kills that worker too."""
    names = ["ok1.txt", "killed_once.txt", "ok2.txt", "kills.txt", "ok3.txt"]
    _, quarantined, parsed, _ = _run(tmp_path, names, workers=1)
    assert quarantined == {"kills.txt": REASONS["kills"]}
    assert parsed == {"ok1.txt", "killed_once.txt", "ok2.txt", "ok3.txt"}


def test_a_single_file_is_bounded_too(tmp_path):
    """A run with one file (no pool of every core) still parses it in a worker that can be killed."""
    _, quarantined, parsed, _ = _run(tmp_path, ["sleeps.txt"])
    assert quarantined == {"sleeps.txt": REASONS["sleeps"]} and parsed == set()


def test_the_budget_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("GOVREPORTS_PARSE_SECONDS", "7.5")
    monkeypatch.setenv("GOVREPORTS_PARSE_MEMORY_MB", "512")
    assert staging.ParseBudget.from_settings() == staging.ParseBudget(7.5, 512)
    monkeypatch.delenv("GOVREPORTS_PARSE_SECONDS")
    monkeypatch.delenv("GOVREPORTS_PARSE_MEMORY_MB")
    assert staging.ParseBudget.from_settings() == staging.ParseBudget(60.0, 2048)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _gone(pid: int) -> bool:
    try:
        return "State:\tZ" in Path(f"/proc/{pid}/status").read_text()  # dead, not yet reaped
    except FileNotFoundError:
        return True


def _poll(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (found := condition()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_workers_die_with_a_loading_process_killed_mid_parse(tmp_path):
    """kill -9 of the run leaves no worker behind, even one stuck in a parse (budget 10 minutes)."""
    loads = (
        "from orchestration.warehouse import staging\n"
        "from tests.test_parse_workers import fake_parse\n"
        f"item = staging.PendingFile('0' * 64, 'sleeps.txt', {str(tmp_path / 'sleeps.txt')!r})\n"
        "list(staging.parse_batches([item], fake_parse, 'v1', budget=staging.ParseBudget(600, 300)))\n"
    )
    loader = subprocess.Popen([sys.executable, "-c", loads], cwd=ROOT)
    workers = []
    try:
        workers = _poll(lambda: _children(loader.pid))
        assert workers, "no worker started"
        loader.kill()
        loader.wait()
        assert _poll(lambda: all(map(_gone, workers)), seconds=10)
    finally:
        loader.kill()
        for pid in workers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
