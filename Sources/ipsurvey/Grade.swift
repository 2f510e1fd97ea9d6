import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics
import SurveyWorkflow

struct Grade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grade every agency of a period by the office's rules (分级分类). Internal: shows scores.",
        discussion: """
        Reads the rules from INPUT/grading.txt (or --rules FILE): the indicators that count, each with a weight and \
        a direction (高 higher is better / 低 lower is better), and the lowest score of each grade. Each indicator \
        is scored 0–100 by the agency's rank among the agencies of its zone that report it (best 100, worst 0, \
        equal values alike, not reported 0); the score is the weighted mean, two decimals, and a score on a \
        boundary earns the higher grade. This command is internal: it shows every agency's score and the parts \
        of it. Published outputs (the white paper, the quarterly bulletin) show each agency's grade only.

        Example:
          ipsurvey grade --period 2025
          ipsurvey grade --period 2025Q3 --zone sucheng --format csv > grades.csv
        """
    )

    @Option(help: "Period: 2025 or 2025Q3.") var period: String
    @Option(help: "Zone id (repeatable); default all.") var zone: [String] = []
    @Option(help: "The rules file (default INPUT/grading.txt).") var rules: String?
    @Option(help: "Answer as the archive stood at this date or time.") var asOf: String?
    @Option(help: "table, csv or json.") var format: QueryFormat = .table
    @OptionGroup var options: CommonOptions

    func validate() throws { _ = try PeriodOption.parse(period) }

    func run() async throws {
        let language = options.language
        let path = rules ?? (options.input as NSString).appendingPathComponent(AgencyGrading.rulesFile)
        let loaded: AgencyGrading.Rules
        do {
            guard let r = try AgencyGrading.rules(at: path) else {
                Console.err(language == .zh ? "错误：未找到分级评价规则文件 \(SafeText.terminal(path))" : "error: no grading rules file at \(SafeText.terminal(path))")
                throw Exit.usageOrIO
            }
            loaded = r
        } catch let p as GradingRules.Problem {
            Console.err((language == .zh ? "错误：" : "error: ") + SafeText.terminal(p.text(language)))
            throw Exit.dataErrors
        }
        let stamp = try StatisticsInput.asOf(asOf)
        let archive = try ArchiveCommand.open(options)
        let p = try PeriodOption.parse(period)
        let grades = try AgencyGrading.grade(archive, period: p, zones: zone, asOf: stamp, rules: loaded.rules)
        Console.out(GradeOutput.render(grades, rules: loaded.rules, period: p, format: format, language: language))
    }
}

enum GradeOutput {
    static func value(_ v: Decimal?, _ indicator: String) -> String {
        guard let v else { return "" }
        switch Catalogue.indicator(indicator)?.kind {
        case .ratio: return v.fixed(4)
        case .count: return v.fixed(0)
        default: return v.fixed(2)
        }
    }

    static func render(_ grades: [AgencyGrade], rules: GradingRules, period: Period, format: QueryFormat, language: Language) -> String {
        let zh = language == .zh
        let ids = rules.criteria.map(\.indicator)
        switch format {
        case .json:
            let rows = grades.map { g in
                let parts = g.parts.map { p in
                    "{\"indicator\":\(JSONText.string(p.indicator)),\"value\":\(p.value == nil ? "null" : value(p.value, p.indicator)),\"points\":\(p.points.fixed(4)),\"peers\":\(p.peers)}"
                }
                return "{\"zone\":\(JSONText.string(g.zone)),\"credit_code\":\(JSONText.string(g.creditCode)),\"name\":\(JSONText.string(g.name)),\"score\":\(g.score.fixed(2)),\"grade\":\(JSONText.string(g.grade.code)),\"parts\":[\(parts.joined(separator: ","))]}"
            }
            return "{\"period\":\(JSONText.string(period.description)),\"rules\":\(JSONText.string(rules.title[language])),\"agencies\":[\(rows.joined(separator: ","))]}\n"
        case .csv:
            var out = "\u{FEFF}" + (["zone", "credit_code", "name", "grade", "score"] + ids.flatMap { [$0, "\($0)_points"] }).joined(separator: ",") + "\r\n"
            for g in grades {
                out += ([g.zone, g.creditCode, g.name, g.grade.code, g.score.fixed(2)] + g.parts.flatMap { [value($0.value, $0.indicator), $0.points.fixed(4)] })
                    .map(CSVText.cell).joined(separator: ",") + "\r\n"
            }
            return out
        case .table:
            var out = SafeText.terminal(zh ? "\(period) \(rules.title.zh)（内部：含得分）" : "\(period) \(rules.title.en) (internal: with scores)") + "\n"
            out += (zh ? ["集聚区", "统一社会信用代码", "机构名称", "等级", "得分"] : ["zone", "credit code", "name", "grade", "score"]).joined(separator: "\t")
            out += "\t" + ids.map { zh ? "\($0)（值/分）" : "\($0) (value/points)" }.joined(separator: "\t") + "\n"
            for g in grades {
                var fields = [g.zone, g.creditCode, g.name, "\(g.grade.code) \(g.grade.name[language])", g.score.fixed(2)]
                fields += g.parts.map { p in (p.value == nil ? (zh ? "未报" : "n/r") : value(p.value, p.indicator)) + " / " + p.points.fixed(1) }
                out += fields.map(SafeText.terminal).joined(separator: "\t") + "\n"
            }
            let counts = rules.grades.map { gr in "\(gr.code) \(gr.name[language]): \(grades.filter { $0.grade.code == gr.code }.count)" }
            out += "\n" + (zh ? "各等级机构数：" : "Agencies per grade: ") + SafeText.terminal(counts.joined(separator: zh ? "；" : "; ")) + "\n"
            return out
        }
    }
}
