"""Real clients open ipsurvey's workbooks, and ipsurvey reads theirs (issue 18). Run by scripts/excel-check."""
import argparse, csv, json, os, shutil, subprocess, sys, tempfile
import openpyxl

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--work", required=True)
a = p.parse_args()
W = a.work
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args):
    r = subprocess.run([a.bin, *args], capture_output=True, text=True)
    return r


def soffice(src, fmt, outdir, infilter=None):
    """LibreOffice headless: open src and save it as fmt (its own import and export, as a user would)."""
    os.makedirs(outdir, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", fmt, "--outdir", outdir, src]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    shutil.rmtree(profile, ignore_errors=True)
    out = os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + "." + fmt.split(":")[0])
    if not os.path.exists(out):
        raise SystemExit(f"LibreOffice did not write {out}: {r.stdout} {r.stderr}")
    return out


def form_features(path, label, zh=True):
    """What a user of the form must see, read from the workbook by openpyxl."""
    wb = openpyxl.load_workbook(path)
    name = "调查表" if zh else "Returns"
    check(wb.sheetnames[0] == name, f"{label}: first sheet is {name} ({wb.sheetnames})")
    ws = wb[name]
    header = [c.value for c in ws[2]]
    check(header[0] == ("统一社会信用代码" if zh else "credit_code"), f"{label}: header on row 2 ({header[:3]})")
    check(ws[1][0].value is not None and ws[1][0].value != header[0], f"{label}: the other language's titles on row 1 ({ws[1][0].value})")
    if "LibreOffice" not in label:   # headless LibreOffice has no view, so it saves no view settings (panes)
        check(ws.freeze_panes == "A3", f"{label}: header rows frozen (freeze_panes {ws.freeze_panes})")
    col = {h: i for i, h in enumerate(header)}
    kind = "机构性质" if zh else "agency_kind"
    zone = "所在集聚区" if zh else "zone"
    revenue = "营业收入（万元）" if zh else "revenue"
    staff = "从业人员（人）" if zh else "staff"
    dvs = ws.data_validations.dataValidation
    def dv_of(column):
        letter = openpyxl.utils.get_column_letter(column + 1)
        for dv in dvs:
            for rng in dv.sqref.ranges:
                if rng.min_col == column + 1 and rng.min_row <= 3 <= rng.max_row:
                    return dv
        return None
    k = dv_of(col[kind])
    check(k is not None and k.type == "list" and k.formula1 and "$" in k.formula1, f"{label}: {kind} has a drop-down list ({k.formula1 if k else None})")
    z = dv_of(col[zone])
    check(z is not None and z.type == "list", f"{label}: {zone} has a drop-down list")
    if k is not None and k.formula1:
        sheet, rng = k.formula1.split("!")
        lists = wb[sheet.strip("'")]
        values = [c.value for row in lists[rng.replace("$", "")] for c in row]
        want = ["专利代理机构", "商标代理机构", "律师事务所", "其他企业", "事业单位/社会组织"] if zh else ["patent_agency", "trademark_agency", "law_firm", "enterprise", "public"]
        check(values == want, f"{label}: the list holds the five kinds of agency ({values})")
        check(lists.sheet_state == "hidden", f"{label}: the lists sheet is hidden")
    r = dv_of(col[revenue])
    check(r is not None and r.type == "decimal" and r.prompt and ("万元" in r.prompt or "10k yuan" in r.prompt), f"{label}: revenue takes decimals with an input message ({r.prompt if r else None})")
    s = dv_of(col[staff])
    check(s is not None and s.type == "whole", f"{label}: staff takes whole numbers")
    missing = [h for i, h in enumerate(header) if not (dv_of(i) and dv_of(i).prompt)]
    check(not missing, f"{label}: every column has an input message (missing: {missing})")
    def fmt(c):
        # the column's own format (what a typed value takes), from its <col> entry (openpyxl groups equal columns)
        for d in ws.column_dimensions.values():
            if d.min and d.max and d.min <= c + 1 <= d.max:
                return d.number_format
        return None
    check(fmt(col[revenue]) == "0.0000", f"{label}: money shows 4 decimals ({fmt(col[revenue])})")
    check(fmt(col[staff]) == "0", f"{label}: counts show whole numbers ({fmt(col[staff])})")
    check(fmt(0) == "@", f"{label}: the credit code column is text ({fmt(0)})")
    inst = wb["填表说明" if zh else "Instructions"]
    rows = [[c.value for c in r] for r in inst.iter_rows()]
    ids = [r[3] for r in rows if r and len(r) > 3 and r[3]]
    check("credit_code" in ids and "submitted_on" in ids and "revenue" in ids, f"{label}: the instructions list every field ({len(ids) - 1} fields)")
    return wb


# 1. The blank form, zh and en, as ipsurvey writes it and as LibreOffice saves it again.
for lang in ("zh", "en"):
    path = os.path.join(W, f"form-{lang}.xlsx")
    r = run("form", "--format", "xlsx", "--lang", lang, "--output", path)
    check(r.returncode == 0 and os.path.exists(path), f"form --format xlsx --lang {lang} writes {path}")
    form_features(path, f"form {lang} (openpyxl)", zh=(lang == "zh"))
    again = soffice(path, "xlsx", os.path.join(W, "lo-" + lang))
    form_features(again, f"form {lang} saved again by LibreOffice", zh=(lang == "zh"))
    r = run("validate", again, "--format", "json")
    f = json.loads(r.stdout)["files"][0]
    check(f["kind"] == "returns" and f["rows"] == 0 and not [x for x in f["findings"] if x["severity"] == "error"],
          f"form {lang} saved by LibreOffice reads back as an empty returns form ({f['kind']}, {f['rows']} rows)")

# 2. The demo's late returns (11 bad rows) as CSV, as LibreOffice saves it to .xlsx, and as openpyxl writes it.
late = "input/returns/2025/supplement/quanshan-late-returns.csv"
lo = soffice(os.path.abspath(late), "xlsx", os.path.join(W, "lo-csv"), infilter="CSV:44,34,76,1")
ox = os.path.join(W, "openpyxl-late.xlsx")
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "调查表"
with open(late, encoding="utf-8-sig") as fh:
    for i, row in enumerate(csv.reader(fh)):
        out = []
        for v in row:
            t = v.strip()
            if i > 0 and t and t.replace(".", "", 1).isdigit() and not (len(t) > 1 and t[0] == "0" and t[1] != "."):
                out.append(float(t) if "." in t else int(t))
            else:
                out.append(v if v != "" else None)
        ws.append(out)
wb.save(ox)


def findings(path):
    r = run("validate", path, "--format", "json")
    f = json.loads(r.stdout)["files"][0]
    return f, sorted((x["code"], x["line"], x["column"], x["field"]) for x in f["findings"])


csv_file, csv_findings = findings(late)
for label, path in (("LibreOffice", lo), ("openpyxl", ox)):
    f, got = findings(path)
    check((f["rows"], f["accepted"], f["rejected"]) == (csv_file["rows"], csv_file["accepted"], csv_file["rejected"]),
          f"{label}'s workbook of the late returns: rows {f['rows']}, accepted {f['accepted']}, rejected {f['rejected']} as the CSV")
    diff = sorted(set(got) ^ set(csv_findings))
    check(not diff, f"{label}'s workbook gives the CSV's {len(csv_findings)} findings (differences: {diff[:4]})")
    cells = [x.get("cell") for x in json.loads(run("validate", path, "--format", "json").stdout)["files"][0]["findings"] if x["line"]]
    check(all(c and "!" in c for c in cells if c is not None) and any(cells), f"{label}'s findings name their cells ({cells[:2]})")

# 3. The feedback workbook of the late returns: openpyxl and LibreOffice see the marked cells and the messages.
r = run("validate", late, "--format", "xlsx", "--lang", "zh", "--out", W)
feedback = os.path.join(W, "feedback", "returns-2025-supplement-quanshan-late-returns.feedback.xlsx")
check(os.path.exists(feedback), f"validate --format xlsx writes {feedback} ({r.stdout.strip()})")


def feedback_features(path, label):
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if r[0].value in ("原行号", "Line"))
    header = [c.value for c in rows[head]]
    check("问题说明" in header and "结果" in header, f"{label}: header with result and problems ({header[-2:]})")
    data = rows[head + 1:]
    check(len(data) == csv_file["rows"], f"{label}: every submitted row is there ({len(data)})")
    red = [c for r in data for c in r if c.fill is not None and c.fill.fgColor is not None and str(c.fill.fgColor.rgb).upper().endswith("FFC7CE")]
    errors = [x for x in csv_findings if x[1] and x[2]]
    check(len(red) >= 11, f"{label}: the cells at fault are marked red ({len(red)} marked)")
    first = next(x for x in sorted(csv_findings, key=lambda x: (x[1] or 0)) if x[1] and x[2])
    row = next(r for r in data if r[0].value in (first[1], str(first[1])))
    check(str(row[first[2]].fill.fgColor.rgb).upper().endswith("FFC7CE"), f"{label}: line {first[1]} column {first[2]} ({first[3]}) is marked")
    msg = row[len(header) - 1].value or ""
    check("校验位" in msg or "check character" in msg, f"{label}: the message is beside the row ({msg[:40]}…)")
    rejected = [r for r in data if r[len(header) - 2].value == "未采用"]
    check(len(rejected) == csv_file["rejected"], f"{label}: {len(rejected)} rows say 未采用")


feedback_features(feedback, "feedback (openpyxl)")
feedback_features(soffice(feedback, "xlsx", os.path.join(W, "lo-feedback")), "feedback saved again by LibreOffice")

print(f"{len(failures)} failed" if failures else "excel check: all passed")
sys.exit(1 if failures else 0)
