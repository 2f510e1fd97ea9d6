import Foundation
import SurveyCore

/// The office's standard for grading agencies (服务机构分级分类标准, which 宿区政办发〔2025〕5号 and the Binhu and
/// Quanshan plans ask the zone to set): which indicators count, with what weight and in which direction, and the
/// lowest score of each grade. The standard is the office's, not the plans' (they set none): it is data, read from
/// `input/grading.txt`, and printed in the methodology of every output that shows grades.
public struct GradingRules: Sendable, Equatable {
    /// One indicator of the score.
    public struct Criterion: Sendable, Equatable {
        /// A catalogue indicator that has a value for one agency (a field of the return, or a ratio of two).
        public let indicator: String
        /// Its weight (any positive number; the score divides by the sum of the weights).
        public let weight: Decimal
        /// True: a larger value is better (营业收入); false: a smaller one is (被通报非正常专利申请).
        public let higherIsBetter: Bool
    }

    /// One grade, with the lowest score (0–100) that earns it.
    public struct Grade: Sendable, Equatable {
        public let code: String
        public let name: Bilingual
        public let minimum: Decimal
    }

    /// A line of the rules file that cannot be used: nothing is graded.
    public struct Problem: Error, Sendable, Equatable {
        public let file: String
        public let line: Int?
        public let message: Bilingual
        public init(file: String, line: Int?, message: Bilingual) { self.file = file; self.line = line; self.message = message }
        public func text(_ language: Language) -> String { (line.map { "\(file):\($0)" } ?? file) + ": " + message[language] }
    }

    public var title: Bilingual
    public var criteria: [Criterion]
    /// From the highest minimum to the lowest, which is 0.
    public var grades: [Grade]

    /// Indicators that have a value for a single agency: sums of a field and ratios of two fields (with their growth
    /// rates, against the agency's own return of a year earlier).
    public static func isPerAgency(_ indicator: Indicator) -> Bool {
        guard indicator.source == .returns else { return false }
        switch indicator.computation {
        case .sum, .fieldRatio, .growth, .sameSampleGrowth: return true
        default: return false
        }
    }

    /// Reads the rules: one `key = value` a line, `#` starts a comment.
    ///
    ///     名称 = 服务机构分级评价标准            name = Agency grading standard
    ///     指标 = revenue, 30, 高                indicator = revenue, 30, higher
    ///     等级 = A, 一级, Grade A, 80            grade = A, 一级, Grade A, 80
    ///
    /// An unknown key or indicator, a weight that is not positive, a direction that is not 高/低 (higher/lower), a
    /// repeated indicator or grade, or no grade starting at 0 is a problem with its line.
    public static func parse(_ text: String, file: String) throws -> GradingRules {
        var rules = GradingRules(title: Bilingual("", ""), criteria: [], grades: [])
        func problem(_ line: Int?, _ zh: String, _ en: String) -> Problem { Problem(file: file, line: line, message: Bilingual(zh, en)) }
        let posix = Locale(identifier: "en_US_POSIX")
        func number(_ s: String) -> Decimal? {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
            return Decimal(string: t, locale: posix)
        }
        for (index, raw) in text.components(separatedBy: .newlines).enumerated() {
            let n = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == "＝" }) else {
                throw problem(n, "应为“名称 = 内容”：\(SafeText.echo(line))", "expected “key = value”: \(SafeText.echo(line))")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            let parts = value.split(whereSeparator: { $0 == "," || $0 == "，" }).map { $0.trimmingCharacters(in: .whitespaces) }
            switch key {
            case "名称": rules.title.zh = value
            case "name": rules.title.en = value
            case "指标", "indicator":
                guard parts.count == 3 else {
                    throw problem(n, "指标行应为“指标代码, 权重, 高或低”：\(SafeText.echo(value))", "an indicator line is “id, weight, higher or lower”: \(SafeText.echo(value))")
                }
                guard let indicator = Catalogue.indicator(parts[0]) else {
                    throw problem(n, "未知指标 \(SafeText.echo(parts[0]))（指标代码见白皮书方法说明）", "unknown indicator \(SafeText.echo(parts[0])) (the ids are in the white paper's methodology)")
                }
                guard isPerAgency(indicator) else {
                    throw problem(n, "指标 \(parts[0]) 不是单家机构的数值（可用调查表的金额、数量字段及其比率、增速）",
                                  "\(parts[0]) has no value for one agency (use a money or count field of the return, a ratio of two, or a growth rate)")
                }
                guard let weight = number(parts[1]), weight > 0 else {
                    throw problem(n, "权重应为正数：\(SafeText.echo(parts[1]))", "the weight must be a positive number: \(SafeText.echo(parts[1]))")
                }
                let direction: Bool
                switch parts[2].lowercased() {
                case "高", "越高越好", "higher", "high": direction = true
                case "低", "越低越好", "lower", "low": direction = false
                default: throw problem(n, "方向应为“高”或“低”：\(SafeText.echo(parts[2]))", "the direction must be “higher” or “lower”: \(SafeText.echo(parts[2]))")
                }
                guard !rules.criteria.contains(where: { $0.indicator == indicator.id }) else {
                    throw problem(n, "指标 \(indicator.id) 重复", "indicator \(indicator.id) is listed twice")
                }
                rules.criteria.append(Criterion(indicator: indicator.id, weight: weight, higherIsBetter: direction))
            case "等级", "grade":
                guard parts.count == 4, !parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else {
                    throw problem(n, "等级行应为“代码, 中文名称, 英文名称, 最低得分”：\(SafeText.echo(value))", "a grade line is “code, Chinese name, English name, lowest score”: \(SafeText.echo(value))")
                }
                guard let minimum = number(parts[3]), minimum <= 100 else {
                    throw problem(n, "最低得分应为 0 至 100：\(SafeText.echo(parts[3]))", "the lowest score must be 0 to 100: \(SafeText.echo(parts[3]))")
                }
                guard !rules.grades.contains(where: { $0.code == parts[0] || $0.minimum == minimum }) else {
                    throw problem(n, "等级代码或最低得分与前面的等级重复", "a grade with this code or this lowest score is already listed")
                }
                rules.grades.append(Grade(code: parts[0], name: Bilingual(parts[1], parts[2]), minimum: minimum))
            default:
                throw problem(n, "未知名称“\(SafeText.echo(key))”；可用：名称、指标、等级（name, indicator, grade）",
                              "unknown key “\(SafeText.echo(key))”; known: name, indicator, grade (名称, 指标, 等级)")
            }
        }
        guard !rules.criteria.isEmpty else { throw problem(nil, "没有“指标”行", "no indicator line") }
        rules.grades.sort { $0.minimum > $1.minimum }
        guard rules.grades.last?.minimum == 0 else {
            throw problem(nil, "最低一档等级的最低得分应为 0，使每家机构都有等级", "the lowest grade must start at 0, so that every agency has a grade")
        }
        if rules.title.zh.isEmpty { rules.title.zh = "服务机构分级评价" }
        if rules.title.en.isEmpty { rules.title.en = "Agency grading" }
        return rules
    }

    /// How many of `grades` (an agency's grade by credit code) each grade has, in the rules' order.
    public func counts(_ grades: [String: Grade]) -> [(grade: Grade, agencies: Int)] {
        self.grades.map { g in (g, grades.values.filter { $0.code == g.code }.count) }
    }

    /// The grade a score earns: the first whose minimum it reaches (a score on a boundary earns the higher grade).
    public func grade(for score: Decimal) -> Grade { grades.first { score >= $0.minimum } ?? grades[grades.count - 1] }
}

/// One agency graded: its score, the parts of it, and its grade. Internal (the score is a figure about one agency);
/// a published output shows the grade only.
public struct AgencyGrade: Sendable {
    public struct Part: Sendable {
        public let indicator: String
        /// The agency's value (万元 for money, a fraction for a ratio); nil: not reported, which scores 0.
        public let value: Decimal?
        /// 0–100, four decimals.
        public let points: Decimal
        /// Agencies of the zone with a value, against which it was ranked.
        public let peers: Int
    }

    public let creditCode: String
    public let name: String
    public let zone: String
    public let parts: [Part]
    /// Σ weight × points ÷ Σ weight, two decimals (half away from zero): the grade is decided on this.
    public let score: Decimal
    public let grade: GradingRules.Grade
}

public enum Grading {
    /// Grades every agency of `returns` (one period) within its zone. Each indicator is scored by the agency's rank
    /// among the agencies of its zone that report it: 100 × (others worse + others equal ÷ 2) ÷ (those others), so
    /// the best scores 100, the worst 0, equal values score alike, and 50 when it is the only one. Ranks, not
    /// thresholds on the figures: indicators of every scale weigh alike, and a grade tells where an agency stands
    /// among its peers, never a figure. Not reported scores 0. Sorted by zone, then score (highest first), then
    /// credit code.
    public static func grade(_ returns: [SurveyReturn], previous: [SurveyReturn], rules: GradingRules) -> [AgencyGrade] {
        let lastYear = Dictionary(previous.map { ($0.creditCode, $0) }, uniquingKeysWith: { a, _ in a })
        let zones = Dictionary(grouping: returns, by: \.zone)
        var out: [AgencyGrade] = []
        let totalWeight = rules.criteria.reduce(Decimal(0)) { $0 + $1.weight }
        for (zone, group) in zones.sorted(by: { $0.key < $1.key }) {
            let members = group.map { ($0.creditCode.description, $0) }.sorted { $0.0 < $1.0 }.map(\.1)
            var graded: [AgencyGrade] = [], hundredths: [Int64] = []
            // Each criterion's value for each member.
            let values: [[Decimal?]] = rules.criteria.map { c in
                Aggregation.values(Catalogue.indicator(c.indicator)!, each: members, lastYear: lastYear, zones: [zone])
            }
            // Each criterion's reported values sorted once, with whose they are: a run of equal values gives each of
            // its agencies how many lie below it and up to it (counting them for each agency took hours for a
            // national census, quadratic in a zone's size; two binary searches per agency, 40 s for a million).
            let ranks: [(reported: Int, below: [Int], upTo: [Int])] = values.map { column in
                let order = column.enumerated().compactMap { m, v in v.map { (member: m, value: $0) } }.sorted { $0.value < $1.value }
                var below = [Int](repeating: 0, count: column.count), upTo = below
                var start = 0
                while start < order.count {
                    var end = start + 1
                    while end < order.count && order[end].value == order[start].value { end += 1 }
                    for i in start..<end { below[order[i].member] = start; upTo[order[i].member] = end }
                    start = end
                }
                return (order.count, below, upTo)
            }
            for (m, r) in members.enumerated() {
                var parts: [AgencyGrade.Part] = []
                var sum = Decimal(0)
                for (ci, c) in rules.criteria.enumerated() {
                    let rank = ranks[ci]
                    guard let v = values[ci][m] else {
                        parts.append(.init(indicator: c.indicator, value: nil, points: 0, peers: rank.reported))
                        continue
                    }
                    let others = rank.reported - 1
                    var points: Decimal = 50
                    if others > 0 {
                        let below = rank.below[m], upTo = rank.upTo[m]
                        let worse = c.higherIsBetter ? below : rank.reported - upTo
                        let equal = upTo - below - 1
                        // 100 × (2 worse + equal) ÷ (2 others), four decimals half away from zero, in integers (the
                        // same figure as Decimal division and rounding, without either).
                        let n = 100 * (2 * worse + equal), d = 2 * others
                        points = Decimal(sign: .plus, exponent: -4, significand: Decimal((n * 20_000 + d) / (2 * d)))
                    }
                    parts.append(.init(indicator: c.indicator, value: v, points: points, peers: rank.reported))
                    sum += c.weight * points
                }
                let score = (sum / totalWeight).rounded(2)
                graded.append(AgencyGrade(creditCode: r.creditCode.description, name: r.agencyName, zone: zone, parts: parts,
                                          score: score, grade: rules.grade(for: score)))
                hundredths.append(NSDecimalNumber(decimal: score * 100).int64Value)     // exact: two decimals
            }
            // By score, highest first, then credit code (the members' order), compared as whole hundredths.
            out += graded.indices.sorted { hundredths[$0] != hundredths[$1] ? hundredths[$0] > hundredths[$1] : $0 < $1 }.map { graded[$0] }
        }
        return out
    }
}
