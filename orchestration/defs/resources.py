from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import settings


class PipelineStorage(dg.ConfigurableResource):
    """The folders and files of one pipeline deployment (configurable in the launchpad).

    A path left unset is read from its environment variable (or the data/ folder) when the
    resource is built, not when this module is imported."""

    landing_dir: str = Field(
        default_factory=settings.default_landing_dir,
        description="Folder scanned for new report files ($GOVREPORTS_LANDING, else data/landing).",
    )
    raw_dir: str = Field(
        default_factory=settings.default_raw_dir,
        description="Raw store: one read-only copy of each file, by sha256 ($GOVREPORTS_RAW, else data/raw).",
    )
    warehouse_path: str = Field(
        default_factory=settings.default_warehouse_path,
        description="The working DuckDB file, named warehouse.duckdb ($GOVREPORTS_WAREHOUSE, else "
        "data/warehouse/warehouse.duckdb).",
    )
    published_path: str = Field(
        default_factory=settings.default_published_path,
        description="The read-only copy BI tools read ($GOVREPORTS_PUBLISHED, else data/published/warehouse.duckdb).",
    )
    gx_dir: str = Field(
        default_factory=settings.default_gx_dir,
        description="Great Expectations Data Docs ($GOVREPORTS_GX, else data/gx).",
    )

    @classmethod
    def from_environment(cls) -> "PipelineStorage":
        """Every path resolved now and passed explicitly. Dagster shows a resource's explicit
        values in the launchpad as its defaults; a default_factory's value it does not show."""
        return cls(**{name: field.default_factory() for name, field in cls.model_fields.items()})

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path)
