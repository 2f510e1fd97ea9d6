import Crypto
import Foundation
import SurveyCore
import SurveyWorkbook

/// Checking several files as one call: zones files first, so returns are checked against them.
public enum Checking {
    public static func checkAll(_ paths: [String], inputFolder: String, hashing: Bool = true,
                                onFile: (FileSummary) -> Void = { _ in }) throws -> [FileSummary] {
        let files = try InputFile.collect(paths)
        var kinds: [String: FileKind?] = [:]
        var encodings: [String: TextEncoding] = [:]
        // A big file's encoding is only guessed from its start (UTF-8): its check reads it in parts on every core
        // and confirms the guess; the encoding of one that is not read so is found here, as of every other file.
        let sniffs = ParallelResults<(encoding: TextEncoding, header: [String]?, tentative: Bool)>(count: files.count)
        inParallel(files.count) { i in sniffs.set(i, Result { try InputFile.sniffTentatively(files[i]) }) }
        var tentative: Set<String> = []
        for (f, result) in zip(files, sniffs.values) {
            let sniffed = try result.get()
            kinds[f] = sniffed.header.flatMap(HeaderMap.recognise)
            encodings[f] = sniffed.encoding
            if sniffed.tentative { tentative.insert(f) }
        }
        let zoneFiles = files.filter { kinds[$0] == .zones }
        var summaries: [String: FileSummary] = [:]
        var zones: [Zone] = []
        for f in zoneFiles {
            let s = try check(f, zones: .empty, encoding: tentative.contains(f) ? nil : encodings[f], hashing: hashing) { row in
                if !row.isRejected, let z = Zone(form: .zones, values: row.values) { zones.append(z) }
            }
            summaries[f] = s
            onFile(s)
        }
        if zoneFiles.isEmpty { zones = try defaultZones(inputFolder: inputFolder) }
        let directory = ZoneDirectory(zones)
        // The other files are independent: check them side by side (a file is read in one pass by one thread).
        // Results are put back in path order, so the output does not depend on which finished first.
        let others = files.filter { kinds[$0] != .zones }
        let results = ParallelResults<FileSummary>(count: others.count)
        // A big file is read on every core only when the files do not keep the cores busy already: three 80 MB
        // files cut into parts took longer than three files read in one pass each, side by side.
        let big = others.filter { ((try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? NSNumber)?.intValue ?? 0) >= SurveyFile.splitSize }
        let split = big.count < ProcessInfo.processInfo.activeProcessorCount
        let otherEncodings = others.map { split || !tentative.contains($0) ? encodings[$0] : nil }
        let guessed = others.map { split && tentative.contains($0) }
        inParallel(others.count) { i in
            results.set(i, Result {
                try check(others[i], zones: directory, encoding: otherEncodings[i], tentative: guessed[i], hashing: hashing, keepValues: false, split: split) { _ in }
            })
        }
        for (f, result) in zip(others, results.values) {
            let s = try result.get()         // the first failing file in path order
            summaries[f] = s
            onFile(s)
        }
        return files.map { summaries[$0]! }
    }

    /// Runs `body(0..<n)` on up to twice as many threads as cores. More threads than cores, because files differ
    /// in size and a core must not idle on the last one: three equal files on two cores took two rounds
    /// (1M rows: 2.34 s); three threads sharing the two cores finish together.
    public static func inParallel(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let width = max(1, min(n, 2 * ProcessInfo.processInfo.activeProcessorCount))
        let slots = DispatchSemaphore(value: width)
        let group = DispatchGroup()
        for i in 0..<n {
            slots.wait()
            group.enter()
            Thread {
                body(i)
                slots.signal()
                group.leave()
            }.start()
        }
        group.wait()
    }

    /// The zones of INPUT/zones.csv (used when a call names no zones file).
    public static func defaultZones(inputFolder: String) throws -> [Zone] {
        let path = (inputFolder as NSString).appendingPathComponent("zones.csv")
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        var zones: [Zone] = []
        _ = try InputFile.check(path, zones: .empty, onRow: { _, row in
            if !row.isRejected, let z = Zone(form: .zones, values: row.values) { zones.append(z) }
        })
        return zones
    }

    /// `tentative`: `encoding` is the UTF-8 guess of `InputFile.sniffTentatively` (only with `split`); when the
    /// file proves to be in another encoding after rows were handed to `onRow`, it is checked again from the start
    /// in that one, so `onRow` must take rows it may see twice (it does only here, where it keeps none).
    public static func check(_ path: String, zones: ZoneDirectory, encoding: TextEncoding?, tentative: Bool = false, hashing: Bool = true,
                             keepValues: Bool = true, split: Bool = true, onRow: (CheckedRow) -> Void) throws -> FileSummary {
        var hasher = SHA256()
        let observe: (UnsafeBufferPointer<UInt8>) -> Void = { if hashing { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) } }
        var summary: FileSummary
        do {
            summary = split ? try InputFile.check(path, zones: zones, encoding: encoding, tentative: tentative, keepValues: keepValues,
                                                  observe: hashing ? observe : nil, checkedRow: onRow)
                            : try InputFile.check(path, zones: zones, encoding: tentative ? nil : encoding, keepValues: keepValues, observe: observe, onRow: { _, row in onRow(row) })
        } catch let wrong as SurveyFile.EncodingGuessWrong {
            hasher = SHA256()
            summary = try InputFile.check(path, zones: zones, encoding: wrong.encoding, keepValues: keepValues, observe: observe, checkedRow: onRow)
        }
        if hashing { summary.sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined() }
        return summary
    }
}

