import Foundation
import XCTest

/// `ipsurvey query` and `ipsurvey targets` on the demo data.
final class QueryCommandTests: XCTestCase {
    static let archive: String = {
        let path = temporaryDirectory().appendingPathComponent("a.sqlite").path
        _ = try? ipsurvey(["ingest", "input", "--archive", path, "--received-at", "2026-03-01"])
        // The releases suppressed queries answer from (2023–2025).
        _ = try? ipsurvey(["report", "--year", "2025", "--archive", path, "--out", temporaryDirectory().path])
        return path
    }()

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try ipsurvey(args + ["--archive", Self.archive, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    }

    func testTargetsListEveryTargetOfThePlansWithAStatus() throws {
        let j = try json(["targets", "--year", "2025"])
        XCTAssertEqual(j["year"] as? Int, 2025)
        let rows = try XCTUnwrap(j["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 34, "every numeric target of the three zone plans, and the 2017 scheme's 15 agencies for 宿城")
        for r in rows {
            for key in ["zone", "indicator", "op", "target", "actual", "progress", "status", "deadline", "source", "quote", "measured_by"] { XCTAssertNotNil(r[key], key) }
            XCTAssertFalse((r["quote"] as? String ?? "").isEmpty, "the plan's words")
            XCTAssertTrue(["met", "on_track", "behind", "no_data", "confidential"].contains(r["status"] as? String))
            // A hidden actual keeps nothing that bounds it: no value, no progress, no status.
            if r["conf_status"] != nil { XCTAssertTrue(r["actual"] is NSNull && r["progress"] is NSNull); XCTAssertEqual(r["status"] as? String, "confidential") }
        }
        XCTAssertEqual(Set(rows.map { $0["zone"] as! String }), ["quanshan", "binhu", "sucheng"], "provincial goals are not a zone's")
        // Each kind the plans use, with its status from the demo data.
        func row(_ zone: String, _ indicator: String, _ op: String) -> [String: Any]? {
            rows.first { $0["zone"] as? String == zone && $0["indicator"] as? String == indicator && $0["op"] as? String == op }
        }
        XCTAssertEqual(row("sucheng", "agencies", "~")?["quote"] as? String, "集聚各类高水平服务机构25户左右")
        XCTAssertNotNil(row("sucheng", "agencies", "~")?["deviation"] as? Double)
        XCTAssertEqual(row("binhu", "info_outlets", "+>=")?["base_year"] as? Int, 2023)
        XCTAssertEqual(row("binhu", "info_outlets", "+>=")?["measured_by"] as? String, "info_outlets in the regional file")
        XCTAssertNotNil(row("binhu", "info_outlets", "+>=")?["change"] as? Double)
        XCTAssertNotNil(row("quanshan", "invention_grants", "growth>=")?["change"] as? Double)
        XCTAssertEqual(row("sucheng", "abnormal_withdrawal_rate", ">=ref:province_abnormal_withdrawal_rate")?["target"] as? Int, 0, "no margin")
        XCTAssertEqual(row("quanshan", "revenue", ">=")?["target"] as? Int, 100000, "10亿元")
        XCTAssertTrue(rows.allSatisfy { ["met", "on_track", "behind", "confidential"].contains($0["status"] as? String) },
                      "the demo's regional file measures every target")
        XCTAssertEqual(row("sucheng", "agencies", ">=")?["status"] as? String, "met", "at least 15 agencies (苏知发〔2017〕139号)")
        // The province's goals, apart: what the zones contribute, never a zone's attainment.
        let provincial = try XCTUnwrap(j["provincial"] as? [[String: Any]])
        XCTAssertEqual(provincial.map { $0["indicator"] as? String }, ["leading_agencies", "above_scale_agencies"])
        XCTAssertTrue(provincial[0]["contribution"] is NSNull, "the demo's returns predate the designation field: no data, not 0")
        XCTAssertEqual(provincial[1]["target"] as? Int, 100)
        XCTAssertNotNil(provincial[1]["share"] as? Double)
        let text = try ipsurvey(["targets", "--year", "2025", "--archive", Self.archive]).text
        XCTAssertTrue(text.contains("徐政办发〔2024〕8号") && text.contains("已完成"), text)
    }

    /// A suppressed query answers from the totals `report` stored beside the release, and gives the same bytes as
    /// from the returns read again: when a file received by the release's as-of arrives later (the totals are
    /// stale) and when the stored totals are damaged (which `archive verify` reports).
    func testAQueryFromTheReleasesTotalsIsTheSameAsFromTheReturns() throws {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("a.sqlite").path
        try FileManager.default.copyItem(atPath: Self.archive, toPath: archive)
        let catalogue = try ipsurvey(["query", "--list"]).text.split(separator: "\n").filter { !$0.hasPrefix(" ") }
            .map { String($0.split(separator: "\t")[0]) }.joined(separator: ",")
        let queries: [[String]] = [
            ["--period", "2025", "--by", "zone,agency_kind", "--format", "csv"],
            ["--period", "2025", "--format", "json", "--metrics", catalogue],
            ["--period", "2025", "--by", "business_type", "--metrics", "agencies,staff,patent_filings,staff_degree_share", "--format", "json"],
            ["--period", "2025", "--by", "brand_level,zone", "--metrics", "revenue,revenue_growth,revenue_growth_same_sample,cr5,hhi", "--format", "json"],
            ["--period", "2024", "--by", "zone,agency_kind,brand_level", "--format", "json"],
            ["--period", "2025", "--zone", "quanshan", "--by", "agency_kind", "--format", "json"],
            ["--period", "2025", "--zone", "binhu", "--zone", "sucheng", "--by", "zone", "--format", "csv"],
            ["--period", "2025", "--by", "business_type", "--metrics", "agencies,staff,clients", "--format", "csv"],
            ["--period", "2025", "--by", "zone,business_type", "--metrics", catalogue, "--no-suppress", "--format", "json"],
        ]
        func answers(fromTotals: Bool) throws -> [Data] {
            try queries.map { q in
                let r = try ipsurvey(["query"] + q + ["--archive", archive], environment: ["IPSURVEY_TIMING": "1"])
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(r.stderr.contains("statistics from the release's totals"), fromTotals, "\(q): \(r.stderr)")
                return r.stdout
            }
        }
        let fromTotals = try answers(fromTotals: true)
        // A zones file received before the release's as-of, stored after it: the totals no longer answer for the
        // archive as of then (the returns and so the release do).
        let zones = dir.appendingPathComponent("zones.csv")
        try (String(contentsOf: packageRoot.appendingPathComponent("input/zones.csv"), encoding: .utf8) + "\n").write(to: zones, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ipsurvey(["ingest", zones.path, "--archive", archive, "--received-at", "2026-02-01"]).status, 0)
        XCTAssertEqual(try answers(fromTotals: false), fromTotals, "the same answers from the returns")
        // Totals stored again by a report, then damaged on disk.
        XCTAssertEqual(try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", dir.path]).status, 0)
        XCTAssertEqual(try answers(fromTotals: true), fromTotals)
        try python("""
            import sqlite3; c = sqlite3.connect('\(archive)')
            c.execute("UPDATE release_totals SET totals = substr(totals, 1, 100) || x'ff' || substr(totals, 102)"); c.commit()
            """)
        XCTAssertEqual(try answers(fromTotals: false), fromTotals, "damaged totals are not read")
        let verify = try ipsurvey(["archive", "verify", "--archive", archive, "--lang", "en"])
        XCTAssertEqual(verify.status, 1, verify.stderr)
        XCTAssertTrue((verify.text + verify.stderr).contains("stored totals of the release of 2025"), verify.text + verify.stderr)
    }

    func testQueryJSONKeysAndSuppression() throws {
        let j = try json(["query", "--period", "2025", "--by", "zone,agency_kind", "--metrics", "agencies,revenue,patent_agency_rate"])
        XCTAssertEqual(j["period"] as? String, "2025")
        XCTAssertEqual(j["by"] as? [String], ["zone", "agency_kind"])
        XCTAssertEqual(j["metrics"] as? [String], ["agencies", "revenue", "patent_agency_rate"])
        let rows = try XCTUnwrap(j["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 15, "3 zones × 5 kinds")
        XCTAssertEqual(rows.map { "\($0["zone"]!)/\($0["agency_kind"]!)" }, rows.map { "\($0["zone"]!)/\($0["agency_kind"]!)" }.sorted(), "sorted by the breakdowns")
        XCTAssertEqual(rows.reduce(0) { $0 + ($1["agencies"] as! Int) }, 276)
        for r in rows {
            let status = r["conf_status"] as! [String: String]
            if let s = status["revenue"] { XCTAssertTrue(["A", "O", "D"].contains(s)); XCTAssertTrue(r["revenue"] is NSNull) }
            else { XCTAssertTrue(r["revenue"] is NSNumber) }
            XCTAssertNil(status["agencies"], "counts are never suppressed")
        }
        let open = try json(["query", "--period", "2025", "--by", "zone,agency_kind", "--metrics", "revenue", "--no-suppress"])
        XCTAssertTrue((open["rows"] as! [[String: Any]]).allSatisfy { ($0["conf_status"] as! [String: String]).isEmpty })
    }

    func testQueryCSVHasIdsAndEmptySuppressedCells() throws {
        let r = try ipsurvey(["query", "--period", "2025", "--by", "zone", "--metrics", "agencies,revenue,revenue_per_staff,patent_agency_rate",
                              "--archive", Self.archive, "--format", "csv"])
        let lines = r.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines[0], "zone,agencies,revenue,revenue_per_staff,patent_agency_rate")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[1].hasPrefix("binhu,150,"), lines[1])
        let cells = lines[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(cells[2].split(separator: ".").last?.count, 2, "money with 2 decimals")
        XCTAssertEqual(cells[4].split(separator: ".").last?.count, 4, "ratios with 4 decimals")
    }

    func testUnknownMetricOrBreakdownListsTheValidOnes() throws {
        let m = try ipsurvey(["query", "--period", "2025", "--metrics", "revenu", "--archive", Self.archive])
        XCTAssertEqual(m.status, 2)
        XCTAssertTrue(m.stderr.contains("unknown metric 'revenu'") && m.stderr.contains("revenue_per_staff"), m.stderr)
        let b = try ipsurvey(["query", "--period", "2025", "--by", "city", "--archive", Self.archive])
        XCTAssertEqual(b.status, 2)
        XCTAssertTrue(b.stderr.contains("business_type"), b.stderr)
    }

    func testAsOfBeforeAndAfterARevision() throws {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("a.sqlite").path
        try ipsurvey(["ingest", "input/zones.csv", "input/returns/2025/binhu.csv", "--archive", archive, "--received-at", "2026-03-01"])
        try ipsurvey(["ingest", "input/returns/2025/revisions", "--archive", archive, "--received-at", "2026-04-15"])
        func revenue(_ asOf: String?) throws -> Double {
            let r = try ipsurvey(["query", "--period", "2025", "--metrics", "revenue", "--no-suppress", "--archive", archive, "--format", "json"]
                                 + (asOf.map { ["--as-of", $0] } ?? []))
            let j = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
            return try XCTUnwrap(((j["rows"] as? [[String: Any]])?.first?["revenue"] as? NSNumber)?.doubleValue)
        }
        let before = try revenue("2026-04-01"), after = try revenue(nil)
        XCTAssertNotEqual(before, after, "the three revised returns change the total")
        XCTAssertEqual(try revenue("2026-04-15"), after)
        XCTAssertEqual(try ipsurvey(["query", "--period", "2025", "--as-of", "2026-02-01", "--no-suppress", "--archive", archive, "--format", "json"]).text
                        .contains("\"rows\":[]"), true, "before anything was received")
        // Suppressed, only releases are answered: none was made here, so nothing is, at any as-of.
        let refused = try ipsurvey(["query", "--period", "2025", "--as-of", "2026-04-01", "--archive", archive, "--format", "json"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("ipsurvey report --year 2025") && refused.stderr.contains("尚无公布数据集"), refused.stderr)
    }

    func testCatalogueList() throws {
        let r = try ipsurvey(["query", "--list", "--archive", Self.archive, "--lang", "en"])
        XCTAssertTrue(r.text.contains("patent_agency_rate\tPatent agency rate"), r.text)
    }

    // Attacks on the demo data, replayed with nothing but what ipsurvey publishes.

    func rows(_ args: [String]) throws -> [[String: Any]] {
        try XCTUnwrap(try json(args)["rows"] as? [[String: Any]])
    }

    func testEveryOutputOfAPeriodPrintsTheSamePattern() throws {
        let metrics = "revenue,foreign_revenue,pledge_financing,transaction_value,revenue_legal,revenue_training"
        let byZoneKind = try rows(["query", "--period", "2025", "--by", "zone,agency_kind", "--metrics", metrics])
        for zone in ["sucheng", "binhu", "quanshan"] {
            let alone = try rows(["query", "--period", "2025", "--zone", zone, "--by", "agency_kind", "--metrics", metrics])
            for row in alone {
                let same = try XCTUnwrap(byZoneKind.first { $0["zone"] as? String == zone && $0["agency_kind"] as? String == row["agency_kind"] as? String })
                XCTAssertEqual(row["conf_status"] as? [String: String], same["conf_status"] as? [String: String], "\(zone) \(row["agency_kind"]!)")
            }
        }
    }

    func testSomeButNotAllZonesAreRefused() throws {
        let r = try ipsurvey(["query", "--period", "2025", "--zone", "sucheng", "--zone", "binhu", "--metrics", "revenue", "--archive", Self.archive])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--by zone") && r.stderr.contains("部分集聚区"), r.stderr)
        let byZone = try rows(["query", "--period", "2025", "--zone", "sucheng", "--zone", "binhu", "--by", "zone", "--metrics", "revenue"])
        XCTAssertEqual(byZone.count, 2, "answered by zone")
    }

    func testFiguresDerivedFromAHiddenCellAreHidden() throws {
        let derived = ["avg_revenue", "revenue_per_staff", "revenue_growth", "revenue_growth_same_sample"]
        let all = try rows(["query", "--period", "2025", "--by", "zone,agency_kind,brand_level", "--metrics", (["revenue"] + derived).joined(separator: ",")])
        var hidden = 0
        for row in all where (row["conf_status"] as! [String: String])["revenue"] != nil {
            hidden += 1
            for id in derived { XCTAssertTrue(row[id] is NSNull, "\(id) of a hidden revenue cell: \(row)") }
        }
        XCTAssertGreaterThan(hidden, 0)
    }

    func testTheAuditFindsEveryHiddenCellProtected() throws {
        for period in ["2025", "2024"] {
            let r = try ipsurvey(["audit", "--period", period, "--archive", Self.archive, "--lang", "en"])
            XCTAssertEqual(r.status, 0, r.text + r.stderr)
            XCTAssertTrue(r.text.contains("narrowest protection:") && r.text.contains("Result: every hidden cell's interval reaches at least 10 %"), r.text)
        }
        XCTAssertEqual(try ipsurvey(["audit", "--period", "2019", "--archive", Self.archive]).status, 2, "no release of 2019")
    }

    /// The attacker with every suppressed query: each money measure over zone × kind × brand level and every
    /// margin, written as sums; a sum with one unknown is solved (and solving repeats), and a sum whose only two
    /// unknowns are single agencies (the counts are published) lets each learn the other's. Growth rates
    /// published where last year's cell is hidden would give that cell back.
    func testAllQueriesTogetherRevealNoHiddenCell() throws {
        let dims = ["zone", "agency_kind", "brand_level"]
        let measures = ["revenue", "revenue_agency", "revenue_legal", "revenue_information", "revenue_consulting", "revenue_operation",
                        "revenue_training", "revenue_other", "foreign_revenue", "pledge_financing", "transaction_value"]
        var value: [String: Double] = [:], hidden: Set<String> = [], agencies: [String: Int] = [:]
        var breakdowns: [[String]] = [[]]
        for d in dims { breakdowns = breakdowns + breakdowns.map { $0 + [d] } }
        func key(_ m: String, _ row: [String: Any], _ by: [String]) -> String {
            m + "|" + dims.map { d in by.contains(d) ? (row[d] as! String) : "*" }.joined(separator: "|")
        }
        for by in breakdowns {
            let rows = try rows(["query", "--period", "2025", "--metrics", (["agencies"] + measures).joined(separator: ",")] + (by.isEmpty ? [] : ["--by", by.joined(separator: ",")]))
            for row in rows {
                let status = row["conf_status"] as! [String: String]
                for m in measures {
                    let k = key(m, row, by)
                    agencies[k] = row["agencies"] as? Int
                    if status[m] != nil { hidden.insert(k) } else { value[k] = (row[m] as? NSNumber)?.doubleValue ?? 0 }
                }
            }
        }
        XCTAssertGreaterThan(hidden.count, 50)
        let values = ["zone": ["sucheng", "binhu", "quanshan"], "agency_kind": ["patent_agency", "trademark_agency", "law_firm", "enterprise", "public"],
                      "brand_level": ["none", "municipal", "provincial", "national"]]
        var equations: [[String]] = []     // total first, then parts
        for m in measures {
            for (i, d) in dims.enumerated() {
                var others: [[String]] = [[]]
                for (j, e) in dims.enumerated() where j != i { others = others.flatMap { o in (values[e]! + ["*"]).map { o + [$0] } } }
                for o in others {
                    func cell(_ v: String) -> String {
                        var parts = o
                        parts.insert(v, at: i)
                        return m + "|" + parts.joined(separator: "|")
                    }
                    equations.append([cell("*")] + values[d]!.map(cell))
                }
            }
        }
        // A cell no query shows is a group without agencies: 0.
        func unknown(_ k: String) -> Bool { hidden.contains(k) && value[k] == nil }
        var solved = true
        while solved {
            solved = false
            for eq in equations where agencies[eq[0]] != nil {
                let open = eq.filter(unknown)
                if open.count == 1 {
                    XCTFail("\(open[0]) is hidden, but the published sums give it (\(eq[0]))")
                    value[open[0]] = 0; solved = true
                } else if open.count == 2, !unknown(eq[0]), open.allSatisfy({ agencies[$0] == 1 }) {
                    XCTFail("\(open) are single agencies that would learn each other's figure from \(eq[0])")
                }
            }
        }
        // Growth against a cell hidden a year earlier.
        let now = try rows(["query", "--period", "2025", "--by", dims.joined(separator: ","), "--metrics", "revenue_growth,pledge_financing_growth"])
        let before = try rows(["query", "--period", "2024", "--by", dims.joined(separator: ","), "--metrics", "revenue,pledge_financing"])
        for row in now {
            guard let earlier = before.first(where: { b in dims.allSatisfy { b[$0] as? String == row[$0] as? String } }) else { continue }
            for (g, m) in [("revenue_growth", "revenue"), ("pledge_financing_growth", "pledge_financing")]
            where (earlier["conf_status"] as! [String: String])[m] != nil {
                XCTAssertTrue(row[g] is NSNull, "\(g) of a cell hidden in 2024: \(row)")
            }
        }
    }

    /// A file received with a date before a release was made changes what the archive gives for that release:
    /// suppressed outputs refuse to answer from it, and `archive verify` reports it.
    func testABackDatedFileInvalidatesTheReleaseItChanges() throws {
        let dir = temporaryDirectory()
        let copy = dir.appendingPathComponent("a.sqlite").path
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: Self.archive + suffix) {
            try FileManager.default.copyItem(atPath: Self.archive + suffix, toPath: copy + suffix)
        }
        var lines = try String(contentsOf: packageRoot.appendingPathComponent("input/returns/2025/quanshan.csv"), encoding: .utf8)
            .components(separatedBy: "\n")
        lines = [lines[0], lines[1]]
        var cells = lines[1].components(separatedBy: ",")
        let revenue = lines[0].components(separatedBy: ",").firstIndex { $0.contains("营业收入") }!
        cells[revenue] = "400"
        lines[1] = cells.joined(separator: ",")
        let file = dir.appendingPathComponent("late.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ipsurvey(["archive", "verify", "--archive", copy]).status, 0)
        // Dated the very moment the release answers for: it is current then (a later row wins a tie).
        try ipsurvey(["ingest", file.path, "--archive", copy, "--received-at", "2026-03-01"])
        let q = try ipsurvey(["query", "--period", "2025", "--metrics", "revenue", "--archive", copy])
        XCTAssertEqual(q.status, 2)
        XCTAssertTrue(q.stderr.contains("no longer matches the archive"), q.stderr)
        let v = try ipsurvey(["archive", "verify", "--archive", copy, "--lang", "en"])
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.text.contains("MISMATCH: release 2025"), v.text)
    }
}
