import importlib.util
import sys
from pathlib import Path

# The fixture builder is loaded by path and registered under its own name: a package named
# tests.dbt would shadow dbt-core, and "fixtures" is a common module name.
_spec = importlib.util.spec_from_file_location("govreports_dbt_fixtures", Path(__file__).with_name("fixtures.py"))
_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _module
_spec.loader.exec_module(_module)
