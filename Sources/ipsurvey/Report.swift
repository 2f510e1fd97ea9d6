import ArgumentParser
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

        With --quarter YYYYQn it writes the quarterly performance bulletin (季度运营绩效评估, 宿区政办发〔2025〕5号) \
        instead, OUT/bulletin-YYYYQn.html and .xml (TEMPLATES/bulletin.xsd), from the quarterly returns: the quarter \
        and the year to date against the same period a year earlier, each target's progress at the quarter's end \
        against the plan period elapsed (序时进度), and each agency's grade when INPUT/grading.txt sets the rules. \
        Its figures come from the quarters' releases, protected with the year's release: a cell hidden there is \
        hidden here.

        Example:
          ipsurvey report --year 2025
          ipsurvey report --year 2025 --zone quanshan --as-of 2026-03-31 --lang en
          ipsurvey report --quarter 2025Q3
        """
    )

    @Option(help: "The year of the white paper.") var year: Int?
    @Option(help: "The quarter of the bulletin: 2025Q3.") var quarter: String?
    @Option(help: "Zone id (repeatable); default all zones.") var zone: [String] = []
    @Option(help: "Report as the archive stood at this date or time.") var asOf: String?
    @OptionGroup var options: CommonOptions

    func validate() throws {
        try YearOption.check(year)
        guard (year == nil) != (quarter == nil) else {
            throw ValidationError("请给出 --year（年度白皮书）或 --quarter（季度公报）之一 / give either --year (the white paper) or --quarter (the bulletin)")
        }
        if let quarter {
            guard let p = Period(quarter), p.quarter != nil else {
                throw ValidationError("--quarter 应为季度，如 2025Q3 / --quarter must be a quarter such as 2025Q3; got \(SafeText.terminal(quarter))")
            }
            try YearOption.check(p.year)
        }
    }

    func run() async throws {
        let archive = try ArchiveCommand.open(options, writing: true)
        if let quarter, let p = Period(quarter) {
            try BulletinCommand.report(archive, quarter: p, zones: zone, asOf: asOf, options: options)
        } else if let year {
            try ReportCommand.report(archive, year: year, zones: zone, asOf: asOf, options: options)
        }
    }
}

/// The white paper on disk and on the terminal.
enum ReportCommand {
    /// Makes the white paper of `year`, names the cells a new release changes because of one or two agencies,
    /// writes both files and prints their paths. Exit 1 on a template, schema or audit problem (nothing written),
    /// 2 on a usage or I/O error.
    static func report(_ archive: Archive, year: Int, zones selected: [String], asOf: String?, options: CommonOptions) throws {
        let language = options.language
        let zh = language == .zh
        let lap = PhaseTimer()
        let outcome: Reporting.Outcome
        do {
            outcome = try Reporting.whitePaper(archive, year: year, zones: selected, asOf: asOf, language: language,
                                               templatesFolder: options.templates,
                                               publicationFolder: (options.input as NSString).appendingPathComponent("publication"),
                                               gradingRules: (options.input as NSString).appendingPathComponent(AgencyGrading.rulesFile),
                                               toolVersion: ToolInfo.version,
                                               sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init),
                                               lap: { lap($0) })
        } catch {
            throw PublishingFailure.exit(for: error, what: Bilingual("白皮书", "white paper"), xmlFile: "whitepaper-\(year).xml",
                                         schema: WhitePaper.schemaFile, options: options)
        }
        printRevisions(outcome.revisions, language: language)
        printExposed(outcome.exposed, language: language)
        if outcome.output.replaced > 0 {
            Console.err(zh ? "注意：存档中的文字含 \(outcome.output.replaced) 个不可公布的控制字符或非字符（早于现行检查入库），白皮书中已替换为�；请让有关机构重新报送。"
                           : "note: text in the archive holds \(outcome.output.replaced) control or non-characters that cannot be published (stored before today's check); they are shown as � in the white paper. Ask the agencies to send their returns again.")
        }
        try write(html: outcome.output.html, xml: outcome.output.xml, baseName: outcome.baseName, options: options)
        let html = (options.out as NSString).appendingPathComponent(outcome.baseName + ".html")
        let xml = (options.out as NSString).appendingPathComponent(outcome.baseName + ".xml")
        let figures = outcome.output.view.figures
        let hidden = figures.filter { $0.conf != "F" }.count
        Console.out(zh ? "已写出 \(html)\n已写出 \(xml)（\(figures.count) 项数据，其中 \(hidden) 项保密；已通过 \(WhitePaper.schemaFile) 校验）\n"
                       : "Wrote \(html)\nWrote \(xml) (\(figures.count) figures, \(hidden) confidential; valid against \(WhitePaper.schemaFile))\n")
        if let directory = outcome.output.directory {
            let listing = outcome.output.view.directoryListing
            let path = (options.out as NSString).appendingPathComponent(listing.file)
            do { try write(directory, to: path) } catch {
                throw OutputFailure(path: path, error: error).fail(options.language)
            }
            Console.out(zh ? "已写出 \(path)（机构名录 \(listing.total) 家，多于白皮书印刷名录上限 \(listing.limit) 家）\n"
                           : "Wrote \(path) (the directory of \(listing.total) agencies, more than the paper prints: \(listing.limit))\n")
        }
    }

    /// Names the published cells a new release changes because of one or two agencies.
    static func printRevisions(_ list: [(period: Period, since: String, revisions: [Revision])], language: Language) {
        let zh = language == .zh
        for (period, since, revisions) in list {
            let when = Timestamp.civilTime(since) ?? since
            Console.err(zh ? "注意：\(period) 的公布数据与 \(when) 发布的相比，以下数据的变化只来自1–2家机构（迟报或更正），两次发布相减即可得出这些机构的数据，请在发布前决定：" :
                             "note: compared with the release of \(period) as of \(when), these published figures change because of one or two agencies only (a late return or a revision); the difference of the two releases is theirs — decide before publishing:")
            for r in revisions {
                Console.err("  \(r.key): \(r.before.map { $0.fixed(2) } ?? "—") → \(r.after.map { $0.fixed(2) } ?? "—") (\(r.agencies) \(zh ? "家机构" : r.agencies == 1 ? "agency" : "agencies"))")
            }
        }
    }

    /// Names the cells a new release hides that the same year's other releases give away all the same.
    static func printExposed(_ list: [(period: Period, cells: [ReleaseKey])], language: Language) {
        for (period, cells) in list {
            Console.err(language == .zh ? "注意：\(period) 隐去的以下数据可由同年已发布的年度数据和季度数据相加减得出（多为迟报或更正），请在发布前决定：" :
                                          "note: these cells \(period) hides can be worked out from the same year's published annual and quarterly figures (usually a late return or a revision) — decide before publishing:")
            for k in cells { Console.err("  \(k)") }
        }
    }

    /// Writes the HTML and XML of a published output into OUT (exit 2 when it cannot).
    /// Writes `file` to `path` a piece at a time into a file beside it, renamed over `path` at the end (as
    /// `Data.write(options: .atomic)` does): nobody opens half a directory, and a failed write leaves the old one.
    static func write(_ file: DirectoryFile, to path: String) throws {
        let temporary = path + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            do { try file.write { try handle.write(contentsOf: Data(buffer: $0)) } } catch { try? handle.close(); throw error }
            try handle.close()
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    static func write(html: String, xml: String, baseName: String, options: CommonOptions) throws {
        let htmlPath = (options.out as NSString).appendingPathComponent(baseName + ".html")
        let xmlPath = (options.out as NSString).appendingPathComponent(baseName + ".xml")
        var target = options.out
        do {
            try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
            target = htmlPath
            try Data(html.utf8).write(to: URL(fileURLWithPath: htmlPath), options: .atomic)
            target = xmlPath
            try Data(xml.utf8).write(to: URL(fileURLWithPath: xmlPath), options: .atomic)
        } catch {
            throw OutputFailure(path: target, error: error).fail(options.language)
        }
    }
}
