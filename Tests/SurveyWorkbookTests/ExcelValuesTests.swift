import XCTest
@testable import SurveyWorkbook

final class ExcelValuesTests: XCTestCase {
    private func shown(_ s: String) -> String? {
        Array(s.utf8).withUnsafeBufferPointer { ExcelValues.displayed($0).map { String(decoding: $0, as: UTF8.self) } }
    }

    func testNumbersReadAsExcelShowsThem() {
        XCTAssertEqual(shown("1234.5678"), "1234.5678")
        XCTAssertEqual(shown("0.30000000000000004"), "0.3")
        XCTAssertEqual(shown("12.340000000000002"), "12.34")
        XCTAssertEqual(shown("1.5E-3"), "0.0015")
        XCTAssertEqual(shown("2.5E+3"), "2500")
        XCTAssertEqual(shown("99999999999999999"), "100000000000000000")
        XCTAssertEqual(shown("-0"), "0")
        XCTAssertEqual(shown("120"), "120")
        XCTAssertNil(shown("abc"))
        for (text, plain) in [("656.1981", true), ("0.5", true), ("12", true), ("05", false), ("1.50", false), ("-3", false), ("1e5", false), ("1234567890123456", false)] {
            XCTAssertEqual(ExcelValues.isPlain(Array(text.utf8)), plain, text)
            if plain { XCTAssertEqual(shown(text), text) }
        }
        XCTAssertNil(shown("1e"))
    }

    func testSerialDates() {
        func date(_ s: String, _ d1904: Bool = false) -> String? { Array(s.utf8).withUnsafeBufferPointer { ExcelValues.date(serial: $0, date1904: d1904) } }
        XCTAssertEqual(date("45747"), "2025-03-31")
        XCTAssertEqual(date("1"), "1900-01-01")
        XCTAssertEqual(date("61"), "1900-03-01")
        XCTAssertEqual(date("44285", true), "2025-03-31")
        XCTAssertEqual(date("45747.5"), "2025-03-31 12:00:00")
        XCTAssertEqual(ExcelValues.serial(year: 2025, month: 3, day: 31), 45747)
        XCTAssertTrue(ExcelValues.isDateFormat(id: 14, code: nil))
        XCTAssertTrue(ExcelValues.isDateFormat(id: 176, code: "yyyy\"年\"m\"月\"d\"日\""))
        XCTAssertFalse(ExcelValues.isDateFormat(id: 164, code: "0.0000"))
        XCTAssertFalse(ExcelValues.isDateFormat(id: 164, code: "General"), "LibreOffice writes General as a custom format")
        XCTAssertFalse(ExcelValues.isDateFormat(id: 165, code: "#,##0 \"days\""))
    }

    func testReferences() {
        func col(_ s: String) -> Int? { Array(s.utf8).withUnsafeBufferPointer { ExcelValues.column(ofReference: $0) } }
        XCTAssertEqual(col("A1"), 0)
        XCTAssertEqual(col("H12"), 7)
        XCTAssertEqual(col("AA3"), 26)
        XCTAssertNil(col("12"))
        XCTAssertEqual(ExcelValues.letters(27), "AB")
        XCTAssertEqual(ExcelValues.cellName(sheet: "调查表", line: 12, column: 8), "调查表!H12")
        XCTAssertEqual(ExcelValues.cellName(sheet: "My sheet", line: 2, column: 1), "'My sheet'!A2")
        XCTAssertEqual(String(decoding: ExcelValues.unescapeOOXML(Array("a_x000D_b".utf8)), as: UTF8.self), "a\rb")
    }
}
