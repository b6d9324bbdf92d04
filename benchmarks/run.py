"""Time the pipeline stage by stage and end to end on generated corpora; write BENCHMARKS.md.

    .venv/bin/python -m benchmarks.run --sizes 1000 10000 100000

For each size: generate a corpus into a work folder; time register, parse, load, dbt build,
checks and publish one by one on a fresh warehouse; then the Dagster job end to end on another
fresh warehouse. On the largest size, the nightly scenarios: 1,000 new reports added, then a run
with nothing new. Per stage: wall time, reports/s and the peak memory of the whole
process tree (this process, the parse pool, dbt) as PSS, sampled from /proc. Results go to
<workdir>/results.json and into BENCHMARKS.md between the "measured" markers (text outside them
is kept, so the analysis written there survives a re-run).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from benchmarks import corpus
from benchmarks.accuracy import read_back, read_truth, score

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "BENCHMARKS.md"
START, END = "<!-- measured:start -->", "<!-- measured:end -->"
NEW_REPORTS = 1000
# Beyond the agencies any corpus here uses: the nightly delivery is of other agencies' reports.
DELTA_AGENCY_OFFSET = 100_000
PACKAGES = ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "pandas", "pyarrow")


# ---------------------------------------------------------------- memory of the process tree


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
            tree[ppid].append(int(entry))
    return tree


def _pss(pid: int) -> int:
    """Proportional set size: resident bytes, with each page shared between processes (a forked
    pool worker shares its parent's pages until it writes them) split among them, so a tree's
    sum counts every page once."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants now (PSS)."""
    tree, total, stack = _children(), 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += _pss(p)
        except OSError:
            continue
        stack.extend(tree.get(p, ()))
    return total


class PeakSampler:
    """Samples the tree's memory every `interval` s on a thread; `peak` is the maximum."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_memory(os.getpid()))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_memory(os.getpid()))


@contextmanager
def measured(rows: list[dict], stage: str, reports: int):
    with PeakSampler() as sampler:
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
    rows.append(
        {"stage": stage, "seconds": round(seconds, 2), "reports": reports, "peak_mb": round(sampler.peak / 2**20)}
    )
    print(f"  {stage:<28} {seconds:8.2f} s  {reports:>7} reports  peak {sampler.peak / 2**20:7.0f} MB", flush=True)


# ---------------------------------------------------------------- the machine


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "-"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": versions,
    }


# ---------------------------------------------------------------- stages


def _storage(base: Path, landing: Path) -> dict:
    return {
        "landing_dir": str(landing),
        "raw_dir": str(base / "raw"),
        "warehouse_path": str(base / "warehouse" / "warehouse.duckdb"),
        "published_path": str(base / "published" / "warehouse.duckdb"),
        "gx_dir": str(base / "gx"),
    }


def dbt_build(warehouse: str, target: Path) -> None:
    env = {**os.environ, "GOVREPORTS_WAREHOUSE": warehouse}
    dbt = Path(sys.executable).with_name("dbt")
    project = ROOT / "dbt_project"
    # Own target and log folders: the project's target/manifest.json is what Dagster loads.
    subprocess.run(
        [
            str(dbt),
            "build",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(target / "target"),
            "--log-path",
            str(target / "logs"),
            "--quiet",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def stages(base: Path, landing: Path, truth_path: Path, n: int, score_parse: bool) -> tuple[list[dict], dict | None]:
    """Each stage as the pipeline calls it, timed one by one on a fresh warehouse."""
    from orchestration.parsing import PARSER_VERSION, parse_file
    from orchestration.quality import load_suites, run_suite
    from orchestration.settings import EXPECTATIONS_DIR
    from orchestration.warehouse import duck, raw_store, staging
    from orchestration.warehouse.publish import publish_copy

    s = _storage(base, landing)
    rows: list[dict] = []
    with measured(rows, "register", n), duck.connect(s["warehouse_path"]) as con:
        duck.ensure_staging_schema(con)
        raw_store.register_landed_files(con, landing, Path(s["raw_dir"]))
    with duck.connect(s["warehouse_path"]) as con:
        pending = staging.pending_files(con, PARSER_VERSION)
    with PeakSampler() as sampler:
        outcome = staging.parse_and_load(lambda: duck.connect(s["warehouse_path"]), pending, parse_file, PARSER_VERSION)
        peak = sampler.peak
    parse_s, load_s = outcome.parse_seconds, outcome.load_seconds
    for stage, seconds in (("parse (pool, all cores)", parse_s), ("load (bulk, Arrow)", load_s)):
        rows.append({"stage": stage, "seconds": round(seconds, 2), "reports": n, "peak_mb": round(peak / 2**20)})
        print(f"  {stage:<28} {seconds:8.2f} s  {n:>7} reports  peak(parse+load) {peak / 2**20:7.0f} MB", flush=True)
    accuracy = None
    if score_parse:  # what the warehouse holds, against the corpus's ground truth
        with duck.connect(s["warehouse_path"], read_only=True) as con:
            loaded = read_back(con)
        acc = score((t, loaded[Path(t["file"]).name]) for t in read_truth(truth_path) if Path(t["file"]).name in loaded)
        accuracy = {
            "summary": acc.summary(),
            "t3_share": acc.t3_share,
            "worst": acc.worst(10),
            "by_form": {form: asdict(s) for form, s in acc.by_form.items()},
            "form_table": acc.form_table(),
        }
        print("  accuracy:", acc.summary(), *acc.form_table(), sep="\n    ", flush=True)
    with measured(rows, "dbt build", n):
        dbt_build(s["warehouse_path"], base / "dbt")
    with measured(rows, "checks (GX suites)", n):
        for suite in load_suites(EXPECTATIONS_DIR):
            run_suite(suite, s["warehouse_path"])
    with measured(rows, "publish", n):
        publish_copy(Path(s["warehouse_path"]), Path(s["published_path"]))
    return rows, accuracy


def _step_group(step_key: str) -> str:
    if step_key.startswith("raw_report_files"):
        return "register"
    if step_key.startswith("parsed_report_tables"):
        return "parse + load"
    if step_key.startswith("govreports_dbt_assets"):
        return "dbt build"
    if step_key.startswith("published_warehouse"):
        return "publish"
    return "checks (GX suites)"


def job_run(storage: dict, home: Path, label: str, reports: int) -> list[dict]:
    """The Dagster job in a fresh process per run, as a run launcher starts it (and as `make run`
    does), on one persistent instance; per-stage times from the run's step events."""
    rows: list[dict] = []
    with measured(rows, f"{label}: whole job", reports):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--job", json.dumps(storage)],
            env={**os.environ, "DAGSTER_HOME": str(home)},
            capture_output=True,
            text=True,
        )
    outcome = (
        json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {"success": False, "steps": {}}
    )
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    rows[-1]["success"] = outcome["success"]
    for group, seconds in outcome["steps"].items():
        rows.append(
            {"stage": f"{label}: {group} (step)", "seconds": round(seconds, 2), "reports": reports, "peak_mb": None}
        )
    return rows


def execute_job(storage: dict) -> dict:
    """One run of the job on the instance at $DAGSTER_HOME: success and seconds per stage."""
    import dagster as dg

    from orchestration.definitions import defs

    job = defs.resolve_job_def("govreports_pipeline")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            run_config={
                "resources": {"storage": {"config": storage}},
                "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            },
            instance=instance,
            raise_on_error=False,
        )
        started: dict[str, float] = {}
        spent: dict[str, float] = defaultdict(float)
        for entry in instance.all_logs(result.run_id):
            event = entry.dagster_event
            if event is None or not event.step_key:
                continue
            if event.event_type == dg.DagsterEventType.STEP_START:
                started[event.step_key] = entry.timestamp
            elif event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
                spent[_step_group(event.step_key)] += entry.timestamp - started.pop(event.step_key, entry.timestamp)
    return {"success": result.success, "steps": dict(spent)}


def add_delivery(base: Path, landing: Path, seed: int) -> int:
    """Generate NEW_REPORTS reports of other agencies and move them into the landing folder."""
    delta = base / "delta"
    truth = corpus.generate(delta, NEW_REPORTS, seed + 1, agency_offset=DELTA_AGENCY_OFFSET)
    for t in read_truth(truth):
        target = landing / "delivery" / t["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(delta / "landing" / t["file"], target)
    return NEW_REPORTS


def parse_rates(landing: Path, truth_path: Path, per_form: int = 200) -> list[dict]:
    """Single-process parse rate (reports/s/core) per rendering form of the annual reports with
    tables, on up to `per_form` files each, and of the text/HTML mix as generated (every
    txt, md and html file, with or without tables). Every other file of a set is parsed untimed
    first (imports, caches), then the rest is timed: the speed of a warm worker, which is what a
    pool runs at, on files it has not seen (a file parsed twice would find its own texts cached).
    Measured in a forked process set up as a parse worker is, which leaves this one as it was."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as worker:
        return worker.submit(_parse_rates, landing, truth_path, per_form).result()


def _parse_rates(landing: Path, truth_path: Path, per_form: int) -> list[dict]:
    from orchestration.parsing import parse_file
    from orchestration.warehouse.staging import collect_garbage_for_parsing

    collect_garbage_for_parsing()
    by_form: dict[str, list[str]] = defaultdict(list)
    for t in read_truth(truth_path):
        if t["format"] in ("txt", "md", "html"):
            by_form["text/HTML mix (all documents)"].append(t["file"])
        if t["table3"]:  # annual reports with tables: the heavy kind
            by_form[t["form"]].append(t["file"])
    rows = []
    for form, files in sorted(by_form.items()):
        files = files if form.startswith("text/HTML") else files[: 2 * per_form]
        for f in files[1::2]:
            parse_file(landing / f)
        files = files[::2]
        started = time.perf_counter()
        for f in files:
            parse_file(landing / f)
        seconds = time.perf_counter() - started
        pages = 0
        if form == "pdf":
            import pypdfium2

            pages = sum(len(pypdfium2.PdfDocument(str(landing / f))) for f in files)
        rows.append(
            {
                "format": form,
                "files": len(files),
                "seconds": round(seconds, 2),
                "per_s_per_core": round(len(files) / seconds, 1),
                "pages": pages,
            }
        )
        print(f"  parse rate {form:<30} {len(files) / seconds:8.1f} reports/s/core ({len(files)} files)", flush=True)
    return rows


def fresh_corpus(base: Path, n: int, seed: int, reuse: bool, rows: list[dict]) -> Path:
    """The corpus of `n` reports in base/corpus (ground truth path returned), generated anew
    unless `reuse` and the one there was made with the same size and seed; everything else in
    `base` (warehouses, raw stores, the nightly delivery) is removed."""
    marker = base / "corpus" / "corpus.json"
    made = {"size": n, "seed": seed}
    if reuse and marker.exists() and json.loads(marker.read_text()) == made:
        for entry in base.iterdir():
            if entry.name != "corpus":
                shutil.rmtree(entry, ignore_errors=True)
        shutil.rmtree(base / "corpus" / "landing" / "delivery", ignore_errors=True)
        print("  corpus reused", flush=True)
        return base / "corpus" / "ground_truth.jsonl"
    shutil.rmtree(base, ignore_errors=True)
    with measured(rows, "generate corpus (not pipeline)", n):
        truth = corpus.generate(base / "corpus", n, seed)
    marker.write_text(json.dumps(made))
    return truth


def size_run(
    n: int,
    workdir: Path,
    seed: int,
    do_stages: bool,
    nightly: bool,
    accuracy_max: int,
    rates: bool,
    reuse_corpus: bool = False,
) -> dict:
    base = workdir / str(n)
    out: dict = {"size": n, "rows": []}
    print(f"== {n} reports", flush=True)
    truth = fresh_corpus(base, n, seed, reuse_corpus, out["rows"])
    landing = base / "corpus" / "landing"
    if do_stages:
        rows, out["accuracy"] = stages(base / "stages", landing, truth, n, n <= accuracy_max)
        out["rows"] += rows
        shutil.rmtree(base / "stages", ignore_errors=True)  # disk: raw copies and warehouse
    if rates:
        out["parse_rates"] = parse_rates(landing, truth)
    home = base / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    storage = _storage(base / "e2e", landing)
    out["rows"] += job_run(storage, home, "full run", n)
    if nightly:
        add_delivery(base, landing, seed)
        out["rows"] += job_run(storage, home, f"nightly +{NEW_REPORTS}", NEW_REPORTS)
        out["rows"] += job_run(storage, home, "nothing new", 0)
    return out


# ---------------------------------------------------------------- BENCHMARKS.md


def _rate(row: dict) -> str:
    return f"{row['reports'] / row['seconds']:,.0f}" if row["reports"] and row["seconds"] else "-"


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        START,
        "",
        f"Measured {results['date']} with `python -m benchmarks.run {results['arguments']}`"
        f" at parser version `{results['parser_version']}`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}; {m['os']}.  ",
        "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".",
        "",
    ]
    for size in results["runs"]:
        lines += [
            f"### {size['size']:,} reports",
            "",
            "| stage | seconds | reports/s | peak memory (MB, PSS of the process tree) |",
            "|---|---:|---:|---:|",
        ]
        for row in size["rows"]:
            ok = "" if row.get("success", True) else " (run FAILED)"
            peak = "-" if row["peak_mb"] is None else row["peak_mb"]
            lines.append(f"| {row['stage']}{ok} | {row['seconds']:.2f} | {_rate(row)} | {peak} |")
        if size.get("accuracy"):
            lines += [
                "",
                f"Parser accuracy on this corpus: {size['accuracy']['summary']}. Table 3 by form "
                '("+typos": labels misprinted), the worst read first:',
                "",
                *size["accuracy"]["form_table"],
            ]
        if size.get("parse_rates"):
            lines += [
                "",
                "Single-process parse rate of a warm worker, per form of the annual reports with "
                "tables and for the text/HTML mix as generated:",
                "",
                "| form | files | seconds | reports/s/core | pages |",
                "|---|---:|---:|---:|---:|",
            ]
            lines += [
                f"| {r['format']} | {r['files']} | {r['seconds']:.2f} | {r['per_s_per_core']} | {r['pages'] or '-'} |"
                for r in size["parse_rates"]
            ]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_report(results: dict, path: Path = REPORT) -> None:
    block = markdown(results)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n" + START + "\n" + END + "\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    path.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "govreports-bench")
    parser.add_argument(
        "--stages-max",
        type=int,
        default=10**9,
        help="time the stages one by one only up to this size (the job run always runs)",
    )
    parser.add_argument("--accuracy-max", type=int, default=10000, help="score the parser up to this size")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--nightly-on",
        type=int,
        default=None,
        help="size whose warehouse gets the nightly scenarios (default: the largest)",
    )
    parser.add_argument(
        "--reuse-corpus",
        action="store_true",
        help="keep a corpus of the same size and seed from an earlier run instead of generating it",
    )
    parser.add_argument("--job", help=argparse.SUPPRESS)  # internal: one job run, storage as JSON
    parser.add_argument(
        "--parse-rates",
        type=Path,
        metavar="CORPUS",
        help="only print the warm single-process parse rates on a generated corpus folder "
        "(landing/ and ground_truth.jsonl); with PYTHONPATH=<other checkout> it times that parser",
    )
    args = parser.parse_args(argv)
    if args.parse_rates:
        parse_rates(args.parse_rates / "landing", args.parse_rates / "ground_truth.jsonl")
        return 0
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    if args.job:
        print(json.dumps(execute_job(json.loads(args.job))))
        return 0
    from orchestration.parsing import PARSER_VERSION

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "sizes": args.sizes,
        "machine": machine(),
        "arguments": " ".join(argv if argv is not None else sys.argv[1:]),
        "parser_version": PARSER_VERSION,
        "runs": [],
    }
    args.workdir.mkdir(parents=True, exist_ok=True)
    nightly_on = args.nightly_on or max(args.sizes)
    for n in sorted(args.sizes):
        results["runs"].append(
            size_run(
                n,
                args.workdir,
                args.seed,
                n <= args.stages_max,
                n == nightly_on,
                args.accuracy_max,
                rates=n == min(args.sizes),
                reuse_corpus=args.reuse_corpus,
            )
        )
        (args.workdir / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
        write_report(results, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
