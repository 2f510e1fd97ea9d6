import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyWorkflow

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Who has filed for a period and who has not (回收率, 催报). Internal.",
        discussion: """
        The agencies expected to file for the period are those with an accepted return for the period before \
        (the year before, or the quarter before), and those of the registry of resident agencies (入驻机构名录, a \
        CSV with credit_code, agency_name, zone and optional entered_on / left_on, ingested like any input file, \
        e.g. INPUT/agencies.csv) resident during the period. For each zone: expected, received (of those expected), late \
        (first return after --due), missing, new (filed without a return for the period before) and the response \
        rate, received ÷ expected; then every missing agency, late filer and new filer by name. Internal: it names \
        agencies; --contacts adds the contact person and phone of each missing agency, read back from its last \
        return, and should be used only to remind them.

        Example:
          ipsurvey status --period 2025
          ipsurvey status --period 2025 --due 2026-03-31 --contacts --format csv > remind.csv
        """
    )

    @Option(help: "Period: 2025 or 2025Q1.") var period: String
    @Option(help: "Zone id (repeatable); default all.") var zone: [String] = []
    @Option(help: "Due date (YYYY-MM-DD, China time): a first return after it is late.") var due: String?
    @Option(help: "Answer as the archive stood at this date or time.") var asOf: String?
    @Flag(help: "Show the contact person and phone of every missing agency (personal data; internal use only).")
    var contacts = false
    @Option(help: "table, csv or json.") var format: QueryFormat = .table
    @OptionGroup var options: CommonOptions

    func validate() throws {
        _ = try PeriodOption.parse(period)
        if let due, Timestamp.parse(due) == nil || due.count > 10 {
            throw ValidationError("--due 应为日期 YYYY-MM-DD / --due must be a date YYYY-MM-DD; got \(SafeText.terminal(due))")
        }
    }

    func run() async throws {
        let asOfStamp = try StatisticsInput.asOf(asOf)
        let archive = try ArchiveCommand.open(options)
        let result = try FilingStatus.evaluate(archive, period: try PeriodOption.parse(period), zones: zone, asOf: asOfStamp,
                                               due: due.flatMap(Timestamp.parse), contacts: contacts)
        let names = Dictionary(uniqueKeysWithValues: try archive.zones(asOf: asOfStamp).map { ($0.id, $0.name[options.language]) })
        Console.out(StatusOutput.render(result, zoneNames: names, dueDate: due, contacts: contacts, format: format, language: options.language))
    }
}

enum StatusOutput {
    static func rate(_ c: FilingStatus.Count) -> String? { c.rate.map { $0.fixed(4) } }

    static func render(_ r: FilingStatus.Result, zoneNames: [String: String], dueDate: String?, contacts: Bool,
                       format: QueryFormat, language: Language) -> String {
        let zh = language == .zh
        let asOfText = r.asOf == Timestamp.end ? (zh ? "最新" : "latest") : Timestamp.civilTime(r.asOf) ?? r.asOf
        func zoneName(_ id: String) -> String { id == "all" ? (zh ? "合计" : "Total") : zoneNames[id] ?? id }
        switch format {
        case .json:
            let counts = r.counts.map { c in
                "{\"zone\":\(JSONText.string(c.zone)),\"expected\":\(c.expected),\"received\":\(c.received),\"late\":\(c.late),\"missing\":\(c.missing),\"new\":\(c.new),\"response_rate\":\(rate(c) ?? "null")}"
            }
            let agencies = r.agencies.map { a in
                var s = "{\"credit_code\":\(JSONText.string(a.creditCode)),\"name\":\(JSONText.string(a.name)),\"zone\":\(JSONText.string(a.zone)),\"status\":\(JSONText.string(a.state.rawValue)),\"received_at\":\(a.receivedAt.map(JSONText.string) ?? "null")"
                if contacts { s += ",\"contact\":\(a.contact.map(JSONText.string) ?? "null"),\"phone\":\(a.phone.map(JSONText.string) ?? "null")" }
                return s + "}"
            }
            return "{\"period\":\(JSONText.string(r.period.description)),\"expected_from\":\(JSONText.string(r.previous.description)),\"registry\":\(r.registry),\"as_of\":\(JSONText.string(r.asOf)),\"due\":\(dueDate.map(JSONText.string) ?? "null"),\"zones\":[\(counts.joined(separator: ","))],\"agencies\":[\(agencies.joined(separator: ","))]}\n"
        case .csv:
            // For Excel (UTF-8 with BOM, formula-safe): one row per agency that is missing, late or new.
            var out = "\u{FEFF}" + (["zone", "credit_code", "name", "status", "received_at"] + (contacts ? ["contact", "phone"] : [])).joined(separator: ",") + "\r\n"
            for a in r.agencies where a.state != .filed {
                out += ([zoneName(a.zone), a.creditCode, a.name, a.state.rawValue, a.receivedAt.map { Timestamp.civilTime($0) ?? $0 } ?? ""]
                        + (contacts ? [a.contact ?? "", a.phone ?? ""] : [])).map(CSVText.cell).joined(separator: ",") + "\r\n"
            }
            return out
        case .table:
            let basis = zh ? "\(r.previous)有报送的机构\(r.registry ? "及入驻机构名录中的机构" : "")" : "agencies that filed for \(r.previous)\(r.registry ? " and those in the registry of resident agencies" : "")"
            var out = zh ? "\(r.period)统计期报送情况（应报：\(basis)；截至 \(asOfText)\(dueDate.map { "；报送截止 \($0)" } ?? "")）\n"
                             + "集聚区\t应报\t已报\t其中逾期\t未报\t新报送\t回收率\n"
                         : "Returns for \(r.period) (expected: \(basis); as of \(asOfText)\(dueDate.map { "; due \($0)" } ?? ""))\n"
                             + "zone\texpected\treceived\tof which late\tmissing\tnew\tresponse rate\n"
            for c in r.counts {
                let shown = c.rate.map { ($0 * 100).fixed(1) + "%" } ?? "—"
                out += "\(SafeText.terminal(zoneName(c.zone)))\t\(c.expected)\t\(c.received)\t\(c.late)\t\(c.missing)\t\(c.new)\t\(shown)\n"
            }
            let sections: [(FilingStatus.Agency.State, String, String)] = [
                (.missing, "未报送", "Missing"), (.late, "逾期报送", "Late"), (.new, "新报送（上期无报送）", "New (no return for the period before)"),
            ]
            for (state, zhTitle, enTitle) in sections {
                let list = r.agencies.filter { $0.state == state }
                guard !list.isEmpty else { continue }
                out += "\n" + (zh ? "\(zhTitle)（\(list.count)家）：\n" : "\(enTitle) (\(list.count)):\n")
                for a in list {
                    var fields = [zoneName(a.zone), a.creditCode, a.name]
                    if let t = a.receivedAt { fields.append(Timestamp.civilTime(t) ?? t) }
                    if contacts && state == .missing { fields += [a.contact ?? "", a.phone ?? ""] }
                    out += "  " + fields.map(SafeText.terminal).joined(separator: "\t") + "\n"
                }
            }
            return out
        }
    }
}
