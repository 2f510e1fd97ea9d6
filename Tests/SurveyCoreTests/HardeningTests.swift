import Foundation
import XCTest
@testable import SurveyCore

/// Hostile input for the reader and the checker (issue 14): nothing hangs, garbles or leaks.
final class HardeningTests: XCTestCase {
    /// A header of the returns form, as an agency's file begins.
    var header: [UInt8] { Array((Form.returns.fields.map(\.id).joined(separator: ",") + "\n").utf8) }

    // 1. Decoding is linear in the number of bad bytes: a megabyte of 0xFF after a BOM used to take > 300 s.
    func testAMegabyteOfUndecodableBytesIsReadInLinearTimeAsOneFinding() throws {
        for encoding in ["bom", "gbk"] {
            let bytes = (encoding == "bom" ? [0xEF, 0xBB, 0xBF] : []) + header + [UInt8](repeating: 0xFF, count: 1 << 20) + [0x0A]
            let start = Date()
            let (summary, rows) = try check(bytes: bytes)
            XCTAssertLessThan(Date().timeIntervalSince(start), 20, "\(encoding): quadratic again?")
            XCTAssertEqual(summary.rows, 1)
            XCTAssertEqual(summary.rejected, 1)
            let decoding = rows[0].findings.filter { $0.code.hasSuffix("invalid_byte") }
            XCTAssertEqual(decoding.count, 1, "\(encoding): one finding for the cell, not one per byte")
            XCTAssertTrue(decoding[0].message.en.contains("1048576 bytes from byte"), decoding[0].message.en)
            XCTAssertEqual(decoding[0].line, 2)
            // Every echo of the 1 MiB cell is cut.
            for f in rows[0].findings { XCTAssertLessThan((f.value ?? "").count, 100); XCTAssertLessThan(f.message.zh.count, 400) }
        }
    }

    func testEveryLineWithABadByteIsStillLinearAndKeepsItsLineNumber() throws {
        var bytes = header
        for _ in 0..<5_000 { bytes += Array("91320311MA1XY4123".utf8) + [0xFF] + Array(",x\n".utf8) }
        let start = Date()
        let (summary, rows) = try check(bytes: bytes)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
        XCTAssertEqual(summary.rows, 5_000)
        XCTAssertEqual(rows.last?.findings.first { $0.code.hasSuffix("invalid_byte") }?.line, 5_001)
        XCTAssertEqual(rows.last?.findings.first { $0.code.hasSuffix("invalid_byte") }?.column, 1)
    }

    // 2. A control character, non-character or bidi override in a text cell rejects the row with a finding.
    func testUnsafeCharactersInANameRejectTheRowAndSayWhichCharacter() throws {
        for (scalar, shown) in [("\u{01}", "U+0001"), ("\u{1B}[31m", "U+001B"), ("\u{00}", "U+0000"), ("\u{FFFE}", "U+FFFE"),
                                ("\u{FFFF}", "U+FFFF"), ("\u{202E}", "U+202E"), ("\u{85}", "U+0085"), ("\u{1FFFF}", "U+1FFFF")] {
            let (summary, rows) = try check(returnCSV(["agency_name": "示例\(scalar)代理有限公司"]))
            XCTAssertEqual(summary.rejected, 1, shown)
            let f = try XCTUnwrap(rows[0].findings.first { $0.code == "agency_name.unsafe_character" }, shown)
            XCTAssertTrue(f.message.en.contains("character 3 (\(shown))"), f.message.en)
            XCTAssertFalse((f.value ?? "").unicodeScalars.contains { SafeText.isUnsafe($0.value) || $0.value == 0x1B }, "the echo is visible")
        }
        // Ordinary text, tabs and line breaks inside a quoted cell stay accepted.
        let (ok, _) = try check(returnCSV(["agency_name": "“示例”（徐州）代理有限公司 №1"]))
        XCTAssertEqual(ok.accepted, 1)
    }

    func testTheSanitiserReplacesWhatTheCheckerRejects() {
        let (text, replaced) = SafeText.publishable("a\u{01}b\u{FFFF}c\u{202E}d\te\n")
        XCTAssertEqual(text, "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\te\n")
        XCTAssertEqual(replaced, 3)
        XCTAssertEqual(SafeText.terminal("x\u{1B}]8;;http://e\u{07}y"), "x<U+001B>]8;;http://e<U+0007>y")
    }

    // 3. A UTF-8 file with one bad byte is read as UTF-8 with that byte reported, never as GB18030 mojibake.
    func testAUTF8FileWithOneBadByteIsNotReadAsGB18030() throws {
        var text = returnCSV()
        for i in 0..<40 { text += returnCSV(["credit_code": validCode("320311", "MA1XY4\(200 + i)"), "agency_name": "无锡示例知识产权代理有限公司\(i)"])
            .split(separator: "\n").dropFirst().joined(separator: "\n") + "\n" }
        var bytes = Array(text.utf8)
        bytes.insert(0xFF, at: bytes.count - 2)      // on the last line
        let path = temporaryFile(bytes)
        XCTAssertEqual(try SurveyFile.detectEncoding(path), .utf8)
        var names: [String] = []
        let summary = try SurveyFile.check(path, zones: testZones, onRow: { record, _ in names.append(record.string(1)) })
        XCTAssertEqual(summary.rejected, 1, summary.findings.map { "\($0.line ?? 0) \($0.code)" }.joined(separator: "; "))
        XCTAssertEqual(summary.accepted, 40)
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("示例") || $0.hasPrefix("无锡示例") }, names.joined(separator: " "))
        XCTAssertTrue(summary.findings.contains { $0.code.hasSuffix("invalid_byte") && $0.line == 42 })
        // A GBK file still is GBK.
        XCTAssertEqual(try SurveyFile.detectEncoding(temporaryFile(GB18030Transcoder.encode(text))), .gb18030)
    }

    func testAWorkbookOrBinaryNamedCSVIsReportedNotDecoded() throws {
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0x9C, count: 3 << 20)
        let start = Date()
        let (summary, _) = try check(bytes: zip)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertEqual(summary.findings.map(\.code), ["file.not_text"])
        XCTAssertTrue(summary.hasErrors && summary.hasFileError)
        XCTAssertEqual(try check(bytes: [0xFF, 0xFE, 0x61, 0x00]).0.findings.map(\.code), ["file.not_text"])
        XCTAssertEqual(try check(bytes: Array("a,b\n".utf8) + [UInt8](repeating: 0, count: 8)).0.findings.map(\.code), ["file.not_text"])
    }

    // 4. One CSV writer for files opened in Excel: no formula survives.
    func testCSVCellsNeutraliseFormulas() {
        XCTAssertEqual(CSVText.cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        XCTAssertEqual(CSVText.cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0")
        XCTAssertEqual(CSVText.cell("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVText.cell("-2+3"), "'-2+3")
        XCTAssertEqual(CSVText.cell("\tx"), "<U+0009>x", "a control character is shown, not kept")
        XCTAssertEqual(CSVText.cell("-3.25"), "-3.25")
        XCTAssertEqual(CSVText.cell("徐州"), "徐州")
    }

    // 12. Echoes are cut; personal data is never echoed.
    func testEchoesAreCutAndPersonalFieldsAreNotEchoed() throws {
        let long = String(repeating: "长", count: 5000)
        let (_, rows) = try check(returnCSV(["revenue": long, "contact": String(repeating: "张", count: 60), "submitted_on": "13912345678"]))
        let revenue = try XCTUnwrap(rows[0].findings.first { $0.field == "revenue" })
        XCTAssertEqual(revenue.value, String(repeating: "长", count: 80) + "…")
        for f in rows[0].findings where f.field == "contact" || f.field == "submitted_on" {
            XCTAssertNil(f.value)
            XCTAssertFalse(f.message.zh.contains("张张") || f.message.zh.contains("13912345678"), f.message.zh)
        }
    }

    func testAnUnclosedQuoteDoesNotEchoTheRowsItSwallowed() throws {
        var text = returnCSV(["agency_name": "QQQ"]).replacingOccurrences(of: "QQQ", with: "\"示例代理")
        text += returnCSV(["credit_code": validCode("320311", "MA1XY4999"), "contact": "李四", "phone": "13900001111"])
            .split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
        let (_, rows) = try check(text)
        let all = rows.flatMap(\.findings)
        XCTAssertTrue(all.contains { $0.code == "csv.unterminated_quote" })
        for f in all {
            XCTAssertFalse((f.value ?? "").contains("13900001111") || f.message.zh.contains("13900001111"), "\(f)")
            XCTAssertFalse((f.value ?? "").contains("李四") || f.message.zh.contains("李四"), "\(f)")
        }
    }

    func testEveryFindingCodeCanBeSaidInWords() {
        XCTAssertEqual(Rulebook.describe("credit_code.checksum")?.zh, "统一社会信用代码“…”校验位错误（按GB 32100-2015应为…），请核对营业执照。")
        XCTAssertEqual(Rulebook.describe("agency_name.required")?.en, "Required field \"Agency name\" is empty; please fill it in.")
        XCTAssertNotNil(Rulebook.describe("csv.extra_fields"))
        XCTAssertNil(Rulebook.describe("no.such_rule"))
    }

    /// The first unsafe character, one scalar at a time: what `SafeText.firstUnsafe` must give, read eight
    /// bytes at a time.
    private func firstUnsafeByScalars(_ s: String) -> (Int, UInt32)? {
        for (k, u) in s.unicodeScalars.enumerated() {
            let v = u.value
            if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || SafeText.isUnsafe(v) { return (k + 1, v) }
        }
        return nil
    }

    func testFirstUnsafeCharacterFoundAtItsPositionAfterLongRunsOfAnyScript() {
        let name = "宿迁示例卓越智汇知识产权代理有限公司（第1号）"
        let first = Array(name.utf8).withUnsafeBufferPointer { SafeText.firstUnsafe($0) }
        XCTAssertNil(first)
        let cases = [name + "\u{202E}x", "abcdefghijklmnop\u{01}", name + "ÄÖ€𝄞" + "\u{FFFF}", "€€€€€€€€\u{7F}",
                     "ab宿迁\u{2066}", "𝄞𝄞𝄞𝄞\u{85}", "Müller & Söhne GmbH 第二\u{1B}[31m"]
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "1", " ", "\t", "宿", "（", "—", "é", "\u{A0}", "𝄞", "€", "\u{202E}", "\u{01}", "\u{7F}", String(UnicodeScalar(0xFFFE)!), String(UnicodeScalar(0xFDD0)!), "\u{85}", String(UnicodeScalar(0x1FFFF)!)]
        var random: [String] = []
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<40, using: &generator)
            // Mostly safe pieces, now and then an unsafe one, so it is found at every offset in a word.
            random.append((0..<count).map { _ in Int.random(in: 0..<20, using: &generator) == 0 ? pieces[Int.random(in: 11..<pieces.count, using: &generator)] : pieces[Int.random(in: 0..<11, using: &generator)] }.joined())
        }
        for text in cases + random {
            let got = Array(text.utf8).withUnsafeBufferPointer { SafeText.firstUnsafe($0) }
            let expected = firstUnsafeByScalars(text)
            XCTAssertEqual(got?.position, expected?.0, text.debugDescription)
            XCTAssertEqual(got?.scalar, expected?.1, text.debugDescription)
        }
    }
}
