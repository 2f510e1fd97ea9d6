import XCTest
@testable import SurveyCore

final class EncodingTests: XCTestCase {
    func testDetection() throws {
        XCTAssertEqual(try SurveyFile.detectEncoding(temporaryFile(Array("a,b\n中文,1\n".utf8))), .utf8)
        XCTAssertEqual(try SurveyFile.detectEncoding(temporaryFile([0xEF, 0xBB, 0xBF] + Array("a\n".utf8))), .utf8BOM)
        XCTAssertEqual(try SurveyFile.detectEncoding(temporaryFile(GB18030Transcoder.encode("a,b\n中文,1\n"))), .gb18030)
        XCTAssertEqual(try SurveyFile.detectEncoding(temporaryFile(Array("a\n".utf8) + [0xC3])), .gb18030, "a cut sequence at the end is not UTF-8")
    }

    func testUTF8ValidatorAcrossChunkBoundaries() {
        let bytes = Array("知识产权😀,x".utf8)
        for split in 1..<bytes.count {
            var v = UTF8Validator()
            bytes[..<split].withUnsafeBufferPointer { _ = v.feed($0) }
            bytes[split...].withUnsafeBufferPointer { _ = v.feed($0) }
            XCTAssertTrue(v.finish(), "split at \(split)")
        }
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE4, 0xB8], [0xE0, 0x80, 0x80],
                             [0xE4, 0xB8, 0x41], [0xEF, 0xBF], [0xE4, 0x41, 0x80]] {
            // Alone, and after 40 ASCII bytes and Chinese text (the validator's fast paths).
            for prefix in [[], Array(String(repeating: "a", count: 40).utf8) + Array("知识产权".utf8)] {
                var v = UTF8Validator()
                (prefix + bad + Array("x,1\n".utf8)).withUnsafeBufferPointer { _ = v.feed($0) }
                XCTAssertFalse(v.finish(), "\(bad) after \(prefix.count) bytes")
            }
        }
        var v = UTF8Validator()
        Array((String(repeating: "a", count: 33) + "中\u{E000}\u{FFFD}ꀀ,1\n").utf8).withUnsafeBufferPointer { _ = v.feed($0) }
        XCTAssertTrue(v.finish(), "E1–EC and EE–EF lead bytes")
    }

    /// Random bytes made of ASCII, characters of two to four bytes and broken sequences (a stray continuation byte,
    /// an overlong form, a surrogate, a code point above U+10FFFF, a cut character), up to 400 bytes so that the
    /// SIMD validator's blocks are met at every offset, fed whole and cut in two or three at random places: the
    /// validator's verdict is Swift's strict one (`String(validating:)`) every time.
    func testUTF8ValidatorAgreesWithTheStrictCheckWhereverTheInputIsCut() {
        var random = SplitMix64(seed: 8)
        let good: [[UInt8]] = [Array("a,1\n".utf8), Array("知识产权".utf8), Array("é".utf8), Array("😀".utf8), Array("\u{FFFD}".utf8),
                               Array(String(repeating: "x", count: 40).utf8)]
        let bad: [[UInt8]] = [[0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
                              [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xE0, 0x80, 0x80], [0xFF]]
        var invalid = 0
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            let broken = Int.random(in: 0..<3, using: &random) == 0
            while bytes.count < Int.random(in: 0..<400, using: &random) { bytes += good[Int.random(in: 0..<good.count, using: &random)] }
            if broken { bytes.insert(contentsOf: bad[Int.random(in: 0..<bad.count, using: &random)], at: Int.random(in: 0...bytes.count, using: &random)) }
            let expected = String(validating: bytes, as: UTF8.self) != nil
            if !expected { invalid += 1 }
            let cuts = (0..<Int.random(in: 0...2, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }.sorted()
            var v = UTF8Validator()
            var from = 0
            for to in cuts + [bytes.count] {
                bytes[from..<to].withUnsafeBufferPointer { _ = v.feed($0) }
                from = to
            }
            XCTAssertEqual(v.finish(), expected, "round \(round): \(bytes.count) bytes cut at \(cuts)")
        }
        XCTAssertGreaterThan(invalid, 500, "the broken sequences were met")
    }

    func testGB18030DecodesChineseAndLoneEuro() throws {
        let bytes = GB18030Transcoder.encode("名称,金额\n示例机构,") + [0x80] + Array("\n".utf8)
        let path = temporaryFile(bytes)
        var cells: [[String]] = []
        try SurveyFile.records(path, encoding: .gb18030) { r, issues in
            XCTAssertTrue(issues.isEmpty)
            cells.append(r.strings)
        }
        XCTAssertEqual(cells, [["名称", "金额"], ["示例机构", "€"]])
    }

    func testUndecodableByteIsAFindingWithLineAndOffsetAndTheRestIsChecked() throws {
        let good = returnCSV()
        let lines = good.split(separator: "\n").map(String.init)
        // Line 3 holds a byte (0xFF) that is neither UTF-8 nor GB18030; line 4 is fine.
        var bytes = GB18030Transcoder.encode(lines[0] + "\n" + lines[1] + "\n")
        let thirdStart = bytes.count
        let badLine = lines[1].replacingOccurrences(of: validCode(), with: validCode("320311", "MA1XY4124"))
        var third = GB18030Transcoder.encode(badLine)
        // Put the bad byte inside the agency name (column 2).
        let nameStart = third.firstIndex(of: UInt8(ascii: ","))! + 1
        third.insert(0xFF, at: nameStart)
        bytes += third + Array("\n".utf8)
        let fourth = lines[1].replacingOccurrences(of: validCode(), with: validCode("320311", "MA1XY4125"))
        bytes += GB18030Transcoder.encode(fourth + "\n")
        let (summary, rows) = try check(bytes: bytes)
        XCTAssertEqual(summary.encoding, .gb18030)
        XCTAssertEqual(summary.rows, 3)
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(summary.rejected, 1)
        let finding = try XCTUnwrap(rows[1].findings.first { $0.code.hasSuffix("invalid_byte") })
        XCTAssertEqual(finding.line, 3)
        XCTAssertEqual(finding.column, 2)
        XCTAssertEqual(finding.field, "agency_name")
        XCTAssertEqual(finding.value, "FF")
        XCTAssertTrue(finding.message.en.contains("Byte \(thirdStart + nameStart)"), finding.message.en)
        XCTAssertTrue(finding.message.zh.contains("GB18030"))
    }

    func testBOMFileWithAnInvalidByteIsReadAsUTF8WithAFinding() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        let lines = returnCSV().split(separator: "\n").map(String.init)
        bytes += Array((lines[0] + "\n").utf8)
        var row = Array(lines[1].utf8)
        row.insert(0xFE, at: row.firstIndex(of: UInt8(ascii: ","))! + 1)
        bytes += row + [0x0A]
        let (summary, rows) = try check(bytes: bytes)
        XCTAssertEqual(summary.encoding, .utf8BOM)
        XCTAssertEqual(rows[0].findings.first?.code, "agency_name.invalid_byte")
        XCTAssertEqual(rows[0].findings.first?.line, 2)
    }

    func testSameFindingsInEveryEncodingAndLineEnding() throws {
        let text = returnCSV(["revenue": "12a"], extraRows: [["credit_code": "91320311MA1XY41230", "staff_degree": "11"]])
        func normalized(_ bytes: [UInt8]) throws -> [String] {
            let (_, rows) = try check(bytes: bytes)
            return rows.flatMap { $0.findings.map { "\($0.code)|\($0.line!)|\($0.column ?? 0)|\($0.value ?? "")|\($0.message.zh)" } }
        }
        let utf8 = try normalized(Array(text.utf8))
        XCTAssertFalse(utf8.isEmpty)
        XCTAssertEqual(try normalized(GB18030Transcoder.encode(text)), utf8)
        XCTAssertEqual(try normalized([0xEF, 0xBB, 0xBF] + Array(text.utf8)), utf8)
        XCTAssertEqual(try normalized(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)), utf8)
        XCTAssertEqual(try normalized(GB18030Transcoder.encode(text.replacingOccurrences(of: "\n", with: "\r\n"))), utf8)
    }
}
