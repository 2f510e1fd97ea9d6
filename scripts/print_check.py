"""The white paper printed by a real browser, checked (scripts/print-check runs this).

For each HTML file: a copy with scripts/print-probe.js is (1) laid out by headless Chromium at the A4 page width with
the print style sheet and on a 1280 px screen, where the probe measures widths, badges and line breaks, and (2) printed
to an A4 PDF, where the text colours the probe gave every element say on which page each element's text landed
(read with pypdf). It fails on:

- any element wider than the page box (print) or the page panel (screen);
- a table split so that a page holds fewer than three of its rows (or only its total row), or its caption alone;
- a heading, caption or a paragraph introducing a table or chart as the last thing on a page;
- a status badge split across lines, out of its cell or covered by the progress bar;
- a unit in a column header, a date, or a code or file name inside one of its words, broken across lines;
- text left from a template tag.

It prints the page count of the real paper (printed without the probe; the two must have the same count).
"""

import base64
import html
import json
import os
import re
import subprocess
import sys
import tempfile

from pypdf import PdfReader
from pypdf.generic import ContentStream

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = open(os.path.join(HERE, "print-probe.js"), encoding="utf-8").read()


def chromium(*args):
    cmd = [os.environ.get("CHROMIUM", "chromium"), "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--hide-scrollbars", *args]
    done = subprocess.run(cmd, capture_output=True, timeout=180)
    if done.returncode != 0:
        sys.exit("chromium failed (%d): %s" % (done.returncode, done.stderr.decode(errors="replace")[-2000:]))
    return done.stdout.decode("utf-8", errors="replace")


def probe_copy(path, workdir):
    source = open(path, encoding="utf-8").read()
    script = "<script>\n" + PROBE + "\n</script>\n"
    at = source.rfind("</body>")
    if at < 0:
        sys.exit("%s: no </body>" % path)
    probed = os.path.join(workdir, "probe-" + os.path.basename(path))
    with open(probed, "w", encoding="utf-8") as f:
        f.write(source[:at] + script + source[at:])
    return probed


def layout_report(probed, mode, width):
    dom = chromium("--window-size=%d,1200" % width, "--dump-dom", "file://" + probed + "#" + mode)
    m = re.search(r'<pre id="pc-report">([^<]*)</pre>', dom)
    if not m:
        sys.exit("the probe wrote no report (%s)" % mode)
    return json.loads(base64.b64decode(html.unescape(m.group(1))).decode("utf-8"))


def markers_by_page(pdf):
    """For each page, the probe's element numbers in the order their text is painted."""
    reader = PdfReader(pdf)
    pages = []

    def walk(content, resources, found, state):
        for operands, op in ContentStream(content, reader).operations:
            if op == b"q":
                state.append(state[-1])
            elif op == b"Q":
                if len(state) > 1:
                    state.pop()
            elif op == b"rg" and len(operands) == 3:
                state[-1] = tuple(round(float(v) * 255) for v in operands)
            elif op in (b"g", b"k", b"sc", b"scn"):
                state[-1] = None
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                colour = state[-1]
                if colour and colour[0] == 17:
                    i = colour[1] * 256 + colour[2]
                    if not found or found[-1] != i:
                        found.append(i)
            elif op == b"Do" and resources is not None:
                xobjects = resources.get("/XObject")
                if xobjects is None:
                    continue
                xobject = xobjects.get_object().get(operands[0])
                if xobject is None:
                    continue
                xobject = xobject.get_object()
                if xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources", resources), found, state)

    for page in reader.pages:
        found = []
        contents = page.get_contents()
        if contents is not None:
            resources = page.get("/Resources")
            walk(contents, resources.get_object() if resources is not None else None, found, [None])
        pages.append(found)
    return pages


def pagination_problems(elements, pages):
    problems = []
    by_index = {e["i"]: e for e in elements}
    where = {}
    for number, found in enumerate(pages, start=1):
        for i in found:
            where.setdefault(i, []).append(number)

    # Headings and introducing paragraphs: never the last thing on a page (unless they go on to the next).
    for number, found in enumerate(pages[:-1], start=1):
        if not found:
            continue
        last = by_index.get(max(found))
        if last is None or number + 1 in where.get(last["i"], []):
            continue
        if last.get("heading") or last.get("intro"):
            kind = "heading" if last.get("heading") else "paragraph introducing a table or chart"
            problems.append({"check": "stranded", "what": "%s “%s”" % (last["tag"], last["text"][:40]),
                             "detail": "a %s is the last thing on page %d" % (kind, number)})

    # Tables: pages holding fewer than three of a split table's body rows, or only its total row.
    tables = {}
    for e in elements:
        if "table" in e and ("row" in e or e.get("caption")):
            tables.setdefault(e["table"], []).append(e)
    for t, cells in sorted(tables.items()):
        caption = next((c["text"] for c in cells if c.get("caption")), "table %d" % (t + 1))
        row_page = {}
        for c in cells:
            if "row" not in c:
                continue
            pages_of = where.get(c["i"])
            if pages_of:
                row_page[c["row"]] = min(row_page.get(c["row"], 10 ** 6), min(pages_of))
        if not row_page:
            continue
        caption_pages = [p for c in cells if c.get("caption") for p in where.get(c["i"], [])]
        first_row_page = min(row_page.values())
        if caption_pages and min(caption_pages) < first_row_page:
            problems.append({"check": "table_split", "what": "table “%s”" % caption[:40],
                             "detail": "caption on page %d, its first row on page %d" % (min(caption_pages), first_row_page)})
        groups = {}
        for r, p in row_page.items():
            groups.setdefault(p, []).append(r)
        if len(groups) < 2:
            continue
        totals = {c["row"] for c in cells if c.get("total")}
        for p, rows in sorted(groups.items()):
            if len(rows) < 3 or set(rows) <= totals:
                problems.append({"check": "table_split", "what": "table “%s”" % caption[:40],
                                 "detail": "page %d holds %d of its %d rows%s" % (
                                     p, len(rows), len(row_page), " (only the total)" if set(rows) <= totals else "")})
    return problems


def pdf_pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0


def check(path, keep_pdf=None):
    path = os.path.abspath(path)
    with tempfile.TemporaryDirectory(prefix="print-check-") as work:
        probed = probe_copy(path, work)
        problems = []
        printed = layout_report(probed, "layout", 673)          # 178 mm at 96 px per inch
        problems += [dict(p, where="A4") for p in printed["problems"]]
        screen = layout_report(probed, "screen", 1280)
        problems += [dict(p, where="screen") for p in screen["problems"]]
        probe_pdf = os.path.join(work, "probe.pdf")
        chromium("--no-pdf-header-footer", "--print-to-pdf=" + probe_pdf, "file://" + probed + "#print")
        pages = markers_by_page(probe_pdf)
        problems += [dict(p, where="A4") for p in pagination_problems(printed["elements"], pages)]
        real_pdf = keep_pdf or os.path.join(work, "paper.pdf")
        chromium("--no-pdf-header-footer", "--print-to-pdf=" + real_pdf, "file://" + path)
        count = pdf_pages(real_pdf)
        if count != len(pages):
            problems.append({"check": "probe", "what": os.path.basename(path), "where": "A4",
                             "detail": "the probe printed %d pages, the paper %d" % (len(pages), count)})
        marked = sum(1 for found in pages for _ in found)
        if marked == 0:
            problems.append({"check": "probe", "what": os.path.basename(path), "where": "A4",
                             "detail": "no marked text found in the PDF"})
        return count, problems


# The check of the check: copies of a real paper, each with one defect put in, must each fail with that defect.
ROWS = "".join("<tr style=\"break-before:auto !important;break-after:auto !important\"><th scope=\"row\">row %d</th><td>%d</td></tr>" % (i, i)
               for i in range(1, 11))
DEFECTS = [
    ("too_wide", "a table wider than the page",
     '<table class="data"><caption>too wide</caption><tbody><tr><th scope="row">x</th><td>' + "9,999,999.99 " * 30 + "</td></tr></tbody></table>"),
    ("table_split", "a table split after its first row",
     '<section style="break-before:page"><div style="height:228mm"></div><table><caption style="break-after:auto !important">split</caption>'
     '<thead style="break-after:auto !important"><tr><th scope="col">a</th><th scope="col">b</th></tr></thead><tbody>' + ROWS
     + "</tbody></table></section>"),
    ("stranded", "a heading at the foot of a page",
     '<section style="break-before:page"><div style="height:236mm"></div><h3 style="break-after:auto !important">stranded heading</h3>'
     '<div style="height:60mm"></div><p>after</p></section>'),
    ("badge_split", "a badge broken across lines",
     '<p style="width:30mm">xxxxxxxxxxxxxx <span class="status met" style="white-space:normal !important">badge broken across lines</span></p>'),
    ("word_split", "a code name broken inside a word",
     '<p style="width:14mm"><code style="word-break:break-all">revenue_growth_same_sample</code></p>'),
    ("template_tag", "text left from a template tag", "<p>{{leftOver}}</p>"),
]


def self_test(paper):
    source = open(paper, encoding="utf-8").read()
    at = source.rfind("</main>")
    failures = 0
    only = os.environ.get("PRINT_CHECK_DEFECT")
    with tempfile.TemporaryDirectory(prefix="print-check-self-") as work:
        for check_name, what, markup in DEFECTS:
            if only and only != check_name:
                continue
            doctored = os.path.join(work, "defect-%s.html" % check_name)
            with open(doctored, "w", encoding="utf-8") as f:
                f.write(source[:at] + markup + source[at:])
            _, problems = check(doctored)
            found = [p for p in problems if p["check"] == check_name]
            print("self-test: %s → %s" % (what, "caught: " + found[0]["detail"] if found else "NOT CAUGHT"))
            failures += 0 if found else 1
    return failures


def main(argv):
    keep = None
    files = []
    tests = []
    args = iter(argv)
    for a in args:
        if a == "--keep-pdf":
            keep = next(args)
        elif a == "--self-test":
            tests.append(next(args))
        else:
            files.append(a)
    if sum(self_test(t) for t in tests):
        return 1
    failed = False
    for f in files:
        pdf = os.path.join(keep, os.path.splitext(os.path.basename(f))[0] + ".pdf") if keep else None
        count, problems = check(f, pdf)
        status = "ok" if not problems else "%d problem(s)" % len(problems)
        print("%s: %d A4 pages, %s" % (f, count, status))
        for p in problems:
            print("  [%s] %s (%s): %s" % (p["check"], p["what"], p["where"], p["detail"]))
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
