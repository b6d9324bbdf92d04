"""Collect report pages and attachments from the portals of the sources file into the landing
folder (orchestration/collect), in a job and on a schedule of its own."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration import settings
from orchestration.collect import collect, load_sources
from orchestration.defs.resources import EnvironmentResource

COLLECT_GROUP = "collect"
_PREVIEWED = 20  # landed documents listed in the metadata


class Collector(EnvironmentResource):
    """What the collect job needs, apart from `storage`: a collect run must not hold the
    warehouse (RunStorage claims it for a whole run, and a crawl takes minutes of pauses)."""

    sources_path: str = Field(
        default_factory=settings.default_sources_path,
        description="The sources file, YAML ($GOVREPORTS_SOURCES, else data/sources.yaml). "
        "Absent: nothing is collected.",
    )
    landing_dir: str = Field(
        default_factory=settings.default_landing_dir,
        description="Where collected files land: the pipeline's landing folder "
        "($GOVREPORTS_LANDING, else data/landing).",
    )


def _preview(landed) -> dg.MetadataValue:
    if not landed:
        return dg.MetadataValue.md("_(nothing new)_")
    rows = ["| listed title | date | url | landed as |", "|---|---|---|---|"]
    rows += [
        f"| {(d.listed_title or '').replace('|', '/')} | {d.listed_date or ''} | {d.url} | {d.file_name} |"
        for d in landed[:_PREVIEWED]
    ]
    return dg.MetadataValue.md("\n".join(rows))


@dg.asset(
    group_name=COLLECT_GROUP,
    kinds={"python"},
    description="New report pages and attachments fetched from the portals of the sources file into the "
    "landing folder, politely (robots.txt, a pause per host) and incrementally (orchestration/collect).",
)
def collected_reports(context: dg.AssetExecutionContext, collector: Collector) -> dg.MaterializeResult:
    sources_path = Path(collector.sources_path)
    if not sources_path.exists():
        # `make run`, `make dev` and the tests start without one: they must never reach the internet.
        context.log.info(f"no sources file at {sources_path}: nothing collected")
        return dg.MaterializeResult(
            metadata={"sources_file": f"{sources_path} (absent: nothing collected)", "new_documents": 0}
        )
    sources = load_sources(sources_path)  # a bad file fails the step with the reason
    outcome = collect(sources, collector.landing_dir)
    for failure in outcome.failures:
        context.log.warning(f"failed ({failure.source}): {failure.detail}")
    context.log.info(outcome.summary())
    return dg.MaterializeResult(
        metadata={
            "sources_file": dg.MetadataValue.path(str(sources_path)),
            "sources": len(sources),
            "pages_fetched": outcome.pages_fetched,
            "pages_unchanged": outcome.pages_unchanged,
            "new_documents": len(outcome.landed),
            "already_known": outcome.already_known,
            "failures": len(outcome.failures),
            "failures_by_reason": dg.MetadataValue.json(outcome.failures_by_reason),
            "landed": _preview(outcome.landed),
            "landing_dir": dg.MetadataValue.path(collector.landing_dir),
        }
    )


collect_job = dg.define_asset_job(
    "collect",
    selection=dg.AssetSelection.groups(COLLECT_GROUP),
    description="Fetch new reports from the portals into the landing folder "
    "(the landing sensor then starts the pipeline).",
)

# Stopped until turned on: it reaches the internet, which a fresh `make dev` must not do before
# someone has written a sources file and chosen to collect.
daily_collect_schedule = dg.ScheduleDefinition(
    name="daily_collect",
    job=collect_job,
    cron_schedule="0 1 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
