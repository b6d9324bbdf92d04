"""Collect the reports of each source: read its listing pages, land each new report page and its
attachments, record every landed file's provenance in the ledger."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.collect import links
from orchestration.collect.decode import decode_page
from orchestration.collect.fetch import ATTACHMENT_TYPES, PAGE_TYPES, Fetcher, FetchError, Response
from orchestration.collect.landing import landed_name, write_file
from orchestration.collect.ledger import Document, Ledger, ListingPage, ledger_path, now
from orchestration.collect.sources import Source

# Failures worth trying again next run; any other (404, robots, type, size) will not change soon.
_TRANSIENT = ("http 5", "timeout", "connection failed")


@dataclass(frozen=True)
class Failure:
    source: str
    url: str
    reason: str
    detail: str


@dataclass
class CollectOutcome:
    pages_fetched: int = 0  # listing pages requested (a 304 included)
    pages_unchanged: int = 0  # of which answered 304 Not Modified
    landed: list[Document] = field(default_factory=list)
    already_known: int = 0  # listed reports landed by an earlier run, not fetched again
    failures: list[Failure] = field(default_factory=list)

    @property
    def failures_by_reason(self) -> dict[str, int]:
        return dict(Counter(f.reason for f in self.failures).most_common())

    def summary(self) -> str:
        failed = ", ".join(f"{n} {reason}" for reason, n in self.failures_by_reason.items()) or "none"
        return (
            f"{self.pages_fetched} listing page(s) fetched ({self.pages_unchanged} unchanged), "
            f"{len(self.landed)} new document(s) landed, {self.already_known} known before; failures: {failed}"
        )


def _header_charset(content_type_header: str) -> str | None:
    for part in content_type_header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            return value.strip("\"' ")
    return None


@dataclass
class _Run:
    fetcher: Fetcher
    ledger: Ledger
    landing_dir: Path
    refresh: bool
    outcome: CollectOutcome

    @property
    def scratch(self) -> Path:
        return ledger_path(self.landing_dir).parent / "tmp"

    def fail(self, source: Source, url: str, error: FetchError) -> None:
        self.outcome.failures.append(Failure(source.name, url, error.reason, str(error)))
        self.ledger.record_failure(url, source.name, error.reason, str(error))

    def land(self, source: Source, url: str, kind: str, r: Response, listing_url: str, item: links.Link) -> None:
        name = landed_name(source.name, url, kind, r.content_type)
        write_file(self.landing_dir, name, r.content, self.scratch)
        doc = Document(
            url=url,
            source=source.name,
            kind=kind,
            listing_url=listing_url,
            listed_title=item.text or None,
            listed_date=item.date,
            http_status=r.status,
            etag=r.headers.get("etag"),
            last_modified=r.headers.get("last-modified"),
            fetched_at=now(),
            sha256=hashlib.sha256(r.content).hexdigest(),
            file_name=name,
        )
        self.ledger.record(doc)
        self.outcome.landed.append(doc)

    def report(self, source: Source, item: links.Link, listing_url: str) -> None:
        """Land a listed report: an attachment directly, or a detail page and its attachments.
        The page is recorded (known) last, once no attachment failed in a way worth retrying."""
        if not self.refresh and self.ledger.known(item.url):
            self.outcome.already_known += 1
            return
        kind = "attachment" if links.is_attachment(item.url) else "page"
        try:
            r = self.fetcher.get(
                item.url, delay=source.delay_seconds, types=ATTACHMENT_TYPES if kind == "attachment" else PAGE_TYPES
            )
        except FetchError as error:
            self.fail(source, item.url, error)
            return
        if kind == "attachment":
            self.land(source, item.url, kind, r, listing_url, item)
            return
        html = decode_page(r.content, _header_charset(r.headers.get("content-type", "")))
        retry_page = False
        for url in links.attachments(html, r.url):
            if not self.refresh and self.ledger.known(url):
                continue
            try:
                file = self.fetcher.get(url, delay=source.delay_seconds, types=ATTACHMENT_TYPES)
            except FetchError as error:
                self.fail(source, url, error)
                retry_page |= error.reason.startswith(_TRANSIENT)
                continue
            # The attachment's provenance: the listing it came through, the title the listing gave.
            self.land(source, url, "attachment", file, listing_url, item)
        if not retry_page:  # else the page is fetched again next run, and its attachments with it
            self.land(source, item.url, kind, r, listing_url, item)

    def listing_page(self, source: Source, url: str) -> links.Listing | None:
        cached = None if self.refresh else self.ledger.listing(url)
        try:
            r = self.fetcher.get(
                url,
                delay=source.delay_seconds,
                types=PAGE_TYPES,
                etag=cached.etag if cached else None,
                modified=cached.last_modified if cached else None,
            )
        except FetchError as error:
            self.fail(source, url, error)
            return None
        self.outcome.pages_fetched += 1
        if r.status == 304 and cached:
            self.outcome.pages_unchanged += 1
            page = cached
        else:
            header = _header_charset(r.headers.get("content-type", ""))
            page = ListingPage(r.headers.get("etag"), r.headers.get("last-modified"), r.content, header)
            self.ledger.save_listing(url, page)
        return links.read_listing(decode_page(page.body, page.charset), r.url, source.list_url)

    def source(self, source: Source) -> None:
        queue, seen = [source.list_url], {source.list_url}
        while queue and len(seen) - len(queue) < source.max_pages:
            url = queue.pop(0)
            listing = self.listing_page(source, url)
            if listing is None:
                continue
            for page in listing.pages:
                if page not in seen:
                    seen.add(page)
                    queue.append(page)
            for item in listing.reports:
                self.report(source, item, url)


def collect(
    sources: list[Source], landing_dir: Path | str, *, refresh: bool = False, fetcher: Fetcher | None = None
) -> CollectOutcome:
    """Collect every source into `landing_dir`. Fetch failures are recorded, not raised."""
    landing_dir = Path(landing_dir)
    outcome = CollectOutcome()
    with Ledger(ledger_path(landing_dir)) as ledger, fetcher or Fetcher() as client:
        run = _Run(client, ledger, landing_dir, refresh, outcome)
        for source in sources:
            run.source(source)
    return outcome
