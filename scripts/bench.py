"""Driver of scripts/bench: generate data, time each tool, write a Markdown table.

Every measurement runs the command under /usr/bin/time -v and reads its wall time and peak RSS. For each size and
task the tools alternate (ipsurvey, DuckDB, pandas, ipsurvey, …) so that a warm cache or a busy machine favours
none of them; the table gives the median of the runs.
"""
import argparse, glob, os, re, shutil, statistics, subprocess, sys, time

PY = sys.executable
METRICS = "agencies,staff,revenue,avg_revenue,revenue_per_staff,revenue_growth,patent_filings,patent_filings_local,pledge_financing,clients"

# The peers' work, as Python snippets run in a fresh process each time (so RSS is theirs alone).
DUCK_VALIDATE = """
import duckdb, sys
con = duckdb.connect()
rows = con.execute(f"SELECT zone, count(*), sum(revenue), sum(staff), sum(patent_filings), sum(pledge_financing) FROM read_csv({sys.argv[1:]!r}, header=true, all_varchar=false) GROUP BY zone ORDER BY zone").fetchall()
print(rows)
"""
PANDAS_VALIDATE = """
import pandas as pd, sys
df = pd.concat([pd.read_csv(f, encoding=sys.argv[1]) for f in sys.argv[2:]])
print(df.groupby("zone")[["revenue", "staff", "patent_filings", "pledge_financing"]].sum())
"""
DUCK_LOAD = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute(f"CREATE TABLE returns AS SELECT * FROM read_csv({sys.argv[2:]!r}, header=true)")
con.close()
"""
DUCK_QUERY = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute('''
WITH cur AS (SELECT * FROM returns WHERE period = 2025), prev AS (
  SELECT zone, agency_kind, sum(revenue) AS revenue FROM returns WHERE period = 2024 GROUP BY zone, agency_kind)
SELECT c.zone, c.agency_kind, count(DISTINCT credit_code), sum(staff), sum(c.revenue) / 10000, avg(c.revenue) / 10000,
       sum(c.revenue) / 10000 / nullif(sum(staff), 0), (sum(c.revenue) - any_value(p.revenue)) / any_value(p.revenue),
       sum(patent_filings), sum(patent_filings_local), sum(pledge_financing) / 10000, sum(clients)
FROM cur c LEFT JOIN prev p ON p.zone = c.zone AND p.agency_kind = c.agency_kind
GROUP BY c.zone, c.agency_kind ORDER BY 1, 2''').fetchall())
"""


# The white paper's six grouped tables, for the single-file case: what DuckDB does for `report` there.
DUCK_REPORT = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=True)
m = "count(DISTINCT credit_code), sum(revenue), avg(revenue), sum(staff), sum(revenue) / nullif(sum(staff), 0), sum(patent_filings), sum(patent_filings_local), sum(trademark_filings), sum(pledge_financing), sum(clients)"
for by in ["zone", "agency_kind", "brand_level", "zone, agency_kind", "zone, brand_level"]:
    print(con.execute(f"SELECT {by}, {m} FROM returns WHERE period = 2025 GROUP BY {by} ORDER BY {by}").fetchall())
print(con.execute(f"SELECT t, {m} FROM (SELECT *, unnest(string_split(business_types, ';')) AS t FROM returns WHERE period = 2025) GROUP BY t ORDER BY t").fetchall())
"""


def measure(cmd, setup=None):
    """Wall seconds and peak RSS (MB) of one run; `setup` runs first, untimed."""
    if setup:
        setup()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr
    if p.returncode not in (0, 1):            # ipsurvey exits 1 when rows are rejected: still a complete run
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    h, m, s = wall.groups()
    seconds = (int(h) if h else 0) * 3600 + int(m) * 60 + float(s)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    return seconds, rss


def rm(path):
    def f():
        for p in [path, path + "-wal", path + "-shm"]:
            if os.path.exists(p):
                os.remove(p)
    return f


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--bin"); a.add_argument("--work"); a.add_argument("--runs", type=int); a.add_argument("--out")
    a.add_argument("--sizes", nargs="*", type=int, default=[])
    a.add_argument("--single", nargs="*", type=int, default=[])
    o = a.parse_args()
    results = []   # (size, task, tool, median s, peak MB, rows)

    def run(n, tasks):
        for task, tools in tasks:
            times = {t[0]: [] for t in tools}
            rss = {t[0]: [] for t in tools}
            for _ in range(o.runs):
                for name, cmd, setup in tools:
                    s, m = measure(cmd, setup)
                    times[name].append(s); rss[name].append(m)
            for name, _, _ in tools:
                results.append((n, task, name, statistics.median(times[name]), max(rss[name])))
                print(f"{n:>9} {task:<24} {name:<9} {statistics.median(times[name]):8.3f} s {max(rss[name]):8.1f} MB", flush=True)

    # One big file: a national census of one year in one returns file (`sample --one-year`: every field filled,
    # one name in ten with a comma and quotes).
    for n in o.single:
        data = os.path.join(o.work, f"national-{n}")
        if not os.path.exists(os.path.join(data, "zones.csv")):
            subprocess.run([o.bin, "sample", "--rows", str(n), "--one-year", "2025", "--seed", "2025", "--out", data], check=True, stdout=subprocess.DEVNULL)
        returns = [os.path.join(data, "returns", "returns-2025.csv")]
        archive = os.path.join(o.work, f"national-archive-{n}.sqlite")
        duck = os.path.join(o.work, f"national-duck-{n}.db")
        out = os.path.join(o.work, f"national-report-{n}")
        run(n, [
            ("one file: validate", [
                ("ipsurvey", [o.bin, "validate", data], None),
                ("DuckDB", [PY, "-c", DUCK_VALIDATE] + returns, None)]),
            ("one file: ingest", [
                ("ipsurvey", [o.bin, "ingest", data, "--archive", archive, "--received-at", "2026-03-31"], rm(archive)),
                ("DuckDB", [PY, "-c", DUCK_LOAD, duck] + returns, rm(duck))]),
            ("one file: report", [
                ("ipsurvey", [o.bin, "report", "--year", "2025", "--archive", archive, "--out", out, "--input", data], None),
                ("DuckDB", [PY, "-c", DUCK_REPORT, duck], None)]),
            ("one file: query", [
                ("ipsurvey", [o.bin, "query", "--period", "2025", "--by", "zone,agency_kind", "--metrics", METRICS,
                              "--archive", archive, "--format", "csv"], None),
                ("DuckDB", [PY, "-c", DUCK_QUERY, duck], None)]),
        ])
        sizes = {f: os.path.getsize(os.path.join(out, f)) for f in sorted(os.listdir(out))}
        results.append((n, "one file: report's files", ", ".join(f"{f} {b / 1e6:.2f} MB" for f, b in sizes.items()), None, None))
    for n in o.sizes:
        data = os.path.join(o.work, f"data-{n}")
        if not os.path.exists(os.path.join(data, "zones.csv")):
            subprocess.run([o.bin, "sample", "--rows", str(n), "--seed", "2025", "--out", data], check=True, stdout=subprocess.DEVNULL)
        returns = sorted(glob.glob(os.path.join(data, "returns", "*.csv")))
        gb = os.path.join(o.work, f"data-{n}-gb18030")
        if not os.path.exists(gb):
            os.makedirs(gb)
            for f in returns:
                with open(f, "rb") as src, open(os.path.join(gb, os.path.basename(f)), "wb") as dst:
                    dst.write(src.read().decode("utf-8").encode("gb18030"))
        gbfiles = sorted(glob.glob(os.path.join(gb, "*.csv")))
        zones = os.path.join(data, "zones.csv")
        archive = os.path.join(o.work, f"archive-{n}.sqlite")
        duck = os.path.join(o.work, f"duck-{n}.db")
        out = os.path.join(o.work, f"report-{n}")

        tasks = [
            ("validate", [
                ("ipsurvey", [o.bin, "validate", data], None),
                ("DuckDB", [PY, "-c", DUCK_VALIDATE] + returns, None),
                ("pandas", [PY, "-c", PANDAS_VALIDATE, "utf-8"] + returns, None)]),
            ("validate GB18030", [
                ("ipsurvey", [o.bin, "validate", "--input", data] + gbfiles, None),
                ("pandas", [PY, "-c", PANDAS_VALIDATE, "gb18030"] + gbfiles, None)]),
            ("ingest", [
                ("ipsurvey", [o.bin, "ingest", data, "--archive", archive, "--received-at", "2026-03-31"], rm(archive)),
                ("DuckDB", [PY, "-c", DUCK_LOAD, duck] + returns, rm(duck))]),
            ("report", [
                ("ipsurvey", [o.bin, "report", "--year", "2025", "--archive", archive, "--out", out], None)]),
            ("query", [
                ("ipsurvey", [o.bin, "query", "--period", "2025", "--by", "zone,agency_kind", "--metrics", METRICS,
                              "--archive", archive, "--format", "csv"], None),
                ("DuckDB", [PY, "-c", DUCK_QUERY, duck], None)]),
        ]   # (the query after the report: money figures come from the release the report records)
        run(n, tasks)

    lines = ["# ipsurvey beside DuckDB and pandas", "",
             f"Median of {o.runs} runs (tools alternating), peak RSS from `/usr/bin/time -v`; machine: "
             f"{os.cpu_count()} cores. Data: `ipsurvey sample --seed 2025` (3 years of returns, one file a year). "
             "ratio = time ÷ DuckDB's time for the same task (below 1: faster than DuckDB).", "",
             "What each tool does: **validate** — ipsurvey checks every rule of every row; DuckDB and pandas read the CSV "
             "and compute per-zone totals (no checks). **ingest** — ipsurvey checks and archives every row and the file's "
             "bytes with history; DuckDB loads the CSV into a table file. **query** — 10 metrics by zone × kind for 2025 "
             "(ipsurvey: current returns as of now, disclosure control; DuckDB: plain GROUP BY on its table). "
             "**report** — the white paper, HTML + XML with the XSD check (no peer; in the one-file case DuckDB computes the "
             "paper's six grouped tables from its table file). **one file** — a national census year in one returns file "
             "(`sample --one-year 2025`), validated, ingested and reported on.", "",
             "| rows | task | tool | median s | rows/s | peak MB | ratio to DuckDB |", "|---:|---|---|---:|---:|---:|---:|"]
    for n, task, name, s, m in results:
        if s is None:
            lines.append(f"| {n:,} | {task} | {name} | | | | |")
            continue
        duck = next((r[3] for r in results if r[0] == n and r[1] == task and r[2] == "DuckDB"), None)
        if duck is None and task == "validate GB18030":
            duck = next((r[3] for r in results if r[0] == n and r[1] == "validate" and r[2] == "DuckDB"), None)
        ratio = f"{s / duck:.2f}" if duck else "—"
        lines.append(f"| {n:,} | {task} | {name} | {s:.3f} | {n / s:,.0f} | {m:.0f} | {ratio} |")
    lines += ["", "GB18030: DuckDB's read_csv reads UTF-8 only; its ratio column there compares with its UTF-8 validate row.", ""]
    with open(o.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {o.out}")


if __name__ == "__main__":
    main()
