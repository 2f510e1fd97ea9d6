import XCTest
@testable import SurveyCore

final class CSVParserTests: XCTestCase {
    func testPlainFieldsAndLines() {
        let r = parse("a,b,c\n1,2,3\n")
        XCTAssertEqual(r.map(\.cells), [["a", "b", "c"], ["1", "2", "3"]])
        XCTAssertEqual(r.map(\.line), [1, 2])
    }

    func testQuotedFieldWithCommaAndDoubledQuotes() {
        let r = parse("name,x\n\"示例,\"\"甲\"\"代理\",1\n")
        XCTAssertEqual(r[1].cells, ["示例,\"甲\"代理", "1"])
        XCTAssertTrue(r[1].issues.isEmpty)
    }

    func testQuotedLineBreakKeepsStartLineAndCountsLines() {
        let r = parse("a,b\n\"line one\nline two\",x\nnext,y\n")
        XCTAssertEqual(r[1].cells, ["line one\nline two", "x"])
        XCTAssertEqual(r[1].line, 2)
        XCTAssertEqual(r[2].line, 4, "the record after a two-line cell starts on line 4")
    }

    func testCRLFAndNoFinalNewline() {
        let r = parse("a,b\r\n1,2\r\n3,4")
        XCTAssertEqual(r.map(\.cells), [["a", "b"], ["1", "2"], ["3", "4"]])
        XCTAssertEqual(r.map(\.line), [1, 2, 3])
    }

    func testEmptyFieldsTrailingCommaAndBlankLines() {
        let r = parse("a,b,c\n,,\n\n1,,\n")
        XCTAssertEqual(r.map(\.cells), [["a", "b", "c"], ["", "", ""], ["1", "", ""]])
        XCTAssertEqual(r.map(\.line), [1, 2, 4], "a blank line is not a record but counts as a line")
    }

    func testQuotedEmptyFieldIsARecord() {
        XCTAssertEqual(parse("\"\"\n").map(\.cells), [[""]])
    }

    func testEveryChunkSizeGivesTheSameRecords() {
        let text = "统一社会信用代码,名称\r\n\"a\"\"b\",\"多\n行\"\r\n中文,x\n"
        let whole = parse(text)
        for size in 1...7 {
            let pieces = parse(text, chunk: size)
            XCTAssertEqual(pieces.map(\.cells), whole.map(\.cells), "chunk size \(size)")
            XCTAssertEqual(pieces.map(\.line), whole.map(\.line), "chunk size \(size)")
        }
    }

    func testPlainLinesAndQuotedLinesMixGiveTheSameRecordsAtEveryChunkSize() {
        // Plain lines are read where they lie; a quote, a CR or a chunk boundary sends a line through the
        // state machine. Both must give the same cells and lines.
        let text = "a#b,c+d,e$\n\n1,2,3\n\"q,1\",x,\r\n , ,\nlast,\"\",y\nplain,again,ok\n\n\nend"
        let expected: [[String]] = [["a#b", "c+d", "e$"], ["1", "2", "3"], ["q,1", "x", ""], [" ", " ", ""], ["last", "", "y"],
                                    ["plain", "again", "ok"], ["end"]]
        XCTAssertEqual(parse(text).map(\.cells), expected)
        XCTAssertEqual(parse(text).map(\.line), [1, 3, 4, 5, 6, 7, 10])
        for size in 1...text.utf8.count {
            let pieces = parse(text, chunk: size)
            XCTAssertEqual(pieces.map(\.cells), expected, "chunk size \(size)")
            XCTAssertEqual(pieces.map(\.line), [1, 3, 4, 5, 6, 7, 10], "chunk size \(size)")
        }
    }

    /// A plain line of more cells than the fast path has room for at first (64) keeps every cell when its
    /// room grows mid-line, read whole or in pieces.
    func testAPlainLineOfManyCellsKeepsThemAll() {
        for count in [63, 64, 65, 128, 129, 1000] {
            let cells = (0..<count).map { "c\($0)" }
            let text = "h\n" + cells.joined(separator: ",") + "\nend,x\n"
            for chunk in [1 << 20, 97, 5] {
                let records = parse(text, chunk: chunk)
                XCTAssertEqual(records.map(\.cells), [["h"], cells, ["end", "x"]], "\(count) cells, chunks of \(chunk)")
                XCTAssertEqual(records.map(\.line), [1, 2, 3])
            }
        }
        // Empty cells: 64 commas in each 64 bytes, the room growing in the middle of a block's commas.
        for count in [64, 65, 200, 1000] {
            let text = "h\n" + String(repeating: ",", count: count - 1) + "\nend,x\n"
            for chunk in [1 << 20, 97, 5] {
                let records = parse(text, chunk: chunk)
                XCTAssertEqual(records.map(\.cells), [["h"], Array(repeating: "", count: count), ["end", "x"]], "\(count) empty cells, chunks of \(chunk)")
            }
        }
    }

    /// Lines of up to 300 bytes with commas, quotes and CRs at random places, so that the 64-byte blocks of the
    /// plain-line path meet each of them at every offset: read whole, they give the records (cells, lines and
    /// issues) that the state machine gives them read a byte at a time, and in pieces of 63, 64 and 65 bytes.
    func testLongLinesWithSpecialBytesAtEveryOffsetReadAsByteByByte() {
        var random = SplitMix64(seed: 64)
        let pieces = ["a", "b", "中", "，", " ", ",", ",", ",", "\"", "\r"]     // the last two: not in a plain line
        for round in 0..<400 {
            var text = ""
            for _ in 0..<(1 + Int.random(in: 0..<4, using: &random)) {
                let length = Int.random(in: 0..<300, using: &random)
                // Most lines plain (commas only), some with a quote or CR somewhere along them.
                let special = Int.random(in: 0..<3, using: &random) == 0
                for _ in 0..<length {
                    let k = Int.random(in: 0..<(special ? pieces.count : pieces.count - 2), using: &random)
                    text += pieces[k]
                }
                text += Int.random(in: 0..<8, using: &random) == 0 ? "\r\n" : "\n"
            }
            let byteByByte = parse(text, chunk: 1)
            for chunk in [1 << 20, 63, 64, 65] {
                let records = parse(text, chunk: chunk)
                XCTAssertEqual(records.map(\.cells), byteByByte.map(\.cells), "round \(round), pieces of \(chunk)")
                XCTAssertEqual(records.map(\.line), byteByByte.map(\.line), "round \(round), pieces of \(chunk)")
                XCTAssertEqual(records.map(\.issues), byteByByte.map(\.issues), "round \(round), pieces of \(chunk)")
            }
        }
    }

    func testUnterminatedQuoteIsReportedAtItsRecord() {
        let r = parse("a,b\n1,\"open\n2,3\n")
        XCTAssertEqual(r.count, 2)
        XCTAssertEqual(r[1].line, 2)
        XCTAssertEqual(r[1].issues, [.unterminatedQuote(column: 2)])
    }

    func testStrayQuoteAndTextAfterQuoteAreKeptAndReported() {
        let r = parse("a,b\nab\"c,\"x\"y\n")
        XCTAssertEqual(r[1].cells, ["ab\"c", "xy"])
        XCTAssertEqual(r[1].issues, [.strayQuote(column: 1), .textAfterQuote(column: 2)])
    }

    func testUnterminatedQuoteBecomesAnErrorOfTheRow() throws {
        let text = returnCSV() + "\(validCode()),\"broken,quanshan\n"
        let (summary, rows) = try check(text)
        XCTAssertEqual(rows.count, 2)
        XCTAssertTrue(rows[1].findings.map(\.code).contains("csv.unterminated_quote"))
        XCTAssertEqual(summary.rows, summary.accepted + summary.rejected)
    }
}
