"""The read-only copy of the warehouse that BI tools read."""

from pathlib import Path

import dagster as dg

from orchestration.defs.dbt_assets import govreports_dbt_assets
from orchestration.defs.ingest_assets import DUCKDB_POOL
from orchestration.defs.resources import PipelineStorage
from orchestration.warehouse import build_state, duck
from orchestration.warehouse.publish import publish_copy

MART_KEYS = [key for key in govreports_dbt_assets.keys if key.path[0] == "marts"]


@dg.asset(
    group_name="serve",
    pool=DUCKDB_POOL,
    deps=MART_KEYS,
    kinds={"duckdb"},
    description="A read-only copy of the marts (and the code lists, seeds) for BI tools, built beside the "
    "served file and renamed over it after a good build, so readers never see a half-built warehouse.",
)
def published_warehouse(storage: PipelineStorage) -> dg.MaterializeResult:
    with duck.connect(storage.warehouse, read_only=True) as con:
        built = build_state.last_built(con)
    # The copy says which build it holds: the dbt step of a later run builds and publishes again
    # when it does not hold the last one (this step did not run, or not to its end).
    fingerprint = built.fingerprint if built else None
    served = publish_copy(storage.warehouse, Path(storage.published_path), fingerprint)
    # Counted in the warehouse the copy was made from: a BI reader in this process holding the
    # served path would hand its cached (pre-copy) database to a connection opened on that path.
    with duck.connect(storage.warehouse, read_only=True) as con:
        marts = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        counts = {f"rows/{name}": duck.row_count(con, f"marts.{name}") for (name,) in marts}
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(served)),
            "bytes": served.stat().st_size,
            "connect": f"duckdb:///{served}?access_mode=read_only",
            "build_fingerprint": fingerprint,
            **counts,
        }
    )
