import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyWorkflow

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and archive files; accepted rows become the current return. 检查并入库。",
        discussion: """
        Every file is stored byte for byte with its SHA-256; ingesting the same bytes again changes nothing. \
        Each file is one transaction: an interrupted ingest leaves the archive as it was, and running the \
        same command again completes it. Zones files are ingested first; returns are checked against the zones \
        given in the same call, else those in the archive, else INPUT/zones.csv.

        Example:
          ipsurvey ingest input
          ipsurvey ingest --archive /data/ipsurvey.sqlite returns-2025/ --format json
        """
    )

    @Argument(help: "Files or folders to ingest.")
    var paths: [String]

    @Option(help: "Output format: text or json.")
    var format: FindingFormat = .text

    @Option(help: "Receipt time to record (e.g. 2026-03-31 or 2026-03-31T10:00:00+08:00); default now.")
    var receivedAt: String?

    @OptionGroup var options: CommonOptions

    /// The receipt time given, in the stored form.
    static func receipt(_ text: String?) throws -> String? {
        try text.map { text in
            guard let t = Timestamp.parse(text) else { throw ValidationError("--received-at: not a date or time: \(text)") }
            return t
        }
    }

    func run() async throws {
        let language = options.language
        do {
            let archive = try ArchiveCommand.create(options)
            let result = try Ingesting.ingest(paths, into: archive, inputFolder: options.input, receivedAt: try Ingest.receipt(receivedAt),
                                              progress: Console.progressReporter)
            Console.out(IngestOutput.render(result, format: format, language: language))
            if result.contains(where: { $0.summary.rejected > 0 || $0.summary.hasErrors }) { throw Exit.dataErrors }
        } catch let e as FileReadError {
            throw e.fail(language)
        } catch let e as Archive.IngestError {
            Console.err((language == .zh ? "错误：" : "error: ") + e.description)
            throw Exit.usageOrIO
        }
    }
}

/// The ingest report as text or JSON.
enum IngestOutput {
    static func render(_ files: [IngestedFile], format: FindingFormat, language: Language) -> String {
        switch format {
        case .json:
            var out = "{\"files\":["
            out += files.map { f in
                let s = f.summary
                return "{\"file\":\(JSONText.string(s.path)),\"status\":\(JSONText.string(f.status.rawValue)),\"id\":\(f.stored.map { "\($0.id)" } ?? "null"),\"sha256\":\(JSONText.optional(s.sha256)),\"encoding\":\(JSONText.optional(s.encoding?.rawValue)),\"kind\":\(JSONText.optional(s.kind?.rawValue)),\"rows\":\(s.rows),\"accepted\":\(s.accepted),\"rejected\":\(s.rejected),\"warnings\":\(f.stored?.warnings ?? s.warnings),\"findings\":\(Finding.jsonArray(s.findings))}"
            }.joined(separator: ",")
            return out + "]}\n"
        case .text, .csv, .xlsx:
            let zh = language == .zh
            var out = FindingOutput.text(files.filter { $0.status != .unchanged }.map(\.summary), language)
            for f in files where f.status == .unchanged {
                out += zh ? "\(SafeText.terminal(f.summary.path))：与存档中第 \(f.stored!.id) 号文件字节相同（\(f.stored!.receivedAt) 入库），未作改动\n"
                          : "\(SafeText.terminal(f.summary.path)): same bytes as archived file #\(f.stored!.id) (received \(f.stored!.receivedAt)); nothing changed\n"
            }
            let stored = files.filter { $0.status == .stored }.count
            out += zh ? "入库 \(stored) 个文件，\(files.count - stored) 个未改动或跳过\n"
                      : "Stored \(stored) files; \(files.count - stored) unchanged or skipped\n"
            return out
        }
    }
}
