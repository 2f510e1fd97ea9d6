import Foundation
import XCTest
@testable import SurveyCore

/// Reading one file in parts on every core must give what one pass gives: the summary (counts, findings in line
/// order, with line numbers across parts), the rows, and the bytes handed on, whatever the parts' size.
final class SplitCheckTests: XCTestCase {
    override func tearDown() {
        SplitCheck.minimumSize = 16 << 20; SplitCheck.partSize = 4 << 20; SplitCheck.pieceSize = 1 << 20
    }

    /// Returns of one year with everything a reader must get right: names quoted with a comma and doubled
    /// quotes, a quoted cell holding line breaks, rows with errors and warnings, and duplicates of a credit code
    /// × period near and far (the first one kept).
    static func returnsFile(rows: Int, lineBreak: String = "\n", multiline: Bool = true, finalBreak: Bool = true) -> [UInt8] {
        var rng = SplitMix64(seed: 7)
        var serial = 0
        let agencies = SampleGenerator.makeAgencies(count: rows, zone: 2, rng: &rng, serial: &serial)
        var lines = [SampleGenerator.csvLine(SampleGenerator.writtenFields.map(\.id))]
        for (i, a) in agencies.enumerated() {
            var a = a
            if i % 7 == 3 { a.name = "泉山\"智汇\",分所" + a.name }
            if multiline && i % 53 == 11 { a.name = "多行\n名称\r\n" + a.name }
            var row = SampleGenerator.returnRow(a, year: 2025, rng: &rng)
            if i % 31 == 5 { row[7] = "abc" }                            // revenue not a number: rejected
            if i % 29 == 9 { row[19] = "-3" }                            // staff negative
            if i % 37 == 20, i > 40 { row[0] = SampleGenerator.returnRow(agencies[i - 40], year: 2025, rng: &rng)[0] }   // a duplicate, far
            if i % 41 == 30 { row[0] = SampleGenerator.returnRow(agencies[i - 1], year: 2025, rng: &rng)[0] }            // and near
            lines.append(SampleGenerator.csvLine(row))
        }
        return Array((lines.joined(separator: lineBreak) + (finalBreak ? lineBreak : "")).utf8)
    }

    struct Reading: Equatable {
        var rows = 0, accepted = 0, rejected = 0, size = 0
        var kind: FileKind?
        var encoding: TextEncoding?
        var findings: [Finding] = []
        var lines: [Int] = []
        var values: [[CellValue]] = []
        var rowFindings: [[Finding]] = []
        var bytes: [UInt8] = []
    }

    func read(_ path: String, split: Bool, encoding: TextEncoding? = nil) throws -> Reading {
        var r = Reading()
        func keep(_ row: CheckedRow) { r.lines.append(row.line); r.values.append(row.values); r.rowFindings.append(row.findings) }
        let observe: (UnsafeBufferPointer<UInt8>) -> Void = { r.bytes += $0 }
        let s = split ? try SurveyFile.check(path, zones: testZones, encoding: encoding, observe: observe, checkedRow: keep)
                      : try SurveyFile.check(path, zones: testZones, encoding: encoding, observe: observe, onRow: { _, row in keep(row) })
        (r.rows, r.accepted, r.rejected, r.size, r.kind, r.encoding, r.findings) = (s.rows, s.accepted, s.rejected, s.size, s.kind, s.encoding, s.findings)
        return r
    }

    func testEveryPartSizeGivesWhatOnePassGives() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: files are read in one pass")
        let bytes = Self.returnsFile(rows: 400, multiline: false)
        let path = temporaryFile(bytes)
        let one = try read(path, split: false)
        XCTAssertEqual(one.rows, 400)
        XCTAssertGreaterThan(one.findings.filter { $0.code.hasSuffix("duplicate_in_file") }.count, 15)
        XCTAssertGreaterThan(one.rejected, 40)
        XCTAssertEqual(one.bytes, bytes)
        SplitCheck.minimumSize = 0
        for (part, piece) in [(64, 1 << 20), (97, 13), (300, 64), (1000, 1000), (4096, 512), (100_000, 4096)] {
            SplitCheck.partSize = part; SplitCheck.pieceSize = piece
            // Read in parts indeed (not by falling back to one pass) …
            guard case .done = try SplitCheck.check(path, size: bytes.count, zones: testZones, encoding: .utf8, keepValues: true,
                                                    collectRows: true, observe: { _ in }, onRow: { _ in }) else {
                return XCTFail("part \(part): fell back to one pass")
            }
            // … and the same in every respect.
            let split = try read(path, split: true)
            XCTAssertEqual(split, one, "part size \(part), piece \(piece)")
            // With nobody to see the bytes (validate), the file is not read again to hand them on: the same
            // summary, size included.
            guard case .done(let unobserved) = try SplitCheck.check(path, size: bytes.count, zones: testZones, encoding: .utf8, keepValues: true,
                                                                    collectRows: false, observe: nil, onRow: { _ in }) else {
                return XCTFail("part \(part): fell back to one pass")
            }
            XCTAssertEqual([unobserved.rows, unobserved.accepted, unobserved.rejected, unobserved.size], [one.rows, one.accepted, one.rejected, bytes.count])
            XCTAssertEqual(unobserved.findings, one.findings, "part size \(part), piece \(piece)")
        }
    }

    func testQuotedLineBreaksCRLFBOMAndNoFinalBreak() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: files are read in one pass")
        SplitCheck.minimumSize = 0
        for (name, bytes) in [("multiline", Self.returnsFile(rows: 300)),
                              ("crlf", Self.returnsFile(rows: 300, lineBreak: "\r\n")),
                              ("bom", [0xEF, 0xBB, 0xBF] + Self.returnsFile(rows: 200, multiline: false)),
                              ("no final break", Self.returnsFile(rows: 200, finalBreak: false))] {
            let path = temporaryFile(bytes)
            SplitCheck.minimumSize = Int.max
            let one = try read(path, split: false)
            SplitCheck.minimumSize = 0
            for part in [50, 211, 1500, 8000] {
                SplitCheck.partSize = part; SplitCheck.pieceSize = 333
                XCTAssertEqual(try read(path, split: true), one, "\(name), part size \(part)")
            }
        }
    }

    /// A file read as UTF-8 with a damaged byte far into it (the majority rule keeps it UTF-8): the parts stop
    /// there and one pass takes over, without handing on a byte or a row twice.
    func testDamagedByteHandsOverToOnePass() throws {
        var bytes = Self.returnsFile(rows: 300, multiline: false)
        let at = bytes.count * 3 / 4
        let lf = bytes[at...].firstIndex(of: 0x0A)! + 3       // in the credit code of a late row
        bytes[lf] = 0xFF
        let path = temporaryFile(bytes)
        XCTAssertEqual(try SurveyFile.detectEncoding(path), .utf8)
        let one = try read(path, split: false)
        XCTAssertEqual(one.findings.filter { $0.code.contains("invalid_byte") }.count, 1)
        SplitCheck.minimumSize = 0
        for part in [100, 999, 5000] {
            SplitCheck.partSize = part; SplitCheck.pieceSize = 256
            let split = try read(path, split: true, encoding: .utf8)
            XCTAssertEqual(split, one, "part size \(part)")
            XCTAssertEqual(split.bytes, bytes)
        }
    }

    /// The encoding of a big file is found on every core, and the same as in one pass.
    func testStrictUTF8OnEveryCore() throws {
        let bytes = Self.returnsFile(rows: 300)
        SplitCheck.minimumSize = 0
        XCTAssertEqual(SplitCheck.isStrictUTF8(temporaryFile(bytes), size: bytes.count), ProcessInfo.processInfo.activeProcessorCount > 1 ? true : nil)
        var cut = bytes
        cut[bytes.count - 5] = 0xE4                                     // a sequence cut short near the end
        XCTAssertEqual(SplitCheck.isStrictUTF8(temporaryFile(cut), size: cut.count), ProcessInfo.processInfo.activeProcessorCount > 1 ? false : nil)
    }
}

/// A big file's encoding guessed from its start (`sniffTentatively`) and confirmed by reading every part as UTF-8:
/// the same reading as with the encoding found first, or, when the file proves to be in another encoding after
/// rows were handed on, a clear signal to read it again in that one.
final class TentativeEncodingTests: XCTestCase {
    override func tearDown() {
        SplitCheck.minimumSize = 16 << 20; SplitCheck.partSize = 4 << 20; SplitCheck.pieceSize = 1 << 20
    }

    /// A returns file whose first `asciiBytes` are ASCII (names' other characters made "x"), the rest `rest(text)`.
    func file(asciiBytes: Int, rest: (String) -> [UInt8]) -> (path: String, bytes: [UInt8]) {
        let text = String(decoding: SplitCheckTests.returnsFile(rows: 7000, multiline: false), as: UTF8.self)
        var head = "", tail = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if head.utf8.count < asciiBytes {
                head += String(line.unicodeScalars.map { $0.isASCII ? Character($0) : "x" }) + "\n"
            } else {
                tail += line + "\n"
            }
        }
        let bytes = Array(head.utf8) + rest(String(tail.dropLast()))
        return (temporaryFile(bytes), bytes)
    }

    func read(_ path: String, encoding: TextEncoding?, tentative: Bool) throws -> SplitCheckTests.Reading {
        var r = SplitCheckTests.Reading()
        let s = try SurveyFile.check(path, zones: testZones, encoding: encoding, tentative: tentative, observe: { r.bytes += $0 }) { row in
            r.lines.append(row.line); r.values.append(row.values); r.rowFindings.append(row.findings)
        }
        (r.rows, r.accepted, r.rejected, r.size, r.kind, r.encoding, r.findings) = (s.rows, s.accepted, s.rejected, s.size, s.kind, s.encoding, s.findings)
        return r
    }

    func testAGuessThatHoldsReadsAsTheEncodingFoundFirst() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: files are read in one pass")
        SplitCheck.minimumSize = 0; SplitCheck.partSize = 64 << 10
        let path = temporaryFile(SplitCheckTests.returnsFile(rows: 3000, multiline: true))
        let sniffed = try SurveyFile.sniffTentatively(path)
        XCTAssertTrue(sniffed.tentative)
        XCTAssertEqual(sniffed.encoding, .utf8)
        XCTAssertEqual(sniffed.header, try SurveyFile.sniff(path).header)
        let found = try read(path, encoding: nil, tentative: false)
        XCTAssertEqual(found.encoding, .utf8)
        XCTAssertEqual(found.rows, 3000)
        XCTAssertEqual(try read(path, encoding: .utf8, tentative: true), found)
        // A file with a BOM, or below the size read in parts, is sniffed as before.
        SplitCheck.minimumSize = 16 << 20
        XCTAssertFalse(try SurveyFile.sniffTentatively(path).tentative)
    }

    /// ASCII for its first MiB and more, then Chinese in GB18030: the guess (UTF-8) fails in a later part, after
    /// rows were handed on; the check says so and names GB18030, which a reading from the start then uses.
    func testAGuessProvedWrongAfterRowsWereHandedOnIsSignalled() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: files are read in one pass")
        SplitCheck.minimumSize = 0; SplitCheck.partSize = 64 << 10
        let (path, _) = file(asciiBytes: ChunkedFile.chunkSize + 100_000) { GB18030Transcoder.encode($0) }
        let sniffed = try SurveyFile.sniffTentatively(path)
        XCTAssertTrue(sniffed.tentative, "the first chunk is ASCII")
        XCTAssertEqual(try SurveyFile.detectEncoding(path), .gb18030)
        var handedOn = 0
        XCTAssertThrowsError(try SurveyFile.check(path, zones: testZones, encoding: .utf8, tentative: true) { _ in handedOn += 1 }) { error in
            XCTAssertEqual((error as? SurveyFile.EncodingGuessWrong)?.encoding, .gb18030, "\(error)")
        }
        XCTAssertGreaterThan(handedOn, 1000, "rows of the ASCII parts were handed on before the guess failed")
        let again = try read(path, encoding: .gb18030, tentative: false)
        XCTAssertEqual(again.encoding, .gb18030)
        XCTAssertEqual(again, try read(path, encoding: nil, tentative: false), "as with the encoding found first")
        XCTAssertEqual(again.rows, 7000)
    }

    /// The same start, then UTF-8 Chinese with a few damaged bytes: still UTF-8 (`UTF8Census`), so the reading goes
    /// on from where the parts stopped, as it does with the encoding found first.
    func testAGuessThatHoldsDespiteDamagedBytesGoesOn() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: files are read in one pass")
        SplitCheck.minimumSize = 0; SplitCheck.partSize = 64 << 10
        let (path, _) = file(asciiBytes: ChunkedFile.chunkSize + 100_000) { text in
            // A lead byte of a Chinese character every 40 KB or so made 0xFF (never UTF-8).
            var bytes = Array(text.utf8)
            var next = 5000
            for i in bytes.indices where i >= next && bytes[i] >= 0xE0 { bytes[i] = 0xFF; next = i + 40_000 }
            return bytes
        }
        XCTAssertTrue(try SurveyFile.sniffTentatively(path).tentative)
        XCTAssertEqual(try SurveyFile.detectEncoding(path), .utf8)
        let found = try read(path, encoding: nil, tentative: false)
        XCTAssertTrue(found.findings.contains { $0.code.hasSuffix(".invalid_byte") }, "\(Set(found.findings.map(\.code)))")
        XCTAssertEqual(try read(path, encoding: .utf8, tentative: true), found)
    }
}
