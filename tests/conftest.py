import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The five seed documents. They ship here, apart from the landing folder (`make run` copies them
# into data/landing), so a file dropped into the landing folder never changes what a test reads.
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def pytest_configure(config):
    # @dbt_assets reads dbt's manifest at import: write it before any test module imports the
    # Dagster definitions (a fixture would be too late). `make test` has done it already.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # dagster-dbt looks for `dbt` on PATH; pytest may be run without the venv activated.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    manifest = ROOT / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        subprocess.run(
            [
                Path(sys.executable).with_name("dagster-dbt"),
                "project",
                "prepare-and-package",
                "--file",
                str(ROOT / "orchestration" / "defs" / "project.py"),
            ],
            check=True,
            cwd=ROOT,
        )
