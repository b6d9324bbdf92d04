"""Collect report pages and attachments from government portals into the landing folder
(`govreports collect`, and the Dagster asset collected_reports). No Dagster here."""

from orchestration.collect.crawl import CollectOutcome, Failure, collect
from orchestration.collect.ledger import Document, Ledger, ledger_path
from orchestration.collect.sources import Source, SourcesError, load_sources

__all__ = [
    "CollectOutcome",
    "Document",
    "Failure",
    "Ledger",
    "Source",
    "SourcesError",
    "collect",
    "ledger_path",
    "load_sources",
]
