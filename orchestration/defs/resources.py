
from pathlib import Path

import dagster as dg

from orchestration import settings


class PipelineStorage(dg.ConfigurableResource):
    """The folders and files of one pipeline deployment (configurable in the launchpad)."""

    landing_dir: str = settings.default_landing_dir()
    raw_dir: str = settings.default_raw_dir()
    warehouse_path: str = settings.default_warehouse_path()
    published_path: str = settings.default_published_path()
    gx_dir: str = settings.default_gx_dir()

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path)
