import ArgumentParser
import Crypto
import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics
import SurveyWorkflow

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the annual white paper (HTML + XML) from the archive. 生成年度发展白皮书。",
        discussion: """
        Writes OUT/whitepaper-YEAR.html (one self-contained, printable file) and OUT/whitepaper-YEAR.xml, \
        rendered from the Mustache templates of --templates. Every template tag is checked against the view \
        model first (a typo is an error with its file and line), and the XML is validated against \
        TEMPLATES/whitepaper.xsd with libxml2 before anything is written. With --zone, the report covers those \
        zones only and the files are named whitepaper-YEAR-ZONE….html/.xml. The same archive, templates and \
        options give the same bytes: the date printed is the as-of date, else SOURCE_DATE_EPOCH, else the date \
        of the latest file received — never the clock.

        Example:
          ipsurvey report --year 2025
          ipsurvey report --year 2025 --zone quanshan --as-of 2026-03-31 --lang en
        """
    )

    @Option(help: "The year of the report.") var year: Int
    @Option(help: "Zone id (repeatable); default all zones.") var zone: [String] = []
    @Option(help: "Report as the archive stood at this date or time.") var asOf: String?
    @OptionGroup var options: CommonOptions

    func run() async throws {
        let archive = try ArchiveCommand.open(options)
        try Reporting.report(archive, year: year, zones: zone, asOf: asOf, options: options)
    }
}

enum Reporting {
    /// Renders and writes the white paper of `year`; prints the paths. Exit 1 on a template or schema problem
    /// (nothing written), 2 on a usage or I/O error.
    static func report(_ archive: Archive, year: Int, zones selected: [String], asOf: String?, options: CommonOptions) throws {
        let language = options.language
        let zh = language == .zh
        let stamp = try StatisticsInput.asOf(asOf)
        let known = try archive.zones(asOf: stamp)
        for z in selected where !known.contains(where: { $0.id == z }) {
            throw ValidationError("unknown zone '\(z)'; valid: \(known.map(\.id).joined(separator: ", "))")
        }
        let zones = selected.isEmpty ? known : known.filter { selected.contains($0.id) }
        guard !zones.isEmpty else {
            Console.err(zh ? "错误：存档中没有集聚区（zones.csv）" : "error: the archive holds no zones (zones.csv)")
            throw Exit.usageOrIO
        }
        let files = try archive.files().filter { $0.receivedAt <= stamp }
        // The data's as-of: the given time, else the latest receipt; the printed date never comes from the clock.
        let dataAsOf = asOf != nil ? stamp : (files.map(\.receivedAt).max() ?? stamp)
        let date: String
        if asOf == nil, let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init) {
            date = Timestamp.civilDate(Date(timeIntervalSince1970: epoch))
        } else {
            date = Timestamp.civilDate(dataAsOf) ?? String(dataAsOf.prefix(10))
        }

        let templates: TemplateSet
        do {
            templates = try TemplateSet(directory: options.templates)
        } catch let p as TemplateProblem {
            Console.err((zh ? "模板错误：" : "template error: ") + p.description)
            throw Exit.dataErrors
        }

        let lap = PhaseTimer()
        let returns = try archive.returns(periods: (max(1990, year - 9)...year).map { Period(year: $0) }, zones: zones.map(\.id), asOf: stamp)
        lap("read \(returns.count) returns")
        // One release per period shown (this year, last year, the trend's years), recorded in the archive.
        let releaseAsOf = try Releasing.dataAsOf(archive, stamp: stamp)
        let years = Set(returns.map(\.period.year)).union([year, year - 1]).sorted()
        let published = try Releasing.publish(archive, periods: years.map { Period(year: $0) }, asOf: releaseAsOf)
        for (period, p) in published.sorted(by: { $0.key < $1.key }) where !p.revisions.isEmpty {
            Console.err(zh ? "注意：\(period) 的公布数据与 \(Timestamp.civilTime(p.previous!.asOf) ?? p.previous!.asOf) 发布的相比，以下数据的变化只来自1–2家机构（迟报或更正），两次发布相减即可得出这些机构的数据，请在发布前决定：" :
                             "note: compared with the release of \(period) as of \(Timestamp.civilTime(p.previous!.asOf) ?? p.previous!.asOf), these published figures change because of one or two agencies only (a late return or a revision); the difference of the two releases is theirs — decide before publishing:")
            for r in p.revisions {
                Console.err("  \(r.key): \(r.before.map { $0.fixed(2) } ?? "—") → \(r.after.map { $0.fixed(2) } ?? "—") (\(r.agencies) \(zh ? "家机构" : r.agencies == 1 ? "agency" : "agencies"))")
            }
        }
        lap("releases")
        // The attacker's check of the release this paper prints; a pattern under the rule is never published.
        let audit = try Auditing.audit(published[Period(year: year)]!.release)
        guard audit.failures.isEmpty else {
            Console.err(zh ? "错误：\(year)年公布数据集未通过保密审核，未写出任何文件（ipsurvey audit --period \(year) 列出详情）：" :
                             "error: the release of \(year) fails the disclosure audit; nothing was written (ipsurvey audit --period \(year) lists it):")
            for f in audit.failures { Console.err("  \(f.key)") }
            throw Exit.dataErrors
        }
        lap("audit")
        let current = published[Period(year: year)]!
        let disclosure = ReportContext.Disclosure(
            period: "\(year)", asOf: current.release.asOf, asOfText: Timestamp.civilTime(current.release.asOf) ?? current.release.asOf,
            digest: current.digest, cells: current.release.publishableCount, hidden: current.release.hiddenCount,
            audited: audit.findings.count, narrowest: audit.narrowest?.margin, protectionPercent: current.release.rule.protectionPercent,
            minimumAgencies: current.release.rule.minimumAgencies, dominancePercent: Int(current.release.rule.dominancePercent))
        let report: AnnualReport
        do {
            report = try AnnualReport(year: year, zones: zones, returns: returns,
                                      regional: try archive.regional(asOf: stamp), targets: try archive.targets(asOf: stamp),
                                      releases: Dictionary(uniqueKeysWithValues: published.map { ($0.key.year, $0.value.release) }))
        } catch let e as OutsideRelease {
            Console.err((zh ? "错误：" : "error: ") + e.message[language])
            throw Exit.usageOrIO
        }
        lap("statistics")
        var optionList: [(name: String, value: String)] = [("year", "\(year)"), ("lang", language.rawValue), ("templates", options.templates)]
        if !selected.isEmpty { optionList.append(("zone", selected.joined(separator: ","))) }
        if let asOf { optionList.append(("as_of", asOf)) }
        let context = ReportContext(
            language: language, disclosure: disclosure, asOf: dataAsOf, asOfText: Timestamp.civilTime(dataAsOf) ?? dataAsOf, date: date,
            files: files.map { f in
                ReportContext.File(name: f.name, kind: f.kind, encoding: f.encoding, receivedAt: f.receivedAt, receivedAtText: Timestamp.civilTime(f.receivedAt) ?? f.receivedAt, size: f.size, sha256: f.sha256,
                                   rows: f.rows, accepted: f.accepted, rejected: f.rejected, warnings: f.warnings)
            },
            findings: try archive.findingCounts(asOf: stamp),
            templates: templates.files.map { (name: $0.path, sha256: SHA256.hash(data: $0.bytes).map { String(format: "%02x", $0) }.joined()) },
            toolVersion: ToolInfo.version, options: optionList)

        let output: WhitePaper.Output
        do {
            output = try WhitePaper.render(report, context: context, templates: templates)
        } catch let p as TemplateProblem {
            Console.err((zh ? "模板错误：" : "template error: ") + p.description)
            throw Exit.dataErrors
        } catch let f as TemplateLintFailure {
            for p in f.problems { Console.err((zh ? "模板错误：" : "template error: ") + p.description) }
            Console.err(zh ? "未写出任何文件。" : "Nothing was written.")
            throw Exit.dataErrors
        } catch let f as WhitePaper.SchemaFailure {
            Console.err(zh ? "XML 白皮书不符合 \(options.templates)/\(WhitePaper.schemaFile)，未写出任何文件：" :
                             "the XML white paper is not valid against \(options.templates)/\(WhitePaper.schemaFile); nothing was written:")
            for p in f.problems { Console.err("  whitepaper-\(year).xml:\(p.line): \(p.message)") }
            throw Exit.dataErrors
        }

        lap("render and check")
        let base = "whitepaper-\(year)" + (selected.isEmpty ? "" : "-" + selected.joined(separator: "-"))
        let html = (options.out as NSString).appendingPathComponent(base + ".html")
        let xml = (options.out as NSString).appendingPathComponent(base + ".xml")
        do {
            try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
            try Data(output.html.utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            try Data(output.xml.utf8).write(to: URL(fileURLWithPath: xml), options: .atomic)
        } catch {
            Console.err((zh ? "错误：无法写出白皮书：" : "error: cannot write the white paper: ") + error.localizedDescription)
            throw Exit.usageOrIO
        }
        let figures = output.view.figures
        let hidden = figures.filter { $0.conf != "F" }.count
        Console.out(zh ? "已写出 \(html)\n已写出 \(xml)（\(figures.count) 项数据，其中 \(hidden) 项保密；已通过 \(WhitePaper.schemaFile) 校验）\n"
                       : "Wrote \(html)\nWrote \(xml) (\(figures.count) figures, \(hidden) confidential; valid against \(WhitePaper.schemaFile))\n")
    }
}
