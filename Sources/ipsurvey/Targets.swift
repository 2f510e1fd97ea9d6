import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics
import SurveyWorkflow

struct Targets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Target attainment of the zone plans for a year. 规划目标完成情况。",
        discussion: """
        Every target of targets.csv is evaluated for the year: actual, target, progress and status \
        (met 已完成 / on_track 进度正常 — progress at least the elapsed share of the plan period / behind 滞后 / \
        no_data 无数据). The op column of targets.csv: >= > <= < (a bound); ~ (about, 左右: met within the \
        tolerance column, ±10 % when empty; the deviation is shown); +>= (an increase since base_year of at \
        least value); growth>= (growth since base_year of at least value, a fraction: 0.3 = 30 %); \
        >=ref:INDICATOR (at least that indicator, value a margin or empty). Base-year values are read from the \
        regional file. The plan's words (quote) are shown beside each target. Money figures come \
        from the year's release (ipsurvey report records it): an actual value the release hides is shown as — \
        with its status hidden too (confidential 数据保密), since met or behind would bound it.

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

    func validate() throws { try YearOption.check(year) }

    func run() async throws {
        let language = options.language
        let asOfStamp = try StatisticsInput.asOf(asOf)
        let archive = try ArchiveCommand.open(options)
        let evaluated: TargetAttainment.Result
        do {
            evaluated = try TargetAttainment.evaluate(archive, year: year, zones: zone, stamp: asOfStamp)
        } catch let e as Releasing.Problem {
            throw Refusal(e.message).fail(language)
        }
        let (results, conf, zones) = (evaluated.results, evaluated.confidentiality, evaluated.zones)
        Console.out(TargetOutput.render(results, conf: conf, year: year, zones: zones, format: format, language: language))
    }
}

enum TargetOutput {
    static func value(_ v: Decimal?, _ r: TargetResult) -> String? {
        guard let v else { return nil }
        return QueryOutput.number(v, r.indicator?.kind ?? .number)
    }

    /// The statuses printed: a hidden actual hides its status too (met or behind would bound the figure).
    static let confidentialStatus = "confidential"

    static func render(_ results: [TargetResult], conf: [ConfStatus], year: Int, zones: [Zone], format: QueryFormat, language: Language) -> String {
        // What may be shown of each result: a hidden one keeps its target, never its actual, progress or status.
        let results: [(r: TargetResult, actual: Decimal?, progress: Decimal?, status: String, statusName: String, conf: ConfStatus)] = zip(results, conf).map { r, c in
            c == .free ? (r, r.actual, r.progress, r.status.rawValue, r.status.name[language], c)
                       : (r, nil, nil, confidentialStatus, language == .zh ? "数据保密" : "confidential", c)
        }
        // The base-year value, the increase or growth, and an "about" target's deviation: derived from the actual,
        // so hidden with it.
        func base(_ x: (r: TargetResult, actual: Decimal?, progress: Decimal?, status: String, statusName: String, conf: ConfStatus)) -> (base: Decimal?, change: Decimal?, deviation: Decimal?) {
            x.conf == .free ? (x.r.base, x.r.change, x.r.deviation) : (nil, nil, nil)
        }
        func number(_ d: Decimal?) -> String? { d.map { NSDecimalNumber(decimal: $0).stringValue } }
        switch format {
        case .json:
            // Province-wide goals apart: the zones' figure is their contribution, never a zone's attainment.
            let provincial = results.filter { $0.r.target.zone == "all" }.map { x -> String in
                let t = x.r.target
                return "{\"indicator\":\(JSONText.string(t.indicator)),\"op\":\(JSONText.string(t.op.description)),\"target\":\(NSDecimalNumber(decimal: t.value).stringValue),\"contribution\":\(value(x.actual, x.r) ?? "null"),\"share\":\(x.progress.map { $0.fixed(4) } ?? "null"),\"deadline\":\(JSONText.string(t.deadline.description)),\"source\":\(JSONText.string(t.source)),\"quote\":\(JSONText.string(t.quote))}"
            }
            let rows = results.filter { $0.r.target.zone != "all" }.map { x -> String in
                let t = x.r.target
                let conf = x.conf == .free ? "" : ",\"conf_status\":\(JSONText.string(x.conf.rawValue))"
                return "{\"zone\":\(JSONText.string(t.zone)),\"indicator\":\(JSONText.string(t.indicator)),\"op\":\(JSONText.string(t.op.description)),\"target\":\(NSDecimalNumber(decimal: t.value).stringValue),\"actual\":\(value(x.actual, x.r) ?? "null"),\"progress\":\(x.progress.map { $0.fixed(4) } ?? "null"),\"status\":\(JSONText.string(x.status)),\"deadline\":\(JSONText.string(t.deadline.description)),\"source\":\(JSONText.string(t.source)),\"quote\":\(JSONText.string(t.quote)),\"measured_by\":\(JSONText.string(x.r.indicator?.measuredBy.en ?? t.indicator)),\"base_year\":\(t.baseYear.map { "\($0)" } ?? "null"),\"base\":\(number(base(x).base) ?? "null"),\"change\":\(base(x).change.map { $0.fixed(4) } ?? "null"),\"deviation\":\(base(x).deviation.map { $0.fixed(4) } ?? "null")\(conf)}"
            }
            return "{\"year\":\(year),\"rows\":[\(rows.joined(separator: ","))],\"provincial\":[\(provincial.joined(separator: ","))]}\n"
        case .csv:
            var out = "zone,indicator,op,target,actual,progress,status,deadline,source,quote,base_year,base,change,deviation\r\n"
            for x in results {
                let t = x.r.target, b = base(x)
                out += [t.zone, t.indicator, t.op.description, NSDecimalNumber(decimal: t.value).stringValue, value(x.actual, x.r) ?? "",
                        x.progress.map { $0.fixed(4) } ?? "", x.status, t.deadline.description, t.source, t.quote,
                        t.baseYear.map { "\($0)" } ?? "", number(b.base) ?? "", b.change.map { $0.fixed(4) } ?? "",
                        b.deviation.map { $0.fixed(4) } ?? ""].map(CSVText.cell).joined(separator: ",") + "\r\n"
            }
            return out
        case .table:
            let zh = language == .zh
            var out = zh ? "\(year)年规划目标完成情况\n集聚区\t指标\t目标\t实际\t进度\t状态\t期限\t依据\t规划原文\n"
                         : "Target attainment, \(year)\nzone\tindicator\ttarget\tactual\tprogress\tstatus\tdeadline\tsource\tthe plan's words\n"
            for x in results {
                let r = x.r, t = r.target
                let zoneName = t.zone == "all" ? (zh ? "全省目标（各集聚区的贡献）" : "province-wide goal (the zones' contribution)") : (zones.first { $0.id == t.zone }?.name[language] ?? t.zone)
                let name = r.indicator?.name[language] ?? t.indicator
                let goal: String
                switch t.op {
                case .atLeastIndicator(let ref): goal = "≥ " + (Catalogue.indicator(ref)?.name[language] ?? ref)
                case .about: goal = "≈ \(NSDecimalNumber(decimal: t.value).stringValue) ±\(((t.tolerance ?? PlanTarget.defaultTolerance) * 100).fixed(0))%"
                case .increaseAtLeast: goal = (zh ? "新增 ≥ " : "increase ≥ ") + NSDecimalNumber(decimal: t.value).stringValue
                case .growthAtLeast: goal = (zh ? "增长 ≥ " : "growth ≥ ") + ((t.value * 100).fixed(1)) + "%"
                default: goal = "\(t.op) \(NSDecimalNumber(decimal: t.value).stringValue)"
                }
                var actual = x.conf != .free ? "—\(x.conf.rawValue)"
                    : (value(x.actual, r) ?? (zh ? "无数据，需" : "no data; needs ") + (r.indicator?.measuredBy[language] ?? t.indicator))
                if x.conf == .free, let ref = r.reference { actual += zh ? "（参照 \(ref.fixed(4))）" : " (vs \(ref.fixed(4)))" }
                let b = base(x)
                if let year = t.baseYear, let v = b.base, let change = b.change {
                    let shown = t.op == .growthAtLeast ? (change * 100).fixed(1) + "%" : number(change) ?? ""
                    actual += zh ? "（\(year)年 \(number(v) ?? "")，\(t.op == .growthAtLeast ? "增长" : "新增") \(shown)）"
                                 : " (\(year): \(number(v) ?? ""), \(t.op == .growthAtLeast ? "growth" : "increase") \(shown))"
                }
                if let d = b.deviation { actual += zh ? "（偏差 \((d * 100).fixed(1))%）" : " (deviation \((d * 100).fixed(1))%)" }
                let progress = x.progress.map { ($0 * 100).fixed(1) + "%" } ?? "—"
                out += [zoneName, name, goal, actual, progress, x.statusName, t.deadline.description, t.source, t.quote].map(SafeText.terminal).joined(separator: "\t") + "\n"
            }
            return out
        }
    }
}
