import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore

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

    func run() async throws {
        let language = options.language
        do {
            let archive = try Archive(path: options.archive)
            let result = try Ingesting.ingest(paths, into: archive, options: options, receivedAt: receivedAt)
            Console.out(Ingesting.render(result, format: format, language: language))
            if result.contains(where: { $0.summary.rejected > 0 || $0.summary.hasFileError }) { throw Exit.dataErrors }
        } catch let e as FileReadError {
            throw e.fail(language)
        } catch let e as Archive.IngestError {
            Console.err((language == .zh ? "错误：" : "error: ") + e.description)
            throw Exit.usageOrIO
        }
    }
}

/// What happened to one file of an ingest.
struct IngestedFile {
    enum Status: String { case stored, unchanged, skipped }
    let status: Status
    let summary: FileSummary
    let stored: Archive.StoredFile?
}

enum Ingesting {
    /// Ingests every CSV under `paths`: zones files first, then the others in path order.
    static func ingest(_ paths: [String], into archive: Archive, options: CommonOptions, receivedAt: String?) throws -> [IngestedFile] {
        let files = try SurveyFile.collect(paths)
        var kinds: [String: FileKind?] = [:]
        var sniffed: [String: (encoding: TextEncoding, header: [String]?)] = [:]
        var digests: [String: String] = [:]
        // Every file's encoding, header and SHA-256 first, side by side (two passes over each file, which
        // one after the other were 0.1 s of each 77 MB file before its ingest could start).
        let found = ParallelResults<(sniffed: (encoding: TextEncoding, header: [String]?), sha256: String)>(count: files.count)
        Checking.inParallel(files.count) { i in found.set(i, Result { (try SurveyFile.sniff(files[i]), try Archive.sha256(of: files[i])) }) }
        for (f, result) in zip(files, found.values) {
            let (s, sha) = try result.get()
            sniffed[f] = s
            digests[f] = sha
            kinds[f] = s.header.flatMap(HeaderMap.recognise)
        }
        let ordered = files.filter { kinds[$0] == .zones } + files.filter { kinds[$0] != .zones }
        let fixedTime = try receivedAt.map { text -> String in
            guard let t = Timestamp.parse(text) else { throw ValidationError("--received-at: not a date or time: \(text)") }
            return t
        }
        var results: [IngestedFile] = []
        let start = Date()
        var rowsDone = 0
        let showProgress = Console.stderrIsTerminal
        for (n, path) in ordered.enumerated() {
            // Zones: those given in this call (now stored), else those in the archive, else INPUT/zones.csv.
            var zones = try archive.zones()
            if zones.isEmpty { zones = try Checking.defaultZones(options) }
            let now = fixedTime ?? Timestamp.string(Date())
            let outcome = try archive.ingest(path, zones: ZoneDirectory(zones), receivedAt: now, sniffed: sniffed[path],
                                             sha256: digests[path]) { rows in
                if showProgress {
                    let rate = Double(rowsDone + rows) / max(Date().timeIntervalSince(start), 0.001)
                    Console.progress("\(n)/\(ordered.count) files, \(rowsDone + rows) rows, \(Int(rate)) rows/s — \(path)")
                }
            }
            switch outcome {
            case .stored(let file, let summary):
                rowsDone += summary.rows
                results.append(IngestedFile(status: .stored, summary: summary, stored: file))
            case .unchanged(let file):
                var summary = FileSummary(path: path)
                summary.kind = FileKind(rawValue: file.kind)
                summary.encoding = TextEncoding(rawValue: file.encoding)
                summary.sha256 = file.sha256
                summary.rows = file.rows; summary.accepted = file.accepted; summary.rejected = file.rejected
                results.append(IngestedFile(status: .unchanged, summary: summary, stored: file))
            case .skipped(let summary):
                results.append(IngestedFile(status: .skipped, summary: summary, stored: nil))
            }
        }
        if showProgress { Console.progress(nil) }
        return results
    }

    static func render(_ files: [IngestedFile], format: FindingFormat, language: Language) -> String {
        switch format {
        case .json:
            var out = "{\"files\":["
            out += files.map { f in
                let s = f.summary
                return "{\"file\":\(JSONText.string(s.path)),\"status\":\(JSONText.string(f.status.rawValue)),\"id\":\(f.stored.map { "\($0.id)" } ?? "null"),\"sha256\":\(JSONText.optional(s.sha256)),\"encoding\":\(JSONText.optional(s.encoding?.rawValue)),\"kind\":\(JSONText.optional(s.kind?.rawValue)),\"rows\":\(s.rows),\"accepted\":\(s.accepted),\"rejected\":\(s.rejected),\"warnings\":\(f.stored?.warnings ?? s.warnings),\"findings\":\(Finding.jsonArray(s.findings))}"
            }.joined(separator: ",")
            return out + "]}\n"
        case .text, .csv:
            let zh = language == .zh
            var out = FindingOutput.text(files.filter { $0.status != .unchanged }.map(\.summary), language)
            for f in files where f.status == .unchanged {
                out += zh ? "\(f.summary.path)：与存档中第 \(f.stored!.id) 号文件字节相同（\(f.stored!.receivedAt) 入库），未作改动\n"
                          : "\(f.summary.path): same bytes as archived file #\(f.stored!.id) (received \(f.stored!.receivedAt)); nothing changed\n"
            }
            let stored = files.filter { $0.status == .stored }.count
            out += zh ? "入库 \(stored) 个文件，\(files.count - stored) 个未改动或跳过\n"
                      : "Stored \(stored) files; \(files.count - stored) unchanged or skipped\n"
            return out
        }
    }
}
