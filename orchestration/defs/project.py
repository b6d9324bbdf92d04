"""The dbt project as Dagster sees it. `dagster-dbt project prepare-and-package --file` this module
writes the manifest that @dbt_assets reads at import (make does it before run, dev and test)."""

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
