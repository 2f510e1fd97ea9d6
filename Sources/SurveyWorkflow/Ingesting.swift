import Foundation
import SurveyArchive
import SurveyCore
import SurveyWorkbook

/// What happened to one file of an ingest.
public struct IngestedFile: Sendable {
    public enum Status: String, Sendable { case stored, unchanged, skipped }
    public let status: Status
    public let summary: FileSummary
    public let stored: Archive.StoredFile?
}

public enum Ingesting {
    /// Ingests every CSV under `paths`: zones files first, then the others in path order. `receivedAt` (stored
    /// form) is the receipt time to record, else now; `progress` is told how far it got, if given.
    public static func ingest(_ paths: [String], into archive: Archive, inputFolder: String, receivedAt: String?,
                              progress: ((String?) -> Void)? = nil) throws -> [IngestedFile] {
        let files = try InputFile.collect(paths)
        var kinds: [String: FileKind?] = [:]
        var sniffed: [String: (encoding: TextEncoding, header: [String]?)] = [:]
        var tentative: Set<String> = []
        var digests: [String: String] = [:]
        // Every file's encoding, header and SHA-256 first, side by side, each file's two apart (two passes over
        // each file, which one after the other were 0.1 s of each 77 MB file before its ingest could start, and
        // 0.3 s of one 254 MB file with a core idle).
        // (A big file's encoding is guessed from its start and confirmed as it is read: `InputFile.sniffTentatively`.)
        let sniffs = ParallelResults<(encoding: TextEncoding, header: [String]?, tentative: Bool)>(count: files.count)
        let hashes = ParallelResults<String>(count: files.count)
        // A path that is not a readable text file (a FIFO, a dangling link, a workbook) is reported and skipped.
        let problems = ParallelResults<Finding?>(count: files.count)
        Checking.inParallel(files.count) { i in problems.set(i, .success(InputFile.problem(files[i]))) }
        var unusable: [String: Finding] = [:]
        for (f, result) in zip(files, problems.values) { if let p = try result.get() { unusable[f] = p } }
        let skip = unusable
        // Only a file of the size of one stored already can be that one again: the others are hashed as they are
        // stored (`Archive.ingest`).
        let storedSizes = Set(try archive.files().map(\.size))
        @Sendable func size(_ path: String) -> Int64? { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value }
        Checking.inParallel(2 * files.count) { k in
            let i = k / 2, unusable = skip[files[i]] != nil
            if k % 2 == 0 { sniffs.set(i, Result { unusable ? (.utf8, nil, false) : try InputFile.sniffTentatively(files[i]) }) }
            else { hashes.set(i, Result { unusable || !storedSizes.contains(size(files[i]) ?? -1) ? "" : try Archive.sha256(of: files[i]) }) }
        }
        for (f, (sniff, hash)) in zip(files, zip(sniffs.values, hashes.values)) {
            let (s, sha) = (try sniff.get(), try hash.get())
            sniffed[f] = (s.encoding, s.header)
            if s.tentative { tentative.insert(f) }
            digests[f] = sha
            kinds[f] = s.header.flatMap(HeaderMap.recognise)
        }
        let ordered = files.filter { kinds[$0] == .zones } + files.filter { kinds[$0] != .zones }
        let fixedTime = receivedAt
        var results: [IngestedFile] = []
        let start = Date()
        var rowsDone = 0
        for (n, path) in ordered.enumerated() {
            if let problem = unusable[path] {
                var summary = FileSummary(path: path)
                summary.findings = [problem]
                results.append(IngestedFile(status: .skipped, summary: summary, stored: nil))
                continue
            }
            // Zones: those given in this call (now stored), else those in the archive, else INPUT/zones.csv.
            var zones = try archive.zones()
            if zones.isEmpty { zones = try Checking.defaultZones(inputFolder: inputFolder) }
            let now = fixedTime ?? Timestamp.string(Date())
            func ingest(_ sniff: (encoding: TextEncoding, header: [String]?)?, tentative: Bool) throws -> Archive.IngestOutcome {
                try archive.ingest(path, zones: ZoneDirectory(zones), receivedAt: now, sniffed: sniff, tentative: tentative,
                                   sha256: digests[path].flatMap { $0.isEmpty ? nil : $0 }) { rows in
                    if let progress {
                        let rate = Double(rowsDone + rows) / max(Date().timeIntervalSince(start), 0.001)
                        progress("\(n)/\(ordered.count) files, \(rowsDone + rows) rows, \(Int(rate)) rows/s — \(path)")
                    }
                }
            }
            let outcome: Archive.IngestOutcome
            do { outcome = try ingest(sniffed[path], tentative: tentative.contains(path)) } catch let wrong as SurveyFile.EncodingGuessWrong {
                // Not UTF-8 after all: nothing was stored; the file again, in the encoding found.
                outcome = try ingest((wrong.encoding, sniffed[path]?.header), tentative: false)
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
        progress?(nil)
        return results
    }
}
