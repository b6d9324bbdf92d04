"""What a listing or detail page links to: the next listing pages, the reports, the attachments.

Pure functions over a page's text and URL; nothing here fetches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from posixpath import basename, dirname
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

# What a report's title or URL says: the annual disclosure report and its cousins.
REPORT_WORDS = ("年度报告", "年报", "工作总结", "自查报告", "工作报告", "年度总结")
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".txt")
_NEXT_WORDS = ("下一页", "下页")
# Numbered listing pages as portal CMSes write them: index_1.html beside index.html, ?page=3.
_PAGE_QUERY = re.compile(r"(?:^|&)(?:page|pageno|pageindex|p)=\d+(?:&|$)", re.IGNORECASE)
_DATE = re.compile(r"(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    date: str | None = None  # as the listing shows it, normalised to YYYY-MM-DD


def _same_host(url: str, host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host


def _links(html: str, base_url: str) -> list[Link]:
    """Every http(s) link of the page, absolute, without fragment; javascript:, mailto: and
    the like drop out because only http(s) URLs are kept."""
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, base["href"]) if base else base_url
    found, seen = [], set()
    for a in soup.find_all("a", href=True):
        url = urldefrag(urljoin(base_url, a["href"].strip()))[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        text = " ".join(a.get_text(" ", strip=True).split()) or (a.get("title") or "").strip()
        # The date a listing shows sits beside the link, in its list item or table row.
        row = a.find_parent(["li", "tr"])
        match = _DATE.search(row.get_text(" ", strip=True)) if row else None
        date = f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None
        found.append(Link(url, text, date))
    return found


def _in_listing(url: str, list_url: str) -> bool:
    """A listing page of the same column: same host, under the folder of the first listing page."""
    first, other = urlsplit(list_url), urlsplit(url)
    folder = dirname(first.path).rstrip("/") + "/"
    return other.netloc.lower() == first.netloc.lower() and other.path.startswith(folder)


def _numbered_page(url: str, list_url: str) -> bool:
    """index_2.html of index.html (a folder URL's page is index.html), or the listing's ?page=2.
    Only the listing's own stem: a detail page such as t20240101_123.html is no listing page."""
    first, other = urlsplit(list_url), urlsplit(url)
    if other.path == first.path and _PAGE_QUERY.search(other.query):
        return True
    stem, dot, ext = (basename(first.path) or "index.html").partition(".")
    return bool(re.fullmatch(rf"{re.escape(stem)}_\d+{re.escape(dot + ext)}", basename(other.path)))


def _is_pagination(link: Link, list_url: str) -> bool:
    return _in_listing(link.url, list_url) and (
        any(word in link.text for word in _NEXT_WORDS) or _numbered_page(link.url, list_url)
    )


def is_report(link: Link) -> bool:
    return any(word in link.text or word in unquote(link.url) for word in REPORT_WORDS)


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


@dataclass(frozen=True)
class Listing:
    pages: list[str]  # further listing pages to read
    reports: list[Link]  # detail pages or attachments listed as reports


def read_listing(html: str, page_url: str, list_url: str) -> Listing:
    host = urlsplit(list_url).netloc.lower()
    pages, reports = [], []
    for link in _links(html, page_url):
        if not _same_host(link.url, host):
            continue  # never leave the source's host
        if _is_pagination(link, list_url):
            pages.append(link.url)
        elif is_report(link):
            reports.append(link)
    return Listing(pages, reports)


def attachments(html: str, page_url: str) -> list[str]:
    host = urlsplit(page_url).netloc.lower()
    return [link.url for link in _links(html, page_url) if _same_host(link.url, host) and is_attachment(link.url)]
