"""Great Expectations Data Docs from suite results, so check results can link to a page.

The ephemeral context can build docs: its site builder writes to any folder. Its validation store,
though, lives in memory, and Dagster may run checks in separate processes, each building the
site; so results are kept on disk (data/gx/validations, the last few runs per suite) and every
build indexes all of them. Only the pages of the new results are rendered.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from orchestration import settings
from orchestration.quality.runner import SuiteResult, gx_context

KEEP_RUNS = 5


def _docs_context(docs_dir: Path, history_dir: Path):
    """A throw-away context (a few ms) whose validation store is the on-disk history."""
    gx_context()  # imports GX with analytics off
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars={"globally": False, "metric_calculations": False},
    )
    config.stores[config.validation_results_store_name] = {
        "class_name": "ValidationResultsStore",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(history_dir)},
    }
    config.data_docs_sites = {
        "local_site": {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            # Validation pages show every expectation; separate suite pages would be rebuilt
            # from this process's suites only, and profiling is not used.
            "site_section_builders": {"expectations": "None", "profiling": "None"},
        }
    }
    return gx.get_context(mode="ephemeral", project_config=config)


def _result_key(result: SuiteResult, run_id):
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite),
        run_id=run_id,
        # The key becomes a file path: the asset key's "/" would nest folders.
        batch_identifier=result.asset.replace("/", "."),
    )


def stale_keys(keys: Iterable, keep_runs: int) -> list:
    """Keys beyond the newest `keep_runs` of each suite."""
    by_suite = defaultdict(list)
    for key in keys:
        by_suite[key.expectation_suite_identifier.name].append(key)
    return [
        key
        for suite_keys in by_suite.values()
        for key in sorted(suite_keys, key=lambda k: k.run_id.run_time, reverse=True)[keep_runs:]
    ]


def build_data_docs(
    results: Iterable[SuiteResult],
    folder: Path | str | None = None,
    *,
    run_name: str = "quality",
    keep_runs: int = KEEP_RUNS,
) -> Path:
    """Add the results to the docs in `folder` (default: <gx dir>/docs, data/gx/docs unless
    GOVREPORTS_GX moves it) and return the path of its index.html.

    Results of suites that had no row to assess carry no GX result and get no page. History is
    kept beside the site, in `folder`/../validations; give every suite the same folder so one
    index lists them all.
    """
    docs_dir = Path(folder or Path(settings.default_gx_dir()) / "docs").resolve()
    context = _docs_context(docs_dir, docs_dir.parent / "validations")
    from great_expectations.core.run_identifier import RunIdentifier  # after the context: GX set up

    store = context.validation_results_store
    run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
    new_keys = []
    for result in results:
        if result.gx_result is not None:
            key = _result_key(result, run_id)
            # The page shows the run from the result's meta, as a checkpoint would set it.
            result.gx_result.meta["run_id"] = run_id
            store.set(key, result.gx_result)
            new_keys.append(key)
    for key in stale_keys(store.list_keys(), keep_runs):
        store.remove_key(key)  # the index build then drops its page too
    # Render only the new pages; GX takes an empty list as "all", which is also right for a
    # build with nothing new (at most keep_runs pages per suite).
    context.build_data_docs(resource_identifiers=new_keys or None)
    return docs_dir / "index.html"
