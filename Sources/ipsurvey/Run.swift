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
        This is what `ipsurvey` with no subcommand does. Exit 1 when rows were rejected (the white paper is \
        still written; the rejected rows are listed above it and in the report's data-quality appendix) or a \
        template or schema check failed. With SOURCE_DATE_EPOCH set, it is also the receipt time recorded.

        Example:
          ipsurvey
          ipsurvey run --input /data/2025 --archive /data/ipsurvey.sqlite --lang en
        """
    )

    @Option(help: "Year of the report; default the latest year with annual returns.") var year: Int?
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
            Console.out(IngestOutput.render(ingested, format: .text, language: language))
        } catch let e as FileReadError {
            throw e.fail(language)
        } catch let e as Archive.IngestError {
            Console.err((zh ? "错误：" : "error: ") + e.description)
            throw Exit.usageOrIO
        }
        guard let latest = try year ?? archive.latestAnnualYear() else {
            Console.err(zh ? "错误：存档中没有年度调查表，无法生成白皮书" : "error: no annual returns in the archive; no white paper to write")
            throw Exit.dataErrors
        }
        try ReportCommand.report(archive, year: latest, zones: [], asOf: nil, options: options)
        if ingested.contains(where: { $0.summary.rejected > 0 || $0.summary.hasErrors }) {
            Console.err(zh ? "注意：输入中有被退回的数据行（见上），退出码为 1。" : "note: the input holds rejected rows (listed above); exit code 1.")
            throw Exit.dataErrors
        }
    }
}
