import Foundation
import SurveyCore
import SurveyStatistics

/// The grading of agencies as a published output shows it: the rules in words (printed in the methodology of
/// every output that shows grades), and how many agencies have each grade.
public struct GradingView: Sendable, Decodable {
    public struct GradeCount: Sendable, Decodable {
        public let code: String
        public let name: String
        public let count: String
    }
    public let hasGrading: Bool
    public let title: String
    public let method: String
    public let counts: [GradeCount]

    public static let none = GradingView(hasGrading: false, title: "", method: "", counts: [])

    /// `grades` are the grades of the agencies listed (by credit code).
    public init(rules: GradingRules, grades: [String: GradingRules.Grade], language: Language) {
        self.init(hasGrading: true, title: rules.title[language], method: GradingView.describe(rules, language: language),
                  counts: rules.counts(grades).map { GradeCount(code: $0.grade.code, name: $0.grade.name[language], count: "\($0.agencies)") })
    }

    init(hasGrading: Bool, title: String, method: String, counts: [GradeCount]) {
        self.hasGrading = hasGrading; self.title = title; self.method = method; self.counts = counts
    }

    /// The rules in words: the indicators with their weights and directions, how a part is scored, the grades.
    public static func describe(_ rules: GradingRules, language: Language) -> String {
        let zh = language == .zh
        let criteria = rules.criteria.map { c -> String in
            let name = Catalogue.indicator(c.indicator)?.name[language] ?? c.indicator
            return zh ? "\(name)（权重\(c.weight)，\(c.higherIsBetter ? "越高越好" : "越低越好")）"
                      : "\(name) (weight \(c.weight), \(c.higherIsBetter ? "higher is better" : "lower is better"))"
        }
        let grades = rules.grades.map { g in
            zh ? "\(g.code) \(g.name.zh) \(g.minimum)分及以上" : "\(g.code) \(g.name.en) from \(g.minimum) points"
        }
        if zh {
            return "机构分级按《\(rules.title.zh)》（集聚区办公室制定的规则文件）评价，指标为：\(criteria.joined(separator: "、"))。"
                + "每项指标按机构在本集聚区填报该项的机构中的排位计0至100分（最好的100分、最差的0分，数值相同得分相同，仅一家填报的计50分，未填报的计0分），"
                + "得分为各项的加权平均，四舍五入保留两位小数；等级：\(grades.joined(separator: "；"))（恰在分界上的得较高等级）。只公布各机构的等级，不公布得分和任何数值。"
        }
        return "Agencies are graded by “\(rules.title.en)” (a rules file set by the zone office) on: \(criteria.joined(separator: ", ")). "
            + "Each indicator scores 0 to 100 points by the agency's rank among the agencies of its zone that report it (the best 100, the worst 0, equal values alike, "
            + "50 when only one reports it, 0 when not reported); the score is the weighted mean, rounded to two decimals; grades: \(grades.joined(separator: "; ")) "
            + "(a score on a boundary earns the higher grade). Only each agency's grade is published, never its score or any figure."
    }
}
