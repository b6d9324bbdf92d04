"""A small seeded fuzz corpus through the parser (benchmarks/fuzz.py makes it and runs the large
one): no crash, no hang, every refusal with a reason, no garbage or bomb read as a report."""

import pytest

from benchmarks import fuzz

FILES = 1000
SEED = 7
SECONDS_PER_FILE = 10.0  # a guard against hangs, far above what any file takes


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz")
    fuzz.make_corpus(work)
    return work, fuzz.load_sources(work)


@pytest.fixture(scope="module")
def outcomes(sources):
    return [fuzz.run_case(case) for case in fuzz.cases(sources[1], FILES, SEED)]


def test_the_corpus_holds_every_kind_of_hostile_file(outcomes):
    assert {o.kind for o in outcomes} == set(fuzz.KINDS)


def test_no_file_crashes_the_parser(outcomes):
    assert [(o.name, o.error) for o in outcomes if o.status not in ("ok", "error")] == []


def test_every_refusal_gives_a_reason(outcomes):
    refused = [o for o in outcomes if o.status == "error"]
    assert refused and all(o.error and not o.error.startswith(fuzz.PARSER_BUG) for o in refused)


def test_no_garbage_or_bomb_is_read_as_a_report(outcomes):
    must_refuse = [o for o in outcomes if o.must_refuse]
    assert len(must_refuse) > FILES / 10
    assert [o.name for o in must_refuse if o.status == "ok"] == []


def test_every_file_is_parsed_in_bounded_time(outcomes):
    assert [(o.name, round(o.seconds, 1)) for o in outcomes if o.seconds > SECONDS_PER_FILE] == []


def test_mutated_reports_are_still_read_where_they_can_be(outcomes):
    # Not all refused: a truncated or wrongly declared report is mostly still a report.
    for kind in ("original", "truncate", "grid_references", "long_digits", "damaged_pdf"):
        assert any(o.status == "ok" for o in outcomes if o.kind == kind), kind
    assert all(o.status == "ok" for o in outcomes if o.kind in ("original", "grid_references", "damaged_pdf"))


def test_the_pool_gives_what_the_parser_gives_in_process(sources, outcomes):
    work, _ = sources
    pooled = fuzz.run_pool(12, SEED, 2, work)
    assert [(o.name, o.status, o.error) for o in pooled] == [(o.name, o.status, o.error) for o in outcomes[:12]]
    assert all(o.peak_rss > 0 for o in pooled)
