import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics

struct Targets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Target attainment of the zone plans for a year. 规划目标完成情况。",
        discussion: """
        Every target of targets.csv is evaluated for the year: actual, target, progress and status \
        (met 已完成 / on_track 进度正常 — progress at least the elapsed share of the plan period / behind 滞后 / \
        no_data 无数据). Targets such as ">=ref:gdp_growth" compare with another indicator.

        Example:
          ipsurvey targets --year 2025
          ipsurvey targets --year 2025 --zone quanshan --format json
        """
    )

    @Option(help: "Year.") var year: Int
    @Option(help: "Zone id (repeatable); default all.") var zone: [String] = []
    @Option(help: "table, csv or json.") var format: QueryFormat = .table
    @Option(help: "Answer as the archive stood at this date or time.") var asOf: String?
    @OptionGroup var options: CommonOptions

    func run() async throws {
        let language = options.language
        let asOfStamp = try StatisticsInput.asOf(asOf)
        let archive = try ArchiveCommand.open(options)
        let zones = try archive.zones(asOf: asOfStamp)
        let period = Period(year: year)
        let all = try StatisticsInput.dataset(archive, period: period, zones: [], asOf: asOfStamp, indicators: Catalogue.all)
        var targets = try archive.targets(asOf: asOfStamp)
        if !zone.isEmpty { targets = targets.filter { zone.contains($0.zone) } }
        let results = TargetEvaluation.evaluate(targets, year: year, zones: zones) { ids in
            Dataset(period: period, returns: all.returns.filter { ids.contains($0.zone) },
                    previous: all.previous.filter { ids.contains($0.zone) }, regional: all.regional, zones: ids)
        }
        Console.out(TargetOutput.render(results, year: year, zones: zones, format: format, language: language))
    }
}

enum TargetOutput {
    static func value(_ v: Decimal?, _ r: TargetResult) -> String? {
        guard let v else { return nil }
        return QueryOutput.number(v, r.indicator?.kind ?? .number)
    }

    static func render(_ results: [TargetResult], year: Int, zones: [Zone], format: QueryFormat, language: Language) -> String {
        switch format {
        case .json:
            let rows = results.map { r -> String in
                let t = r.target
                return "{\"zone\":\(JSONText.string(t.zone)),\"indicator\":\(JSONText.string(t.indicator)),\"op\":\(JSONText.string(t.op.description)),\"target\":\(NSDecimalNumber(decimal: t.value).stringValue),\"actual\":\(value(r.actual, r) ?? "null"),\"progress\":\(r.progress.map { $0.fixed(4) } ?? "null"),\"status\":\(JSONText.string(r.status.rawValue)),\"deadline\":\(JSONText.string(t.deadline.description)),\"source\":\(JSONText.string(t.source))}"
            }
            return "{\"year\":\(year),\"rows\":[\(rows.joined(separator: ","))]}\n"
        case .csv:
            var out = "zone,indicator,op,target,actual,progress,status,deadline,source\r\n"
            for r in results {
                let t = r.target
                out += [t.zone, t.indicator, t.op.description, NSDecimalNumber(decimal: t.value).stringValue, value(r.actual, r) ?? "",
                        r.progress.map { $0.fixed(4) } ?? "", r.status.rawValue, t.deadline.description, t.source].map(CSVText.escape).joined(separator: ",") + "\r\n"
            }
            return out
        case .table:
            let zh = language == .zh
            var out = zh ? "\(year)年规划目标完成情况\n集聚区\t指标\t目标\t实际\t进度\t状态\t期限\t依据\n"
                         : "Target attainment, \(year)\nzone\tindicator\ttarget\tactual\tprogress\tstatus\tdeadline\tsource\n"
            for r in results {
                let t = r.target
                let zoneName = t.zone == "all" ? (zh ? "全部集聚区" : "all zones") : (zones.first { $0.id == t.zone }?.name[language] ?? t.zone)
                let name = r.indicator?.name[language] ?? t.indicator
                let goal: String
                switch t.op {
                case .atLeastIndicator(let ref): goal = "≥ " + (Catalogue.indicator(ref)?.name[language] ?? ref)
                default: goal = "\(t.op) \(NSDecimalNumber(decimal: t.value).stringValue)"
                }
                var actual = value(r.actual, r) ?? (zh ? "无数据" : "n/a")
                if let ref = r.reference { actual += zh ? "（参照 \(ref.fixed(4))）" : " (vs \(ref.fixed(4)))" }
                let progress = r.progress.map { ($0 * 100).fixed(1) + "%" } ?? "—"
                out += [zoneName, name, goal, actual, progress, r.status.name[language], t.deadline.description, t.source].joined(separator: "\t") + "\n"
            }
            return out
        }
    }
}
