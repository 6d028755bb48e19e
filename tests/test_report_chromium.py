"""The html report in a real browser: headless Chromium draws it, prints it to A4 and fetches
nothing.

Chromium gets the page from a small HTTP server of the test's own, which is also its proxy for
every other host: whatever the page asked for (an image, a font, a stylesheet, anywhere on the
web) would arrive there and is counted. The screenshot is decoded here (zlib; no imaging library)
to see that a page was drawn, with the status colours in it; the PDF is read with pdftotext
(poppler-utils) when it is installed.

In CI (CI=true) a missing Chromium fails the test: .ci/run installs it. Elsewhere it skips.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import threading
import zlib
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cap_tui.core.model import load_plan
from cap_tui.core.report import build_report
from cap_tui.render.report_html import render_html
from cap_tui.render.report_style import fill

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "data_report" / "hostile.toml"
BLABY = ROOT / "plans" / "blaby-2024-25.toml"
BROWSER_OWN = (".google.com", ".googleapis.com", ".gstatic.com", ".gvt1.com")
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background",
                  "cite", "longdesc", "manifest", "ping", "xlink:href"}


class Tags(HTMLParser):
    """Every tag and attribute of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, k, v or "") for k, v in attrs]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is not installed: .ci/run must install it (apt-get install chromium)")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


class Server:
    """Serves one page at /report.html and records every request, as a web server and as the
    browser's proxy for all other hosts."""

    def __init__(self, page: str) -> None:
        body = page.encode("utf-8")
        self.requests: list[tuple[str, str]] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(("GET", self.path))
                if self.path.endswith("/report.html"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def do_CONNECT(self) -> None:
                requests.append(("CONNECT", self.path))
                self.send_error(405)

            do_POST = do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/report.html"

    def fetched(self) -> list[tuple[str, str]]:
        """What was asked for besides the page itself: not the browser's favicon probe, nor its
        own background calls to Google (component updates, clock, accounts), which any page
        gets and which cannot all be switched off."""
        out = []
        for method, target in self.requests:
            if target.endswith(("/report.html", "/favicon.ico")):
                continue
            host = (target.rsplit(":", 1)[0] if method == "CONNECT"
                    else urlsplit(target).hostname or "")
            if host.endswith(BROWSER_OWN):
                continue
            out.append((method, target))
        return out


def run_chromium(server: Server, tmp: Path, *args: str) -> None:
    argv = [chromium(), "--headless", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-default-apps", "--disable-sync", "--hide-scrollbars",
            f"--proxy-server=http://127.0.0.1:{server.port}",
            f"--user-data-dir={tmp / 'profile'}", *args, server.url]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.insert(1, "--no-sandbox")  # Chromium refuses to start its sandbox as root
    proc = subprocess.run(argv, capture_output=True, timeout=180, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium
    writes), each row as bytes of pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line) if bpp == 3 else bytes(
            v for j in range(0, stride, 4) for v in line[j:j + 3]))
        prev = line
    return width, height, rows


def colours_in(rows: list[bytes]) -> set[str]:
    out: set[str] = set()
    for row in rows[::4]:
        for i in range(0, len(row), 12):
            out.add(row[i:i + 3].hex().upper())
    return out


@pytest.mark.parametrize("plan_path", [BLABY, HOSTILE], ids=["blaby-2024-25", "hostile"])
def test_chromium_draws_the_report_and_fetches_nothing(tmp_path, plan_path):
    data = build_report(load_plan(plan_path))
    page = render_html(data)
    # the page names no resource at all: no URL besides the SVG namespace, no script
    tags = Tags(page)
    assert not {"script", "img", "link", "iframe", "object", "embed", "base"} & set(tags.tags)
    assert [a for a in tags.attributes if a[1] in URL_ATTRIBUTES] == []
    assert [v for _, k, v in tags.attributes if k == "xmlns"] == ["http://www.w3.org/2000/svg"]
    assert "url(" not in page and "@import" not in page
    with Server(page) as server:
        shot = tmp_path / "page.png"
        run_chromium(server, tmp_path, "--window-size=1280,1600", f"--screenshot={shot}")
        assert server.fetched() == []
    width, height, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 1600)
    colours = colours_in(rows)
    assert len(colours) > 20, "a page was drawn, not a blank"
    # the status colours of the summary are on screen (each beside its label)
    used = {fill(st.colour) for st in data.statuses if data.overall.by_status.get(st.key)}
    assert used - {"FFFFFF"} <= colours


def pdftotext_pages(pdf: Path) -> list[str] | None:
    if shutil.which("pdftotext") is None:
        return None
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, timeout=60).stdout.decode("utf-8", "replace")
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_chromium_prints_a4_pages_a_theme_to_a_page(tmp_path):
    plan = load_plan(BLABY)
    with Server(render_html(build_report(plan))) as server:
        pdf = tmp_path / "report.pdf"
        run_chromium(server, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
        assert server.fetched() == []
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF-")
    boxes = {tuple(round(float(v)) for v in m) for m in
             re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", raw)}
    assert boxes == {(842, 595)}, "A4 landscape, in points"
    pages = pdftotext_pages(pdf)
    if pages is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is not installed: .ci/run must install poppler-utils")
        return
    assert len(pages) > len(plan.themes) + 1
    firsts = [" ".join(p.split())[:200] for p in pages]
    for theme in plan.themes:  # each theme starts a page
        assert any(f.startswith(theme.title) for f in firsts), theme.title
    # a table that runs onto the next page repeats its header row there
    assert any(f.startswith("Ref Action Expected") for f in firsts)
    text = " ".join(" ".join(p.split()) for p in pages)
    for a in plan.actions():
        assert a.id in text
