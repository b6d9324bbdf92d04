"""The polite HTTP client: robots.txt, one request at a time per host with a pause, a named
User-Agent, timeouts, retries with backoff, redirects kept on the host, size and type limits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

USER_AGENT = "govreports-collector/0.1 (+https://github.com/govreports; collects public disclosure reports)"
MAX_REDIRECTS = 5
MAX_BYTES = 50 * 2**20
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# Portals serve attachments under many names; octet-stream is what most send for a .doc or .wps.
ATTACHMENT_TYPES = (
    *PAGE_TYPES,
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-works",
    "application/kswps",
    "application/wps-office.wps",
    "application/octet-stream",
    "application/x-download",
    "application/force-download",
)


class FetchError(Exception):
    """A fetch that failed for good; `reason` is short and groups failures (metadata, summary)."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


class _Retryable(Exception):
    """A 5xx answer: the server may recover, tenacity tries again."""

    def __init__(self, status: int):
        self.status = status


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Fetcher:
    """Fetches one URL at a time (the collector is sequential, so one request per host at a time)
    and waits `delay_seconds` between two requests to the same host, robots.txt included."""

    timeout_seconds: float = 30.0
    attempts: int = 3
    backoff_seconds: float = 2.0  # the first retry's wait, doubled each time
    max_bytes: int = MAX_BYTES
    _client: httpx.Client = field(init=False, repr=False)
    _robots: dict[str, Protego | None] = field(default_factory=dict, init=False, repr=False)
    _last_request: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        # Redirects by hand: each hop is checked against the host and robots.txt.
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT}, timeout=self.timeout_seconds, follow_redirects=False
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _pause(self, host: str, delay: float) -> None:
        wait = self._last_request.get(host, float("-inf")) + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _send(self, url: str, headers: dict[str, str], delay: float, max_bytes: int) -> Response:
        """One request with retries on timeouts, connection errors and 5xx."""

        @retry(
            retry=retry_if_exception_type((httpx.TimeoutException, httpx.TransportError, _Retryable)),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff_seconds, max=60),
            reraise=True,
        )
        def attempt() -> Response:
            host = urlsplit(url).netloc.lower()
            self._pause(host, delay)
            try:
                with self._client.stream("GET", url, headers=headers) as r:
                    if r.status_code >= 500:
                        raise _Retryable(r.status_code)
                    declared = int(r.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise FetchError("too large", f"{declared} bytes declared, limit {max_bytes}")
                    body = bytearray()
                    for chunk in r.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:  # a length not declared, or a lying one
                            raise FetchError("too large", f"over {max_bytes} bytes")
                    return Response(str(r.url), r.status_code, r.headers, bytes(body))
            finally:
                self._last_request[host] = time.monotonic()

        try:
            return attempt()
        except _Retryable as error:
            raise FetchError(f"http {error.status}", f"{url} after {self.attempts} attempts") from None
        except httpx.TimeoutException:
            raise FetchError("timeout", f"{url} after {self.attempts} attempts") from None
        except httpx.TransportError as error:
            raise FetchError("connection failed", f"{url}: {error}") from None

    def allowed(self, url: str, delay: float) -> bool:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._robots:
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            try:
                r = self._send(robots_url, {}, delay, 512 * 1024)
                # No robots.txt (4xx) allows everything; a redirect is not followed for it.
                self._robots[host] = Protego.parse(r.content.decode("utf-8", "replace")) if r.status == 200 else None
            except FetchError:
                self._robots[host] = None  # an unreachable robots.txt: the page's own fetch will fail or not
        robots = self._robots[host]
        return robots is None or robots.can_fetch(url, USER_AGENT)

    def get(
        self, url: str, *, delay: float, types: tuple[str, ...], etag: str | None = None, modified: str | None = None
    ) -> Response:
        """GET `url`; a 304 comes back as is (conditional GET with `etag` / `modified`).
        Raises FetchError for any answer that is not a usable page or file."""
        host = urlsplit(url).netloc.lower()
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allowed(url, delay):
                raise FetchError("robots.txt disallows", url)
            r = self._send(url, headers, delay, self.max_bytes)
            if r.status in (301, 302, 303, 307, 308) and "location" in r.headers:
                url = urljoin(url, r.headers["location"])
                if urlsplit(url).netloc.lower() != host or urlsplit(url).scheme not in ("http", "https"):
                    raise FetchError("redirect off host", url)
                continue
            if r.status == 304:
                return r
            if r.status != 200:
                raise FetchError(f"http {r.status}", url)
            if r.content_type and r.content_type not in types:
                raise FetchError("content type refused", f"{url}: {r.content_type}")
            return r
        raise FetchError("too many redirects", url)
