"""Making a report file: read the plan, gather the report, render it, write it (`write_report`).

Shared by `cap report` and the editor's "report: export" command. Each renderer (and with it
Jinja2 or python-docx) is imported only when its format is asked for.

PDF is made from the HTML by WeasyPrint when it is installed, else from the docx by LibreOffice
(`soffice --headless --convert-to pdf`), else from the HTML by Chromium (`--print-to-pdf`);
with none of them, a ReportError says what to install.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.report import (
    FORMATS,
    TEXT_FORMATS,
    ReportData,
    ReportError,
    ReportOptions,
    build_report,
    default_name,
    load_at,
)

PDF_TIMEOUT = 300  # seconds a converter may take
NO_PDF = ("cannot make a PDF: install WeasyPrint (pip install weasyprint), LibreOffice (soffice) "
          "or Chromium, or make the report as html and print it to PDF from a browser")


def gather(plan_path: str | Path, options: ReportOptions | None = None) -> ReportData:
    """Read the plan (and the plan at `options.since`) and gather its report."""
    from ..core.model import load_plan
    from ..core.problems import PlanError

    options = options or ReportOptions()
    try:
        plan = load_plan(plan_path)
    except PlanError as exc:
        raise ReportError(exc.problem.format()) from None
    if not isinstance(plan.data.get("plan"), dict) and "theme" not in plan.data:
        raise ReportError(f"{plan_path}: not a plan (it has no [plan] table)", exit_code=1)
    since = load_at(plan_path, options.since) if options.since else None
    return build_report(plan, options, since)


def render(data: ReportData, fmt: str) -> str | bytes:
    """The report in one format: text for html, md and csv; bytes for docx."""
    if fmt == "html":
        from .report_html import render_html

        return render_html(data)
    if fmt == "md":
        from .report_md import render_md

        return render_md(data)
    if fmt == "csv":
        from .report_csv import render_csv

        return render_csv(data)
    if fmt == "docx":
        from .report_docx import render_docx

        return render_docx(data)
    raise ValueError(f"no renderer for {fmt!r}")


def destination(data: ReportData, fmt: str, output: str | Path | None) -> Path:
    """Where the report goes: `output`, or a file named after the plan in `output` (a folder)
    or in the current folder."""
    if output is None or str(output) == "":
        return Path(default_name(data, fmt))
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", os.sep)):
        return path / default_name(data, fmt)
    return path


def write_report(plan_path: str | Path, fmt: str = "html", output: str | Path | None = None,
                 options: ReportOptions | None = None) -> Path:
    """Write the report on one plan; the path written (`-`: written to stdout).

    `output`: a file, a folder (the file is named after the plan), `-` for stdout (html, md and
    csv only), or None for a file named after the plan in the current folder. Raises
    ReportError, with a message for the officer, when the plan or the revision cannot be read,
    the file cannot be written, or no PDF maker is installed."""
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if str(output) == "-" and fmt not in TEXT_FORMATS:
        raise ReportError(f"{fmt} is not text: give a file name with --output")
    data = gather(plan_path, options)
    if str(output) == "-":
        text = render(data, fmt)
        assert isinstance(text, str)
        sys.stdout.write(text)
        sys.stdout.flush()
        return Path("-")
    dest = destination(data, fmt, output)
    if fmt == "pdf":
        make_pdf(data, dest)
        return dest
    body = render(data, fmt)
    try:
        if dest.parent and not dest.parent.is_dir():
            raise ReportError(f"{dest.parent}: no such folder")
        if isinstance(body, bytes):
            dest.write_bytes(body)
        else:
            with dest.open("w", encoding="utf-8", newline="") as f:
                f.write(body)
    except OSError as exc:
        raise ReportError(f"{dest}: cannot write the report: {exc.strerror or exc}") from None
    return dest


# -- PDF ---------------------------------------------------------------------------------------
def pdf_makers() -> list[str]:
    """The PDF makers installed here, in the order they are tried."""
    found = []
    try:
        if importlib.util.find_spec("weasyprint") is not None:
            found.append("weasyprint")
    except (ImportError, ValueError):
        pass
    if _program("soffice", "libreoffice"):
        found.append("soffice")
    if _program("chromium", "chromium-browser", "google-chrome"):
        found.append("chromium")
    return found


def _program(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def make_pdf(data: ReportData, dest: Path, maker: str | None = None) -> Path:
    """Write the report as a PDF at `dest` with `maker` (or the first one installed)."""
    makers = [maker] if maker else pdf_makers()
    if not makers:
        raise ReportError(NO_PDF)
    how = makers[0]
    with tempfile.TemporaryDirectory(prefix="cap-report-") as tmp:
        work = Path(tmp)
        if how == "weasyprint":
            weasyprint = importlib.import_module("weasyprint")  # optional: not a dependency
            weasyprint.HTML(string=render(data, "html"), base_url=str(work)).write_pdf(str(dest))
            return dest
        if how == "soffice":
            made = _soffice(data, work)
        elif how == "chromium":
            made = _chromium(data, work)
        else:
            raise ReportError(f"unknown PDF maker {how!r}")
        try:
            shutil.copyfile(made, dest)
        except OSError as exc:
            raise ReportError(f"{dest}: cannot write the report: {exc.strerror or exc}") from None
    return dest


def _run(argv: list[str], what: str) -> None:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=PDF_TIMEOUT, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ReportError(f"{what} took longer than {PDF_TIMEOUT} s to make the PDF") from None
    except OSError as exc:
        raise ReportError(f"{what} could not be run: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReportError(f"{what} could not make the PDF: {message[-1] if message else ''}")


def _soffice(data: ReportData, work: Path) -> Path:
    program = _program("soffice", "libreoffice")
    if program is None:
        raise ReportError(NO_PDF)
    source = work / "report.docx"
    body = render(data, "docx")
    assert isinstance(body, bytes)
    source.write_bytes(body)
    # a profile of its own: a LibreOffice the officer has open does not take the job over
    _run([program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
          "--convert-to", "pdf", "--outdir", str(work), str(source)], "LibreOffice")
    made = work / "report.pdf"
    if not made.is_file():
        raise ReportError("LibreOffice did not make the PDF")
    return made


def _chromium(data: ReportData, work: Path) -> Path:
    program = _program("chromium", "chromium-browser", "google-chrome")
    if program is None:
        raise ReportError(NO_PDF)
    source = work / "report.html"
    body = render(data, "html")
    assert isinstance(body, str)
    source.write_text(body, encoding="utf-8")
    made = work / "report.pdf"
    argv = [program, "--headless", "--disable-gpu", "--no-pdf-header-footer",
            "--proxy-server=127.0.0.1:9", f"--user-data-dir={work / 'profile'}",
            f"--print-to-pdf={made}", source.as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.insert(1, "--no-sandbox")  # Chromium will not start its sandbox as root
    _run(argv, "Chromium")
    if not made.is_file():
        raise ReportError("Chromium did not make the PDF")
    return made
