import Foundation
import XCTest

/// `ipsurvey grade` (internal: scores) and the grades in the published white paper (grades only).
final class GradingCommandTests: XCTestCase {
    static var archive: String { demoArchive }

    func testScoresAreInternalAndThePaperShowsGradesOnly() throws {
        let r = try ipsurvey(["grade", "--period", "2025", "--zone", "sucheng", "--format", "json", "--archive", Self.archive])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let agencies = try XCTUnwrap(json["agencies"] as? [[String: Any]])
        XCTAssertEqual(agencies.count, 23)
        let scores = agencies.map { $0["score"] as! Double }
        XCTAssertEqual(scores, scores.sorted(by: >), "highest score first")
        XCTAssertEqual((agencies[0]["parts"] as? [[String: Any]])?.count, 5, "one part per indicator of input/grading.txt")
        XCTAssertEqual(agencies.map { $0["grade"] as! String }.filter { $0 == "A" }.count, 2)

        let out = temporaryDirectory()
        let report = try ipsurvey(["report", "--year", "2025", "--zone", "sucheng", "--archive", Self.archive, "--out", out.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try String(contentsOf: out.appendingPathComponent("whitepaper-2025-sucheng.html"), encoding: .utf8)
        let xml = try String(contentsOf: out.appendingPathComponent("whitepaper-2025-sucheng.xml"), encoding: .utf8)
        for a in agencies {
            let name = a["name"] as! String, grade = a["grade"] as! String
            XCTAssertTrue(xml.contains("grade=\"\(grade)\">\(name)</agency>"), name)
            XCTAssertTrue(html.contains(name) && html.contains("<span class=\"badge grade\">\(grade) "), name)
            let score = String(format: "%.2f", a["score"] as! Double)
            XCTAssertFalse(html.contains(">\(score)<") || html.contains(" \(score)") || xml.contains("\"\(score)\""), "no score is published: \(score)")
        }
        XCTAssertTrue(html.contains("只公布各机构的等级，不公布得分和任何数值"))
        XCTAssertFalse(xml.contains("score"))
    }

    func testABrokenRulesFileStopsThePaperWithItsLine() throws {
        let input = temporaryDirectory()
        try "指标 = revenue, 1, 高\n等级 = A, 一级, A, 10\n".write(to: input.appendingPathComponent("grading.txt"), atomically: true, encoding: .utf8)
        let r = try ipsurvey(["grade", "--period", "2025", "--input", input.path, "--archive", Self.archive])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("最低一档等级的最低得分应为 0"), r.stderr)
        let report = try ipsurvey(["report", "--year", "2025", "--input", input.path, "--archive", Self.archive, "--out", temporaryDirectory().path])
        XCTAssertEqual(report.status, 1)
        XCTAssertTrue(report.stderr.contains("grading.txt") && report.stderr.contains("未写出任何文件"), report.stderr)
    }
}
