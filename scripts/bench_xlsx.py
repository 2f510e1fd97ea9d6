"""Reading a big workbook: ipsurvey beside fastexcel and openpyxl (see scripts/bench-xlsx)."""
import argparse, csv, glob, os, re, statistics, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("--bin", required=True)
p.add_argument("--work", required=True)
p.add_argument("--rows", type=int, default=100000)
p.add_argument("--runs", type=int, default=3)
p.add_argument("--out", required=True)
a = p.parse_args()
W = os.path.join(a.work, f"xlsx-{a.rows}")
os.makedirs(W, exist_ok=True)
book = os.path.join(W, "returns.xlsx")
if not os.path.exists(book):
    subprocess.run([a.bin, "sample", "--rows", str(a.rows), "--seed", "1", "--out", W], check=True, capture_output=True)
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("调查表")
    n = 0
    money = None
    for path in sorted(glob.glob(os.path.join(W, "returns", "*.csv"))):
        with open(path, encoding="utf-8-sig") as fh:
            r = csv.reader(fh)
            header = next(r)
            if n == 0:
                ws.append(header)
                numeric = [i for i, h in enumerate(header) if h not in ("credit_code", "agency_name", "zone", "period", "agency_kind", "business_types", "brand_level", "contact", "phone", "submitted_on")]
            for row in r:
                out = []
                for i, v in enumerate(row):
                    if v != "" and i in numeric:
                        out.append(float(v) if "." in v else int(v))
                    else:
                        out.append(v if v != "" else None)
                ws.append(out)
                n += 1
    wb.save(book)
    # the CSV of the same rows, for reference
    with open(os.path.join(W, "returns.csv"), "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        first = True
        for path in sorted(glob.glob(os.path.join(W, "returns", "*.csv"))):
            with open(path, encoding="utf-8-sig") as fh:
                r = csv.reader(fh)
                h = next(r)
                if first:
                    w.writerow(h); first = False
                for row in r:
                    w.writerow(row)
size = os.path.getsize(book)
zones = os.path.join(W, "zones.csv")
py = sys.executable
tools = {
    "ipsurvey validate (xlsx)": [a.bin, "validate", book, zones],
    "fastexcel load_sheet": [py, "-c", f"import fastexcel; s = fastexcel.read_excel({book!r}).load_sheet(0); print(s.height)"],
    "openpyxl read-only": [py, "-c", f"import openpyxl\nwb = openpyxl.load_workbook({book!r}, read_only=True)\nn = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))\nprint(n)"],
    "ipsurvey validate (the same rows as CSV)": [a.bin, "validate", os.path.join(W, "returns.csv"), zones],
}
results = {k: [] for k in tools}
for _ in range(a.runs):
    for name, cmd in tools.items():
        r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", r.stderr)
        secs = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)) / 1024
        results[name].append((secs, rss))
        if name.startswith("ipsurvey") and r.returncode not in (0, 1):
            print(r.stdout[-2000:], r.stderr[-2000:]); sys.exit(1)
lines = [f"# Reading a {a.rows:,}-row workbook ({size / 1e6:.1f} MB, written by openpyxl)", "",
         f"Median of {a.runs} runs, tools alternating; wall time and peak RSS from /usr/bin/time -v.", "",
         "| tool | time (s) | peak RSS (MB) |", "|---|---:|---:|"]
for name, rs in results.items():
    lines.append(f"| {name} | {statistics.median(x[0] for x in rs):.2f} | {statistics.median(x[1] for x in rs):.0f} |")
text = "\n".join(lines) + "\n"
open(a.out, "w").write(text)
print(text)
