"""A local mirror of a portal's 政府信息公开年报 column, served on 127.0.0.1 for the collector's tests.

Pages as portal CMSes write them: a listing with a date beside each title, 下一页 and numbered
pagination, a GBK listing page, report pages with the text in the body, a PDF attachment, and the
hazards: a 404, a 500 that recovers, a redirect, an off-site link, a non-report link, a link
robots.txt disallows, javascript: and mailto: links."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PDF = b"%PDF-1.4\n% a stand-in for a report attachment\n%%EOF\n"
GBK_TEXT = "某县人民政府2020年政府信息公开工作自查报告：本年度主动公开政府信息一百二十条。"


def _listing(items: str, pager: str, charset: str = "utf-8") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>政府信息公开年报</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="javascript:void(0)">收藏本站</a>
<a href="mailto:webmaster@example.gov.cn">联系我们</a></div>
<ul class="list">{items}</ul><div class="page">{pager}</div></body></html>"""


def _report(title: str, body: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><div class="content"><p>{body}</p>{extra}</div></body></html>"""


def pages(port: int) -> dict[str, tuple[int, dict[str, str], bytes]]:
    """path → (status, headers, body)."""
    html = {"content-type": "text/html; charset=utf-8"}
    offsite = f"http://localhost:{port}/zwgk/nb/2023年度报告.html"  # another host name, same server
    page1 = _listing(
        f"""
<li><a href="t20240120_1.html" title="2023年度报告">2023年度政府信息公开工作年度报告</a>
<span>2024-01-20</span></li>
<li><a href="./t20230125_2.html">2022年度政府信息公开工作年度报告</a><span>2023-01-25</span></li>
<li><a href="/zwgk/nb/missing.html">2021年度政府信息公开工作年度报告</a><span>2022-01-30</span></li>
<li><a href="flaky.html">2020年度政府信息公开工作总结</a><span>2021-01-28</span></li>
<li><a href="old.html">2019年度政府信息公开工作年度报告</a><span>2020-01-31</span></li>
<li><a href="/private/2018.html">2018年度政府信息公开工作年度报告</a><span>2019-01-31</span></li>
<li><a href="{offsite}">2023年度报告（转载）</a><span>2024-02-01</span></li>
<li><a href="t20240301_9.html">关于召开政务公开工作会议的通知</a><span>2024-03-01</span></li>""",
        '<a href="index.html">1</a> <a href="index_1.html">2</a> <a href="index_1.html">下一页</a>',
    )
    page2 = _listing(
        """
<li><a href="t20200115_5.html">某县2020年政府信息公开工作自查报告</a><span>2020年12月15日</span></li>
<li><a href="t20180110_7.html">2017年度政府信息公开工作年度报告</a><span>2018-01-10</span></li>""",
        '<a href="index.html">上一页</a> <a href="index_2.html">3</a> <a href="index_2.html">下页</a>',
        charset="gb2312",
    ).encode("gbk")
    page3 = _listing(
        '<li><a href="/files/2016年报.pdf">2016年度政府信息公开工作年度报告</a><span>2017-01-12</span></li>',
        '<a href="index_1.html">上一页</a>',
    )
    gbk_report = f"<html><body><h1>自查报告</h1><p>{GBK_TEXT}</p></body></html>".encode("gbk")
    return {
        "/robots.txt": (200, {"content-type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/zwgk/nb/index.html": (200, html, page1.encode()),
        "/zwgk/nb/index_1.html": (200, {"content-type": "text/html"}, page2),
        "/zwgk/nb/index_2.html": (200, html, page3.encode()),
        "/zwgk/nb/t20240120_1.html": (
            200,
            html,
            _report("2023年度政府信息公开工作年度报告", "一、总体情况。本年度主动公开政府信息三百条。").encode(),
        ),
        "/zwgk/nb/t20230125_2.html": (
            200,
            html,
            _report(
                "2022年度政府信息公开工作年度报告",
                "详见附件。",
                '<p>附件：<a href="/files/report2022.pdf">2022年度报告.pdf</a>'
                f' <a href="http://localhost:{port}/files/copy.pdf">镜像</a></p>',
            ).encode(),
        ),
        "/files/report2022.pdf": (200, {"content-type": "application/pdf"}, PDF),
        "/files/2016年报.pdf": (200, {"content-type": "application/octet-stream"}, PDF + b"2016"),
        # Declared in the HTTP header only, as many portals do.
        "/zwgk/nb/t20200115_5.html": (200, {"content-type": "text/html; charset=GBK"}, gbk_report),
        "/zwgk/nb/flaky.html": (
            200,
            html,
            _report("2020年度政府信息公开工作总结", "二、主动公开政府信息情况。").encode(),
        ),
        "/zwgk/nb/old.html": (302, {"location": "/zwgk/nb/t20200131_4.html"}, b""),
        "/zwgk/nb/t20200131_4.html": (
            200,
            html,
            _report("2019年度政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况。").encode(),
        ),
        "/zwgk/nb/t20180110_7.html": (
            200,
            html,
            _report("2017年度政府信息公开工作年度报告", "四、复议诉讼。").encode(),
        ),
        "/zwgk/nb/t20240301_9.html": (200, html, _report("会议通知", "定于三月召开会议。").encode()),
        "/private/2018.html": (200, html, _report("2018年度报告", "不应抓取。").encode()),
    }


@dataclass
class Portal:
    base: str
    requests: list[tuple[str, str, int]] = field(default_factory=list)  # (host, path, status)

    def paths(self, status: int | None = None) -> list[str]:
        return [path for _, path, s in self.requests if status is None or s == status]


def serve(site_for=pages, fail_first: frozenset[str] = frozenset({"/zwgk/nb/flaky.html"})):
    """Start the mirror (or another site: `site_for(port)` gives its pages); returns (portal,
    server). `fail_first` paths answer 500 once."""
    from urllib.parse import unquote

    lock = threading.Lock()
    failed: set[str] = set()
    portal = Portal("")
    site: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            status, headers, body = site.get(path, (404, {"content-type": "text/html"}, b"<h1>404</h1>"))
            etag = f'"{hashlib.sha256(body).hexdigest()[:12]}"'
            with lock:
                if path in fail_first and path not in failed:
                    failed.add(path)
                    status, headers, body = 500, {"content-type": "text/html"}, b"busy"
                elif status == 200 and self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
                portal.requests.append((self.headers.get("Host", ""), path, status))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status in (200, 304) and path.startswith("/zwgk/nb/index"):
                self.send_header("ETag", etag)  # listing pages support conditional GET
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    site.update(site_for(port))
    portal.base = f"http://127.0.0.1:{port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return portal, server
