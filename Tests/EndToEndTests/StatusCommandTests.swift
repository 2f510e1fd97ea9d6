import Foundation
import XCTest

/// `ipsurvey status`: who has filed for a period and who has not, on the demo data received on 2026-02-15.
final class StatusCommandTests: XCTestCase {
    static var archive: String { demoArchive }

    /// The demo's 2024 returns name 244 agencies; 228 of them filed for 2025 and 16 did not (counted apart, from
    /// the credit codes of input/returns/2024 and 2025 with a short script); 48 agencies filed for 2025 only.
    func testTheAgenciesOfLastYearThatHaveNotFiled() throws {
        let r = try ipsurvey(["status", "--period", "2025", "--archive", Self.archive])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.text.contains("合计\t244\t228\t0\t16\t48\t93.4%"), r.text)
        XCTAssertTrue(r.text.contains("宿迁市宿城区\t22\t19\t0\t3\t4\t86.4%"), r.text)
        XCTAssertTrue(r.text.contains("未报送（16家）：") && r.text.contains("91321302EE6RL576HU\t宿迁示例创新立信知识产权服务中心（第4号）"), r.text)
        XCTAssertFalse(r.text.contains("19964792756") || r.text.contains("李桂"), "no personal data without --contacts")

        let contacts = try ipsurvey(["status", "--period", "2025", "--zone", "sucheng", "--contacts", "--archive", Self.archive])
        XCTAssertTrue(contacts.text.contains("91321302EE6RL576HU\t宿迁示例创新立信知识产权服务中心（第4号）\t李桂\t19964792756"),
                      "--contacts reads the contact of a missing agency back from its 2024 return\n\(contacts.text)")
    }

    func testLateAgainstTheDueDateAndTheMachineForms() throws {
        let late = try ipsurvey(["status", "--period", "2025", "--due", "2026-01-31", "--archive", Self.archive])
        XCTAssertTrue(late.text.contains("合计\t244\t228\t228\t16\t48\t93.4%"), "received on 2026-02-15, after the due date\n\(late.text)")
        let onTime = try ipsurvey(["status", "--period", "2025", "--due", "2026-02-15", "--format", "json", "--archive", Self.archive])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(onTime.text.utf8)) as? [String: Any])
        XCTAssertEqual(json["expected_from"] as? String, "2024")
        let total = try XCTUnwrap((json["zones"] as? [[String: Any]])?.last)
        XCTAssertEqual(total["zone"] as? String, "all")
        XCTAssertEqual(total["late"] as? Int, 0, "received on the due date itself is on time")
        XCTAssertEqual(total["response_rate"] as? Double, 0.9344)
        let agencies = try XCTUnwrap(json["agencies"] as? [[String: Any]])
        XCTAssertEqual(agencies.filter { $0["status"] as? String == "missing" }.count, 16)
        XCTAssertNil(agencies.first?["phone"], "no personal data without --contacts")

        let csv = try ipsurvey(["status", "--period", "2025", "--format", "csv", "--archive", Self.archive])
        XCTAssertTrue(csv.text.hasPrefix("\u{FEFF}zone,credit_code,name,status,received_at\r\n"), csv.text)
        XCTAssertEqual(csv.text.components(separatedBy: "\r\n").filter { $0.contains(",missing,") }.count, 16)

        let quarter = try ipsurvey(["status", "--period", "2025Q1", "--archive", Self.archive])
        XCTAssertTrue(quarter.text.hasPrefix("2025Q1统计期报送情况（应报：2024Q4有报送的机构"), "a quarter is expected from the quarter before\n\(quarter.text)")
        let bad = try ipsurvey(["status", "--period", "2025", "--due", "31.01.2026", "--archive", Self.archive])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--due must be a date YYYY-MM-DD"), bad.stderr)
    }

    /// The white paper's data-quality appendix states the response rate (counts of agencies only).
    func testTheWhitePaperStatesTheResponseRate() throws {
        let out = temporaryDirectory()
        let r = try ipsurvey(["report", "--year", "2025", "--archive", Self.archive, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let html = try String(contentsOf: out.appendingPathComponent("whitepaper-2025.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("按2024年有报送的机构计，应报244家，已报228家，回收率93.4%；另有48家机构为新报送。"), html)
    }
}

/// The registry of resident agencies (agencies.csv) adds those who never filed; one that left before the period is not expected.
final class RegistryStatusTests: XCTestCase {
    func testTheRegistryAddsResidentAgenciesToThoseExpected() throws {
        let dir = temporaryDirectory()
        // A resident that never filed (a valid credit code of 宿城's division), and one of 2024's filers that left in 2024.
        let registry = """
            统一社会信用代码,机构名称,所在集聚区,入驻日期,迁出日期
            91321302MA1XYN0017,宿迁示例新入驻知识产权代理有限公司,sucheng,2025-03-01,
            91321302EE6RL576HU,宿迁示例创新立信知识产权服务中心（第4号）,宿城区,2023-01-01,2024-06-30

            """
        try registry.write(to: dir.appendingPathComponent("agencies.csv"), atomically: true, encoding: .utf8)
        let a = dir.appendingPathComponent("a.sqlite").path
        let ingest = try ipsurvey(["ingest", "input/zones.csv", "input/returns/2024", "input/returns/2025", dir.appendingPathComponent("agencies.csv").path,
                                   "--archive", a, "--received-at", "2026-02-15"])
        XCTAssertTrue(ingest.text.contains("agencies.csv  [入驻机构名录"), ingest.text)
        let r = try ipsurvey(["status", "--period", "2025", "--zone", "sucheng", "--archive", a])
        XCTAssertEqual(r.status, 0, r.stderr)
        // 22 of 2024 plus the new resident: 23 expected; the one that left is expected all the same (it filed for 2024).
        XCTAssertTrue(r.text.contains("及入驻机构名录中的机构"), r.text)
        XCTAssertTrue(r.text.contains("宿迁市宿城区\t23\t19\t0\t4\t4\t82.6%"), r.text)
        XCTAssertTrue(r.text.contains("91321302MA1XYN0017\t宿迁示例新入驻知识产权代理有限公司"), r.text)
        // The white paper counts from the returns it has read, and the registry, as status does.
        let out = temporaryDirectory()
        let paper = try ipsurvey(["report", "--year", "2025", "--zone", "sucheng", "--archive", a, "--out", out.path])
        XCTAssertEqual(paper.status, 0, paper.stderr)
        let html = try String(contentsOf: out.appendingPathComponent("whitepaper-2025-sucheng.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("应报23家，已报19家，回收率82.6%；另有4家机构为新报送。"), html)
        // Before it entered, it is not expected.
        let early = try ipsurvey(["status", "--period", "2024", "--zone", "sucheng", "--archive", a, "--format", "json"])
        XCTAssertFalse(early.text.contains("91321302MA1XYN0017"), early.text)
    }
}
