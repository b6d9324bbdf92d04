import importlib.util
import sys
from pathlib import Path

import pytest

# The fixture builder is loaded by path and registered under its own name: a package named
# tests.dbt would shadow dbt-core, and "fixtures" is a common module name.
_spec = importlib.util.spec_from_file_location("govreports_dbt_fixtures", Path(__file__).with_name("fixtures.py"))
_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _module
_spec.loader.exec_module(_module)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The fixture warehouse after `dbt build`, and the dbt target folder of that run (shared by
    the modules that only read it: one build for all)."""
    folder = tmp_path_factory.mktemp("dbt")
    warehouse = _module.build_warehouse(folder / "warehouse.duckdb")
    return warehouse, _module.dbt_build(warehouse, folder)
