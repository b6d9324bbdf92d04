"""The storage resource reads its paths from the environment when it is built, not at import."""

import os
import subprocess
import sys

import pytest

from orchestration.defs import resources
from orchestration.defs.dbt_assets import environment, read_events

VARIABLES = {
    "landing_dir": "GOVREPORTS_LANDING",
    "raw_dir": "GOVREPORTS_RAW",
    "warehouse_path": "GOVREPORTS_WAREHOUSE",
    "published_path": "GOVREPORTS_PUBLISHED",
    "gx_dir": "GOVREPORTS_GX",
}


def test_a_variable_set_after_import_moves_the_path(monkeypatch, tmp_path):
    before = resources.PipelineStorage()  # the module is imported already (above)
    for field, variable in VARIABLES.items():
        monkeypatch.setenv(variable, str(tmp_path / field))
    after = resources.PipelineStorage()
    for field in VARIABLES:
        assert getattr(after, field) == str(tmp_path / field)
        assert getattr(before, field) != getattr(after, field)
    assert after.warehouse == tmp_path / "warehouse_path"


def test_an_explicit_path_wins_over_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVREPORTS_LANDING", str(tmp_path / "from_env"))
    monkeypatch.setenv("GOVREPORTS_RAW", str(tmp_path / "raw"))
    storage = resources.PipelineStorage(landing_dir=str(tmp_path / "given"))
    assert (storage.landing_dir, storage.raw_dir) == (str(tmp_path / "given"), str(tmp_path / "raw"))


def test_unset_variables_default_under_data(monkeypatch):
    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    storage = resources.PipelineStorage()
    assert storage.landing_dir.endswith(os.path.join("data", "landing"))
    assert storage.warehouse_path.endswith(os.path.join("data", "warehouse", "warehouse.duckdb"))


def test_the_launchpad_shows_the_paths_resolved_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVREPORTS_LANDING", str(tmp_path / "landing"))
    storage = resources.PipelineStorage.from_environment()
    schema = storage.get_resource_definition().config_schema.as_field()
    assert schema.default_provided
    assert schema.default_value == {field: getattr(storage, field) for field in VARIABLES}
    assert schema.default_value["landing_dir"] == str(tmp_path / "landing")


def test_the_dbt_step_sets_the_warehouse_variable_only_while_it_starts_dbt(monkeypatch):
    monkeypatch.delenv("GOVREPORTS_WAREHOUSE", raising=False)
    monkeypatch.setenv("GOVREPORTS_RAW", "/kept")
    with environment({"GOVREPORTS_WAREHOUSE": "/tmp/w/warehouse.duckdb", "GOVREPORTS_RAW": "/changed"}):
        assert os.environ["GOVREPORTS_WAREHOUSE"] == "/tmp/w/warehouse.duckdb"
        assert os.environ["GOVREPORTS_RAW"] == "/changed"
    assert "GOVREPORTS_WAREHOUSE" not in os.environ
    assert os.environ["GOVREPORTS_RAW"] == "/kept"


class _FailingInvocation:
    """A dbt invocation whose events fail to be read while dbt is still writing them."""

    def __init__(self, process):
        self.process = process

    def stream(self):
        yield "first event"
        raise KeyError("test.govreports.a_test_the_manifest_does_not_know")


def test_a_failure_while_reading_dbt_events_stops_dbt():
    # Stands for a dbt process that would go on writing (and block on its full pipe).
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], stdout=subprocess.PIPE)
    with pytest.raises(KeyError):
        read_events(_FailingInvocation(process))
    assert process.poll() is not None  # stopped, not left holding the warehouse
