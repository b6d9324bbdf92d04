"""The `govreports` command. Each subcommand is a function `_cmd_<name>(args) -> int` registered in
`_build_parser`; nothing here imports Dagster, so `govreports parse` starts fast."""

from __future__ import annotations

import argparse
import json
import sys


def _cmd_parse(args: argparse.Namespace) -> int:
    from orchestration.parsing import parse_file
    from orchestration.parsing.model import ParseResult
    from orchestration.warehouse.names import display_name

    all_read = True
    for path in args.files:
        try:
            result = parse_file(path, max_bytes=args.max_mb * 2**20)
        except MemoryError:  # the parser lets it through for the pipeline's budget; here it is this file's
            result = ParseResult(file=path, sha256="", status="error", error="parsing it ran out of memory")
        all_read &= result.status == "ok"
        # A name's bytes that are not UTF-8 (argv holds them as lone surrogates) cannot be
        # printed: the file is named as the warehouse names it, in printable text that keeps them.
        shown = result.to_dict() | {"file": display_name(path)}
        print(json.dumps(shown, ensure_ascii=False, indent=2 if args.pretty else None), flush=True)
    return 0 if all_read else 1


def _cmd_generate(args: argparse.Namespace) -> int:
    from orchestration.settings import DBT_PROJECT_DIR
    from orchestration.warehouse import dbt_files

    if args.check:
        stale = dbt_files.stale(DBT_PROJECT_DIR)
        for path in stale:
            print(f"out of date: {DBT_PROJECT_DIR.name}/{path} (run `govreports generate`)")
        return 1 if stale else 0
    for path in dbt_files.write(DBT_PROJECT_DIR):
        print(f"wrote {DBT_PROJECT_DIR.name}/{path}")
    return 0


def _cmd_collect(args: argparse.Namespace) -> int:
    from orchestration.collect import SourcesError, collect, load_sources

    try:
        sources = load_sources(args.sources)
    except SourcesError as error:
        print(f"govreports collect: bad sources file: {error}", file=sys.stderr)
        return 2
    outcome = collect(sources, args.landing, refresh=args.refresh)
    for failure in outcome.failures:
        print(f"failed ({failure.source}): {failure.detail}", file=sys.stderr)
    print(outcome.summary())
    return 0  # failed fetches are recorded in the ledger and tried again next run


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govreports", description="Government information-disclosure reports.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse",
        help="parse report files, one JSON object per file (JSON Lines)",
        epilog="Put -- before file names that begin with a dash: govreports parse -- -h",
    )
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--pretty", action="store_true", help="indent the JSON")
    parse.add_argument("--max-mb", type=float, default=50, help="refuse files larger than this (default 50)")
    parse.set_defaults(run=_cmd_parse)

    generate = commands.add_parser(
        "generate",
        help="write the dbt files made from the Python declarations: the seeds of codes, the staging sources",
    )
    generate.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    generate.set_defaults(run=_cmd_generate)

    collect = commands.add_parser(
        "collect", help="fetch new report pages and attachments from the portals of a sources file (YAML)"
    )
    collect.add_argument("--sources", required=True, metavar="FILE", help="the sources file (see README.md)")
    collect.add_argument("--landing", required=True, metavar="DIR", help="the landing folder to write into")
    collect.add_argument("--refresh", action="store_true", help="fetch every page and attachment again")
    collect.set_defaults(run=_cmd_collect)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
