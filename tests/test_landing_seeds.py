"""The seed documents ship under tests/, apart from the landing folder, and `make run` copies
them into the landing folder without touching what is already there."""

import subprocess
from pathlib import Path

from orchestration import settings
from tests.conftest import ROOT, SEEDS

SEED_PREFIXES = ["000", "001", "002", "003", "004"]


def test_the_tests_read_the_seeds_outside_the_landing_folder():
    assert sorted(p.name[:3] for p in SEEDS.iterdir()) == SEED_PREFIXES
    # A file dropped into the landing folder is not among the test inputs.
    assert not SEEDS.resolve().is_relative_to(Path(settings.default_landing_dir()))
    assert not SEEDS.resolve().is_relative_to(ROOT / "data")


def _seed_landing(landing: Path) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "-s", "seed-landing", f"LANDING={landing}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def test_seeding_copies_the_missing_seeds_and_leaves_every_landed_file_alone(tmp_path):
    landing = tmp_path / "landing"
    _seed_landing(landing)  # a fresh clone has no landing folder
    assert {p.name: p.read_bytes() for p in landing.iterdir()} == {p.name: p.read_bytes() for p in SEEDS.iterdir()}

    [seed_002] = landing.glob("002_*.txt")
    [seed_004] = landing.glob("004_*.txt")
    seed_002.write_bytes("同名而内容不同".encode())  # a file a user put under a seed's name
    seed_004.unlink()
    (landing / "dropped.txt").write_bytes("用户放入的报告".encode())
    _seed_landing(landing)
    assert seed_002.read_bytes() == "同名而内容不同".encode()
    assert seed_004.read_bytes() == (SEEDS / seed_004.name).read_bytes()
    assert (landing / "dropped.txt").read_bytes() == "用户放入的报告".encode()
    assert {p.name for p in landing.iterdir()} == {p.name for p in SEEDS.iterdir()} | {"dropped.txt"}
