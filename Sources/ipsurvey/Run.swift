import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyWorkflow

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The yearly pipeline: ingest INPUT, then render the white paper of the latest year (default). 一键生成。",
        discussion: """
        Ingests every file under --input (default input/) into --archive (files already archived are left as \
        they are), then writes the white paper of the latest year with annual returns to --out. \
        This is what `ipsurvey` with no subcommand does. It prints one line per file with a problem and writes \
        that file's findings to OUT/feedback/NAME.feedback.csv (UTF-8 with BOM, ready to send back to the \
        agency); rejected rows are counted in the report's data-quality appendix. Exit 0 when the white paper \
        was written (with --strict, 1 when rows were rejected); 1 when a template, schema or audit check failed. \
        With SOURCE_DATE_EPOCH set, it is also the receipt time recorded.

        Example:
          ipsurvey
          ipsurvey run --input /data/2025 --archive /data/ipsurvey.sqlite --lang en
          ipsurvey run --strict
        """
    )

    @Option(help: "Year of the report; default the latest year with annual returns.") var year: Int?
    @Flag(help: "Exit 1 when rows were rejected (default: 0 once the white paper is written).") var strict = false
    @OptionGroup var options: CommonOptions

    func validate() throws { try YearOption.check(year) }

    func run() async throws {
        let language = options.language
        let zh = language == .zh
        let archive: Archive
        let ingested: [IngestedFile]
        do {
            archive = try ArchiveCommand.create(options)
            let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init)
            ingested = try Ingesting.ingest([options.input], into: archive, inputFolder: options.input,
                                            receivedAt: epoch.map { Timestamp.string(Date(timeIntervalSince1970: $0)) },
                                            progress: Console.progressReporter)
        } catch let e as FileReadError {
            throw e.fail(language)
        } catch let e as Archive.IngestError {
            Console.err((zh ? "错误：" : "error: ") + e.description)
            throw Exit.usageOrIO
        }
        // Quiet: one line per file with a problem, saying where its feedback went (the full listing is in the
        // feedback CSV, ready to send back to the agency, and in `ipsurvey validate`).
        let feedback = try RunFeedback.write(ingested, archive: archive, options: options)
        for line in feedback.lines { Console.err(line) }
        let files = ingested.count, rows = ingested.reduce(0) { $0 + $1.summary.rows }
        let accepted = ingested.reduce(0) { $0 + $1.summary.accepted }, rejected = ingested.reduce(0) { $0 + $1.summary.rejected }
        let stored = ingested.filter { $0.status == .stored }.count
        Console.out(zh ? "已入库 \(stored) 个文件（共 \(files) 个，\(files - stored) 个此前已入库或跳过）：数据行 \(rows)，通过 \(accepted)，退回 \(rejected)\n"
                       : "Stored \(stored) files (of \(files); \(files - stored) stored before or skipped): rows \(rows), accepted \(accepted), rejected \(rejected)\n")
        guard let latest = try year ?? archive.latestAnnualYear() else {
            Console.err(zh ? "错误：存档中没有年度调查表，无法生成白皮书" : "error: no annual returns in the archive; no white paper to write")
            throw Exit.dataErrors
        }
        try ReportCommand.report(archive, year: latest, zones: [], asOf: nil, options: options)
        if strict && ingested.contains(where: { $0.summary.rejected > 0 || $0.summary.hasErrors }) {
            Console.err(zh ? "注意：输入中有被退回的数据行（--strict），退出码为 1。" : "note: the input holds rejected rows (--strict); exit code 1.")
            throw Exit.dataErrors
        }
    }
}

/// The feedback of `run`: for every input file with a finding, a CSV of its findings (UTF-8 with BOM, the
/// `validate --format csv` columns) in OUT/feedback/, named after the file's path under the input folder.
enum RunFeedback {
    static func write(_ ingested: [IngestedFile], archive: Archive, options: CommonOptions) throws -> (lines: [String], paths: [String]) {
        let zh = options.language == .zh
        let folder = (options.out as NSString).appendingPathComponent("feedback")
        var lines: [String] = [], paths: [String] = []
        for f in ingested {
            var summary = f.summary
            var warnings = summary.warnings
            // A file stored by an earlier run: its findings are read back from the archive.
            if f.status == .unchanged, let file = f.stored, file.rejected > 0 || file.warnings > 0 {
                summary.findings = file.findings + (try archive.rows(of: file)).flatMap(\.findings)
                warnings = file.warnings
            }
            guard !summary.findings.isEmpty else { continue }
            let name = Feedback.name(for: summary.path, input: options.input, extension: "csv")
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(FindingOutput.render([summary], format: .csv, language: options.language).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                // A workbook sent in gets its feedback as a workbook too: its rows with the cells at fault marked.
                if summary.format == .xlsx || f.stored?.format == FileFormat.xlsx.rawValue {
                    var marked = summary
                    marked.format = .xlsx
                    let book = (folder as NSString).appendingPathComponent(Feedback.name(for: summary.path, input: options.input, extension: "xlsx"))
                    try Feedback.workbook(marked, language: options.language).write(to: URL(fileURLWithPath: book), options: .atomic)
                }
            } catch {
                throw OutputFailure(path: path, error: error).fail(options.language)
            }
            let errors = summary.errors
            lines.append(zh ? "\(SafeText.terminal(summary.path))：退回 \(summary.rejected) 行，错误 \(errors) 处，警告 \(warnings) 处 → \(path)"
                            : "\(SafeText.terminal(summary.path)): \(summary.rejected) \(summary.rejected == 1 ? "row" : "rows") rejected, \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings") → \(path)")
            paths.append(path)
        }
        return (lines, paths)
    }
}
