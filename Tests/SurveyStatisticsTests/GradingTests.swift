import Foundation
import XCTest
@testable import SurveyCore
@testable import SurveyStatistics

/// Agency grading, worked by hand: revenue weighs 2 (higher is better), notified abnormal filings 1 (lower is
/// better); A from 75, B from 50, C from 0.
final class GradingTests: XCTestCase {
    let rulesText = """
        # 示例
        名称 = 测试规则
        name = Test rules
        指标 = revenue, 2, 高
        indicator = abnormal_notified, 1, lower
        等级 = C, 三级, Grade C, 0
        等级 = A, 一级, Grade A, 75
        grade = B, 二级, Grade B, 50
        """

    func testHandWorkedScoresTiesMissingValuesAndBoundaries() throws {
        let rules = try GradingRules.parse(rulesText, file: "grading.txt")
        XCTAssertEqual(rules.grades.map(\.code), ["A", "B", "C"])
        XCTAssertEqual(rules.title, Bilingual("测试规则", "Test rules"))
        let returns = [
            ret(1, zone: "a", ["revenue": 400, "abnormal_notified": 0]),
            ret(2, zone: "a", ["revenue": 200, "abnormal_notified": 1]),
            ret(3, zone: "a", ["revenue": 200]),                          // abnormal filings not reported
            ret(4, zone: "a", ["revenue": 100, "abnormal_notified": 2]),
            ret(5, zone: "b", ["revenue": 50, "abnormal_notified": 0]),   // alone in its zone
        ]
        let graded = Grading.grade(returns, previous: [], rules: rules)
        func of(_ n: Int) -> AgencyGrade { graded.first { $0.creditCode == code(n).description }! }
        // Revenue in zone a: 100, 50 and 50 (a tie: one worse, one equal, of three others), 0.
        XCTAssertEqual(of(1).parts.map(\.points), [100, 100])
        XCTAssertEqual(of(2).parts.map(\.points), [50, 50])
        XCTAssertEqual(of(3).parts.map(\.points), [50, 0])
        XCTAssertNil(of(3).parts[1].value)
        XCTAssertEqual(of(3).parts[1].peers, 3)
        XCTAssertEqual(of(4).parts.map(\.points), [0, 0])
        XCTAssertEqual(of(5).parts.map(\.points), [50, 50])
        XCTAssertEqual(graded.map(\.score), [100, 50, Decimal(string: "33.33")!, 0, 50])
        // 50 is B's lowest score: a score on the boundary earns the higher grade.
        XCTAssertEqual(graded.map(\.grade.code), ["A", "B", "C", "C", "B"])
        XCTAssertEqual(graded.map(\.zone), ["a", "a", "a", "a", "b"])
        XCTAssertEqual(rules.grade(for: 75).code, "A")
        XCTAssertEqual(rules.grade(for: Decimal(string: "74.99")!).code, "B")
        XCTAssertEqual(rules.grade(for: 0).code, "C")
        // The same input gives the same grades in any order.
        XCTAssertEqual(Grading.grade(returns.reversed(), previous: [], rules: rules).map(\.creditCode), graded.map(\.creditCode))
    }

    func testRulesProblemsNameTheLine() {
        func problem(_ text: String) -> GradingRules.Problem? {
            do { _ = try GradingRules.parse(text, file: "g.txt"); return nil } catch { return error as? GradingRules.Problem }
        }
        let grades = "\n等级 = A, 一级, A, 0"
        XCTAssertEqual(problem("指标 = revenu, 1, 高" + grades)?.line, 1)
        XCTAssertTrue(problem("指标 = revenu, 1, 高" + grades)!.message.zh.contains("未知指标"))
        XCTAssertTrue(problem("指标 = agencies, 1, 高" + grades)!.message.en.contains("no value for one agency"))
        XCTAssertTrue(problem("指标 = revenue, 0, 高" + grades)!.message.en.contains("positive"))
        XCTAssertTrue(problem("指标 = revenue, 1, 大" + grades)!.message.en.contains("direction"))
        XCTAssertEqual(problem("指标 = revenue, 1, 高\n指标 = revenue, 2, 低" + grades)?.line, 2)
        XCTAssertTrue(problem("指标 = revenue, 1, 高\n等级 = A, 一级, A, 60")!.message.en.contains("start at 0"))
        XCTAssertEqual(problem("指标 = revenue, 1, 高\n权重 = 3" + grades)?.line, 2)
        XCTAssertTrue(problem("# 空" + grades)!.message.en.contains("no indicator"))
        XCTAssertNil(problem("指标 = revenue_per_staff, 1, 高" + grades))
    }
}
