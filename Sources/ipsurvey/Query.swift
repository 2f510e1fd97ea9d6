import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics
import SurveyWorkflow

enum QueryFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ad hoc statistics from the archive, with disclosure control. 统计查询（默认保密处理）。",
        discussion: """
        Breakdowns (--by): zone, agency_kind, business_type (an agency counts in each of its types), brand_level, period. \
        Money in 万元 with 2 decimals, ratios as fractions with 4 decimals, counts as integers. Money figures and \
        those derived from them (averages, per staff, growth rates) are answered from the period's release — the \
        protected set the white paper printed (ipsurvey report records it), as the archive stood then: a cell \
        with fewer than 3 agencies or one agency above 85 % is hidden (conf_status A or O), and so is every cell \
        the release hides so that no combination of published figures reveals it (D). They are summed from the \
        totals report stored beside the release (no return is read again) while these still answer for the archive. Money over some but not \
        all zones (without --by zone), or business types crossed with kind or brand level, is refused: it is not \
        in the release. --no-suppress shows the exact figures as of --as-of (internal use only). --list prints \
        the indicator catalogue.

        Example:
          ipsurvey query --period 2025 --by zone,agency_kind --metrics agencies,revenue,revenue_per_staff
          ipsurvey query --period 2025 --zone quanshan --format json
          ipsurvey query --list
        """
    )

    @Option(help: "Period: 2025 or 2025Q1.") var period: String?
    @Option(help: "Zone id (repeatable); default all zones.") var zone: [String] = []
    @Option(help: "Breakdowns, comma-separated.") var by: String = ""
    @Option(help: "Indicator ids, comma-separated (see --list).") var metrics: String = Query.defaultMetrics.joined(separator: ",")
    @Option(help: "table, csv or json.") var format: QueryFormat = .table
    @Option(help: "Answer as the archive stood at this date or time.") var asOf: String?
    @Flag(help: "Show suppressed cells (internal use only).") var noSuppress = false
    @Flag(help: "Print the indicator catalogue.") var list = false
    @OptionGroup var options: CommonOptions

    static let defaultMetrics = ["agencies", "staff", "revenue", "avg_revenue", "revenue_per_staff", "revenue_growth",
                                 "patent_filings", "patent_agency_rate", "pledge_financing", "clients"]

    func run() async throws {
        let language = options.language
        let zh = language == .zh
        if list {
            var out = ""
            for i in Catalogue.all {
                out += "\(i.id)\t\(i.name[language])\t\(i.unit[language])\t\(i.formula)\n    \(i.definition[language])\n"
            }
            Console.out(out)
            return
        }
        guard let periodText = period, let p = Period(periodText) else {
            throw ValidationError(zh ? "请用 --period 给出统计期（如 2025 或 2025Q1）" : "give --period (e.g. 2025 or 2025Q1)")
        }
        let breakdowns = try by.split(separator: ",").map { text -> Breakdown in
            guard let d = Breakdown(rawValue: String(text).trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown breakdown '\(text)'; valid: \(Breakdown.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return d
        }
        let indicators = try metrics.split(separator: ",").map { text -> Indicator in
            let id = String(text).trimmingCharacters(in: .whitespaces)
            guard let i = Catalogue.indicator(id) else {
                throw ValidationError("unknown metric '\(id)'; valid: \(Catalogue.all.map(\.id).joined(separator: ", "))")
            }
            return i
        }
        let lap = PhaseTimer()
        let asOfStamp = try StatisticsInput.asOf(asOf)
        let archive = try ArchiveCommand.open(options)
        let answer: Querying.Answer
        do {
            answer = try Querying.answer(archive, period: p, zones: zone, by: breakdowns, indicators: indicators, asOf: asOfStamp, suppress: !noSuppress)
        } catch let e as Releasing.Problem {
            throw Refusal(e.message).fail(language)
        } catch let e as OutsideRelease {
            throw Refusal(e.message).fail(language)
        }
        lap("statistics from \(answer.source)")
        let table = answer.table
        Console.out(QueryOutput.render(table, period: p, asOf: answer.releaseAsOf ?? asOf.map { _ in asOfStamp }, format: format, language: language))
        lap("output")
    }
}

enum QueryOutput {
    /// Money 2 decimals, ratios 4 decimals, counts whole; regional figures as reported (the XML's form too).
    static func number(_ value: Decimal, _ kind: ValueKind) -> String { NumberFormat.machine(value, kind) }

    static func render(_ t: StatTable, period: Period, asOf: String?, format: QueryFormat, language: Language) -> String {
        let dims = t.dimensions.map(\.rawValue)
        let ids = t.indicators.map(\.id)
        switch format {
        case .json:
            let rows = t.rows.map { row -> String in
                var parts = zip(dims, row.key).map { "\(JSONText.string($0)):\(JSONText.string($1))" }
                var status: [String] = []
                for (ind, cell) in zip(t.indicators, row.cells) {
                    parts.append("\(JSONText.string(ind.id)):\(cell.published.map { number($0, ind.kind) } ?? "null")")
                    if cell.status != .free { status.append("\(JSONText.string(ind.id)):\(JSONText.string(cell.status.rawValue))") }
                }
                parts.append("\"conf_status\":{\(status.joined(separator: ","))}")
                return "{" + parts.joined(separator: ",") + "}"
            }
            return "{\"period\":\(JSONText.string(period.description)),\"as_of\":\(JSONText.optional(asOf)),\"by\":[\(dims.map(JSONText.string).joined(separator: ","))],\"metrics\":[\(ids.map(JSONText.string).joined(separator: ","))],\"rows\":[\(rows.joined(separator: ","))]}\n"
        case .csv:
            var out = (dims + ids).joined(separator: ",") + "\r\n"
            for row in t.rows {
                let cells = row.key.map(CSVText.cell) + zip(t.indicators, row.cells).map { ind, c in c.published.map { number($0, ind.kind) } ?? "" }
                out += cells.joined(separator: ",") + "\r\n"
            }
            return out
        case .table:
            let zh = language == .zh
            let header = t.dimensions.map { $0.name[language] } + t.indicators.map { "\($0.name[language])（\($0.unit[language])）" }
            var lines = [header]
            var notes = Set<ConfStatus>()
            for row in t.rows {
                let cells = row.cells.enumerated().map { i, c -> String in
                    if c.status != .free { notes.insert(c.status); return "—\(c.status.rawValue)" }
                    return c.value.map { number($0, t.indicators[i].kind) } ?? (zh ? "无数据" : "n/a")
                }
                lines.append(row.key.map { SafeText.terminal(label($0, language)) } + cells)
            }
            var out = lines.map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
            out += zh ? "统计期 \(period)\(asOf.map { "，截至 \($0)" } ?? "")\n" : "Period \(period)\(asOf.map { ", as of \($0)" } ?? "")\n"
            for n in notes.sorted(by: { $0.rawValue < $1.rawValue }) { out += "—\(n.rawValue): \(n.reason[language])\n" }
            return out
        }
    }

    /// Chinese or English name of a breakdown value (agency kind, business type, brand level); ids otherwise.
    static func label(_ id: String, _ language: Language) -> String {
        for domain in [Choices.agencyKind, Choices.businessType, Choices.brandLevel] {
            if let i = domain.index(of: id) { return domain.options[i].name[language] }
        }
        return id
    }
}
