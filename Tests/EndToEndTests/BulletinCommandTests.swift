import Foundation
import XCTest

/// `ipsurvey report --quarter`: the quarterly bulletin, on the demo (宿城 files quarterly for 2024 and 2025).
final class BulletinCommandTests: XCTestCase {
    /// The demo archive with the white paper of 2025 published first, as `ipsurvey` does.
    static let archive: String = {
        let a = temporaryDirectory().appendingPathComponent("a.sqlite").path
        _ = try? ipsurvey(["run", "--archive", a, "--out", temporaryDirectory().path], environment: ["SOURCE_DATE_EPOCH": "1767225600"])
        return a
    }()

    func bulletin(_ quarter: String, lang: String = "zh") throws -> (html: String, xml: String, stdout: String) {
        let out = temporaryDirectory()
        let r = try ipsurvey(["report", "--quarter", quarter, "--archive", Self.archive, "--out", out.path, "--lang", lang])
        XCTAssertEqual(r.status, 0, r.stderr)
        return (try String(contentsOf: out.appendingPathComponent("bulletin-\(quarter).html"), encoding: .utf8),
                try String(contentsOf: out.appendingPathComponent("bulletin-\(quarter).xml"), encoding: .utf8), r.text)
    }

    /// The figures of the XML: "table|zone|basis|period|indicator" → value (nil when hidden).
    func figures(_ xml: String) -> [String: Double?] {
        var out: [String: Double?] = [:]
        for line in xml.components(separatedBy: "\n") where line.contains("<figure ") {
            func attribute(_ name: String) -> String? {
                guard let r = line.range(of: " \(name)=\"") else { return nil }
                return String(line[r.upperBound...].prefix { $0 != "\"" })
            }
            let key = ["table", "zone", "basis", "period", "indicator"].map { attribute($0) ?? "" }.joined(separator: "|")
            out[key] = attribute("value").flatMap(Double.init)
        }
        return out
    }

    func testTheThirdQuarterIsWrittenCheckedAndReproducible() throws {
        let first = try bulletin("2025Q3")
        XCTAssertTrue(first.stdout.contains("已通过 bulletin.xsd 校验"), first.stdout)
        XCTAssertTrue(first.html.contains("2025年第三季度知识产权服务业集聚区运营绩效评估"))
        XCTAssertTrue(first.html.contains("宿区政办发〔2025〕5号"))
        // The quarter, the same quarter of 2024, and January–September of both years.
        let f = figures(first.xml)
        XCTAssertNotNil(f["key|all|quarter|2025Q3|revenue"] ?? nil)
        XCTAssertNotNil(f["key|all|quarter|2024Q3|revenue"] ?? nil)
        XCTAssertNotNil(f["key|all|to_date|2025Q3|revenue"] ?? nil)
        XCTAssertNotNil(f["key|all|to_date|2025Q3|revenue_growth"] ?? nil)
        // Progress against the plan period at 2025-09-30: 宿城's plan runs 2025-01-01 to the targets' 2026-12-31.
        XCTAssertTrue(first.xml.contains("<target zone=\"sucheng\" indicator=\"staff\" op=\"&gt;\" target=\"100\" deadline=\"2026-12-31\" status=\"met\" elapsed=\"0.3740\""), first.xml)
        XCTAssertFalse(first.xml.contains("zone=\"binhu\""), "Binhu files yearly: not in the bulletin")
        // Grades only, never a score; no personal data.
        XCTAssertTrue(first.xml.contains(" grade=\""))
        XCTAssertFalse(first.html.contains("联系人") || first.html.contains("contact_person"))
        let again = try bulletin("2025Q3")
        XCTAssertEqual(again.xml, first.xml)
        XCTAssertEqual(again.html, first.html)
        let english = try bulletin("2025Q3", lang: "en")
        XCTAssertTrue(english.html.contains("IP service cluster zones: performance bulletin, Q3 2025"))
        XCTAssertTrue(english.html.contains("Year to date: a flow is the sum of the year"))
    }

    /// The year to date of the fourth quarter is the year: every figure both publish agrees with the white paper's.
    func testTheFourthQuarterToDateAgreesWithTheAnnualReturns() throws {
        let q4 = figures(try bulletin("2025Q4").xml)
        let metrics = ["agencies", "staff", "patent_attorneys", "revenue", "foreign_revenue", "patent_filings", "trademark_filings", "pledge_financing", "transaction_value"]
        let r = try ipsurvey(["query", "--period", "2025", "--zone", "sucheng", "--metrics", metrics.joined(separator: ","), "--format", "json", "--archive", Self.archive])
        XCTAssertEqual(r.status, 0, r.stderr)
        let row = try XCTUnwrap(((JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])?["rows"] as? [[String: Any]])?.first)
        var compared = 0
        for m in metrics {
            let annual = row[m] as? Double, toDate = q4["key|all|to_date|2025Q4|\(m)"] ?? nil
            if annual == nil || toDate == nil {
                XCTAssertEqual(annual == nil, toDate == nil, "\(m): hidden in one, published in the other")
                continue
            }
            XCTAssertEqual(toDate!, annual!, accuracy: 0.001, m)
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 7)
    }

    /// As an attacker: the year's cells are the sums of its quarters', so with the white paper and the four bulletins
    /// out, no cell of 宿城 may be hidden in one of the five and published in the other four.
    func testNoCellIsGivenAwayByTheYearAndItsQuarters() throws {
        for q in 1...4 { _ = try bulletin("2025Q\(q)") }
        let measures = ["revenue", "revenue_agency", "revenue_legal", "revenue_information", "revenue_consulting", "revenue_operation", "revenue_training",
                        "revenue_other", "foreign_revenue", "pledge_financing", "transaction_value"]
        var cells: [String: [String: Double?]] = [:]     // key → period → value
        for period in ["2025", "2025Q1", "2025Q2", "2025Q3", "2025Q4"] {
            for by in ["", "agency_kind", "brand_level", "agency_kind,brand_level"] {
                var args = ["query", "--period", period, "--zone", "sucheng", "--metrics", measures.joined(separator: ","), "--format", "json", "--archive", Self.archive]
                if !by.isEmpty { args += ["--by", by] }
                let r = try ipsurvey(args)
                XCTAssertEqual(r.status, 0, r.stderr)
                let rows = try XCTUnwrap((JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])?["rows"] as? [[String: Any]])
                for row in rows {
                    let group = "\(row["agency_kind"] ?? "*")/\(row["brand_level"] ?? "*")"
                    for m in measures { cells["\(m) \(group)", default: [:]][period] = row[m] as? Double }
                }
            }
        }
        var linked = 0
        for (key, byPeriod) in cells where byPeriod.count == 5 {
            let hidden = byPeriod.filter { $0.value == nil }.map(\.key)
            XCTAssertNotEqual(hidden.count, 1, "\(key): hidden only in \(hidden), so the others give it away")
            if hidden.isEmpty {
                let quarters = (1...4).map { byPeriod["2025Q\($0)"]!! }.reduce(0, +)
                XCTAssertEqual(quarters, byPeriod["2025"]!!, accuracy: 0.02, "\(key): the quarters add up to the year")
                linked += 1
            }
        }
        XCTAssertGreaterThan(linked, 5)
        // The audit checks the same of the five releases.
        let audit = try ipsurvey(["audit", "--period", "2025", "--archive", Self.archive])
        XCTAssertEqual(audit.status, 0, audit.text + audit.stderr)
        XCTAssertTrue(audit.text.contains("没有一个只在其中一个统计期隐去"), audit.text)
    }

    func testAQuarterWithoutReturnsIsAClearError() throws {
        let r = try ipsurvey(["report", "--quarter", "2023Q2", "--archive", Self.archive, "--out", temporaryDirectory().path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("没有 2023Q2 的季度调查表"), r.stderr)
        let bad = try ipsurvey(["report", "--quarter", "2025Q5", "--archive", Self.archive])
        XCTAssertEqual(bad.status, 2)
        let both = try ipsurvey(["report", "--quarter", "2025Q3", "--year", "2025", "--archive", Self.archive])
        XCTAssertEqual(both.status, 2)
    }
}
