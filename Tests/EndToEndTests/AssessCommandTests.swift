import Foundation
import XCTest

/// `ipsurvey assess`: the end-of-term assessment of a zone's plan, on the demo's returns with targets written for
/// the test, so that each status at the deadline occurs.
final class AssessCommandTests: XCTestCase {
    /// Binhu has 150 agencies in 2025 (its plan runs 2024-01-01 to 2026-12-31 in the demo's zones.csv).
    static let targets = """
        zone,indicator,op,value,deadline,source,quote,base_year,tolerance
        binhu,agencies,>=,100,2025-12-31,测试方案,机构100家以上,,
        binhu,agencies,>,200,2025-12-31,测试方案,机构200家以上,,
        binhu,leading_agencies,>=,1,2025-12-31,测试方案,龙头机构1家,,
        binhu,agencies,>=,160,2026-12-31,测试方案,机构160家以上,,
        binhu,agencies,>,400,2026-12-31,测试方案,机构400家以上,,

        """

    static func archive(_ targets: String = targets) throws -> (archive: String, input: URL) {
        let dir = temporaryDirectory()
        let input = dir.appendingPathComponent("input")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try targets.write(to: input.appendingPathComponent("targets.csv"), atomically: true, encoding: .utf8)
        let a = dir.appendingPathComponent("a.sqlite").path
        let r = try ipsurvey(["ingest", "input/zones.csv", "input/regional", "input/returns/2024", "input/returns/2025", input.appendingPathComponent("targets.csv").path,
                              "--archive", a, "--received-at", "2026-02-15"])
        XCTAssertNotEqual(r.status, 2, r.stderr)
        return (a, input)
    }

    /// The archive with all five targets, shared by the tests that read it (its releases take a while to protect).
    static let full: (archive: String, input: URL) = try! archive()

    func xml(_ out: URL) throws -> String { try String(contentsOf: out.appendingPathComponent("assessment-binhu.xml"), encoding: .utf8) }

    func testEachStatusAtTheDeadlineAndBeforeIt() throws {
        let (a, input) = Self.full
        let out = temporaryDirectory()
        let r = try ipsurvey(["assess", "--zone", "binhu", "--as-of", "2026-12-31", "--archive", a, "--input", input.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let x = try xml(out)
        func target(_ quote: String) -> String? {
            x.components(separatedBy: "<target ").first { $0.contains("<quote>\(quote)</quote>") }
        }
        // Deadline 2025-12-31, judged by the 2025 figures: final.
        XCTAssertTrue(target("机构100家以上")!.contains("stage=\"final\" status=\"met\" deadline_passed=\"true\" actual=\"150\""), x)
        XCTAssertTrue(target("机构200家以上")!.contains("stage=\"final\" status=\"not_met\""), x)
        XCTAssertTrue(target("龙头机构1家")!.contains("stage=\"final\" status=\"no_data\""), x)
        // Deadline 2026-12-31 has passed at the as-of, but there are no 2026 returns: interim, from 2025. The plan
        // period is three years, two of them gone by the end of 2025: 150 of 160 (93.8 %) keeps up, 150 of 400 does not.
        XCTAssertTrue(target("机构160家以上")!.contains("year=\"2025\" stage=\"interim\" status=\"on_track\" deadline_passed=\"true\""), x)
        XCTAssertTrue(target("机构400家以上")!.contains("stage=\"interim\" status=\"behind\""), x)
        XCTAssertTrue(x.contains("<targets total=\"5\" final=\"3\" interim=\"2\">"))
        XCTAssertTrue(x.contains("<count status=\"met\" targets=\"1\"/>") && x.contains("<count status=\"not_met\" targets=\"1\"/>"))
        // No rule from the office: no grade.
        XCTAssertTrue(x.contains("<no_proposal>") && !x.contains("<proposal"))
        let html = try String(contentsOf: out.appendingPathComponent("assessment-binhu.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("期限已过，2026年数据尚未入库，暂按2025年数据评估"))
        XCTAssertTrue(html.contains("2025年本区有效调查表150份"))
        XCTAssertTrue(html.contains("本报告不提出等次"))

        // The same archive and options give the same bytes.
        let again = temporaryDirectory()
        _ = try ipsurvey(["assess", "--zone", "binhu", "--as-of", "2026-12-31", "--archive", a, "--input", input.path, "--out", again.path])
        XCTAssertEqual(try xml(again), x)
        XCTAssertEqual(try Data(contentsOf: again.appendingPathComponent("assessment-binhu.html")), Data(html.utf8))
    }

    func testTheOfficesRuleProposesAGradeOnlyWhenEveryTargetIsFinal() throws {
        let finalOnly = Self.targets.components(separatedBy: "\n").filter { !$0.contains("2026-12-31") }.joined(separator: "\n")
        let (a, input) = try Self.archive(finalOnly)
        try "# 建议规则（测试）\n优秀 = 90%\n合格 = 30%\n".write(to: input.appendingPathComponent("assessment.txt"), atomically: true, encoding: .utf8)
        let out = temporaryDirectory()
        let r = try ipsurvey(["assess", "--zone", "binhu", "--archive", a, "--input", input.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let x = try xml(out)
        // One of three met: 33.3 % ≥ 30 % → pass (合格), proposed and said to be the province's decision.
        XCTAssertTrue(x.contains("<proposal grade=\"pass\" met_share=\"0.3333\">"), x)
        let html = try String(contentsOf: out.appendingPathComponent("assessment-binhu.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("等次建议：合格") && html.contains("考核等次由省知识产权局评定"))

        // With interim targets the same rule proposes nothing.
        let (b, _) = Self.full
        let input2 = temporaryDirectory()
        try "优秀 = 90%\n合格 = 30%\n".write(to: input2.appendingPathComponent("assessment.txt"), atomically: true, encoding: .utf8)
        let out2 = temporaryDirectory()
        _ = try ipsurvey(["assess", "--zone", "binhu", "--archive", b, "--input", input2.path, "--out", out2.path])
        XCTAssertTrue(try xml(out2).contains("不提出等次建议"))

        // A broken rule stops it with its line.
        try "优秀 = 九成\n".write(to: input2.appendingPathComponent("assessment.txt"), atomically: true, encoding: .utf8)
        let bad = try ipsurvey(["assess", "--zone", "binhu", "--archive", b, "--input", input2.path, "--out", temporaryDirectory().path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("assessment.txt:1") && bad.stderr.contains("应为比例"), bad.stderr)
    }
}
