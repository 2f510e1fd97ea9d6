import Foundation
import XCTest

/// `ipsurvey query` and `ipsurvey targets` on the demo data.
final class QueryCommandTests: XCTestCase {
    static let archive: String = {
        let path = temporaryDirectory().appendingPathComponent("a.sqlite").path
        _ = try? ipsurvey(["ingest", "input", "--archive", path, "--received-at", "2026-03-01"])
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
        XCTAssertEqual(rows.count, 23, "every row of targets.csv")
        for r in rows {
            for key in ["zone", "indicator", "op", "target", "actual", "progress", "status", "deadline", "source"] { XCTAssertNotNil(r[key], key) }
            XCTAssertTrue(["met", "on_track", "behind", "no_data"].contains(r["status"] as? String))
        }
        XCTAssertEqual(Set(rows.map { $0["zone"] as! String }), ["quanshan", "binhu", "sucheng", "all"])
        let text = try ipsurvey(["targets", "--year", "2025", "--archive", Self.archive]).text
        XCTAssertTrue(text.contains("徐政办发〔2024〕8号") && text.contains("已完成"), text)
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
        XCTAssertEqual(try ipsurvey(["query", "--period", "2025", "--as-of", "2026-02-01", "--archive", archive, "--format", "json"]).text
                        .contains("\"rows\":[]"), true, "before anything was received")
    }

    func testCatalogueList() throws {
        let r = try ipsurvey(["query", "--list", "--archive", Self.archive, "--lang", "en"])
        XCTAssertTrue(r.text.contains("patent_agency_rate\tPatent agency rate"), r.text)
    }
}
