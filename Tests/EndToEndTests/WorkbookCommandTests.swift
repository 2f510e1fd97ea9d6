import Foundation
import SurveyCore
import SurveyWorkbook
import XCTest

/// Excel in and out through the command line: the blank form, the demo's workbook return, the feedback workbook,
/// and a workbook's life in the archive. (scripts/excel-check opens the same workbooks in LibreOffice and openpyxl.)
final class WorkbookCommandTests: XCTestCase {
    let late = "input/returns/2025/supplement/quanshan-late-returns.csv"
    let demoWorkbook = "input/returns/2025/binhu-agency-return.xlsx"

    func testTheBlankFormIsAWorkbookThatReadsBackAsAnEmptyForm() throws {
        let dir = temporaryDirectory()
        for lang in ["zh", "en"] {
            let a = dir.appendingPathComponent("a-\(lang).xlsx").path, b = dir.appendingPathComponent("b-\(lang).xlsx").path
            XCTAssertEqual(try ipsurvey(["form", "--format", "xlsx", "--lang", lang, "--output", a]).status, 0)
            XCTAssertEqual(try ipsurvey(["form", "--format", "xlsx", "--lang", lang, "--output", b]).status, 0)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: a)), try Data(contentsOf: URL(fileURLWithPath: b)), "same form, same bytes")
            let r = try ipsurvey(["validate", a, "--format", "json"])
            XCTAssertEqual(r.status, 0, r.text)
            XCTAssertTrue(r.text.contains("\"format\":\"xlsx\",\"kind\":\"returns\",\"rows\":0"), r.text)
            // The title row above the header is passed over: no finding at all.
            XCTAssertTrue(r.text.contains("\"findings\":[]"), r.text)
        }
        let rows = try InputFile.rows(ofFile: dir.appendingPathComponent("a-zh.xlsx").path, encoding: nil)
        XCTAssertEqual(rows.map(\.line), [1, 2])
        XCTAssertEqual(rows[1].cells.first, "统一社会信用代码")
        XCTAssertEqual(rows[0].cells.first, "Unified social credit code")
        // Default place: OUT/form-KIND-LANG.xlsx.
        XCTAssertEqual(try ipsurvey(["form", "--format", "xlsx", "--kind", "agencies", "--out", dir.path]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("form-agencies-zh.xlsx").path))
    }

    func testTheDemoWorkbookIsReadLikeTheCSVItCameFrom() throws {
        let r = try ipsurvey(["validate", demoWorkbook, "input/zones.csv"])
        XCTAssertEqual(r.status, 0, r.text)
        XCTAssertTrue(r.text.contains("binhu-agency-return.xlsx  [调查表, Excel「调查表」]  行数 1，接受 1，拒绝 0，警告 0"), r.text)
        // A workbook's finding names its cell: an agency name too long, typed into the demo's workbook.
        let dir = temporaryDirectory()
        let header = try InputFile.rows(ofFile: packageRoot.appendingPathComponent("input/returns/2025/binhu.csv").path, encoding: .utf8BOM)[0].cells
        var row = try InputFile.rows(ofFile: packageRoot.appendingPathComponent(demoWorkbook).path, encoding: nil)[2].cells
        row[1] = String(repeating: "长", count: 120)
        let workbook = dir.appendingPathComponent("long.xlsx")
        try FormWorkbook.data(kind: .returns, language: .zh, zones: [], columns: header, filled: [row]).write(to: workbook)
        let bad = try ipsurvey(["validate", workbook.path, "input/zones.csv", "--format", "json"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.text.contains("\"code\":\"agency_name.too_long\",\"severity\":\"error\",\"line\":3,\"column\":2,\"cell\":\"调查表!B3\""), bad.text)
        let text = try ipsurvey(["validate", workbook.path, "input/zones.csv"]).text
        XCTAssertTrue(text.contains("long.xlsx:3:2 (调查表!B3): 错误 [agency_name.too_long]"), text)
    }

    func testTheFeedbackWorkbookHoldsEveryRowWithItsProblems() throws {
        let dir = temporaryDirectory()
        let r = try ipsurvey(["validate", late, "--format", "xlsx", "--out", dir.path, "--lang", "en"])
        XCTAssertEqual(r.status, 1, "rows were rejected")
        let path = dir.appendingPathComponent("feedback/returns-2025-supplement-quanshan-late-returns.feedback.xlsx").path
        XCTAssertTrue(r.text.contains("→ \(path)"), r.text)
        let rows = try InputFile.rows(ofFile: path, encoding: nil)
        let head = try XCTUnwrap(rows.firstIndex { $0.cells.first == "Line" })
        XCTAssertEqual(rows[head].cells.suffix(2), ["Result", "Problems"])
        let data = rows[(head + 1)...]
        XCTAssertEqual(data.count, 15, "every submitted row")
        XCTAssertEqual(data.filter { $0.cells[$0.cells.count - 2] == "not used" }.count, 11)
        let line4 = try XCTUnwrap(data.first { $0.cells.first == "4" })
        XCTAssertTrue(line4.cells.last!.contains("check character"), line4.cells.last!)
        // Personal data is not echoed back.
        let phone = try XCTUnwrap(rows[head].cells.firstIndex(of: "联系电话"))
        XCTAssertTrue(data.allSatisfy { $0.cells.count <= phone || $0.cells[phone].isEmpty })
    }

    func testAWorkbookIsArchivedByteForByteAndItsRowsReadBack() throws {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("a.sqlite").path
        XCTAssertEqual(try ipsurvey(["ingest", "input/zones.csv", demoWorkbook, "--archive", archive]).status, 0)
        let list = try ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).text
        XCTAssertTrue(list.contains("binhu-agency-return.xlsx"), list)
        let show = try ipsurvey(["archive", "show", "2", "--archive", archive, "--format", "json"]).text
        XCTAssertTrue(show.contains("\"format\":\"xlsx\""), show)
        XCTAssertTrue(show.contains("\"line\":3,\"status\":\"accepted\""), show)
        XCTAssertTrue(show.contains("\"agency_name\":\"无锡示例"), "the row's cells are read back from the stored workbook: \(show)")
        let export = dir.appendingPathComponent("export")
        XCTAssertEqual(try ipsurvey(["archive", "export", "2", "--out", export.path, "--archive", archive]).status, 0)
        let exported = try FileManager.default.contentsOfDirectory(atPath: export.path)
        XCTAssertEqual(try Data(contentsOf: export.appendingPathComponent(exported[0])), try Data(contentsOf: packageRoot.appendingPathComponent(demoWorkbook)))
        XCTAssertEqual(try ipsurvey(["archive", "verify", "--archive", archive]).status, 0)
    }

    func testTextThatLooksLikeAFormulaStaysText() throws {
        let dir = temporaryDirectory()
        let header = try InputFile.rows(ofFile: packageRoot.appendingPathComponent("input/returns/2025/binhu.csv").path, encoding: .utf8BOM)[0].cells
        var row = try InputFile.rows(ofFile: packageRoot.appendingPathComponent(demoWorkbook).path, encoding: nil)[2].cells
        let name = "=HYPERLINK(\"http://evil\",\"x\")"
        row[1] = name
        let workbook = dir.appendingPathComponent("evil.xlsx")
        try FormWorkbook.data(kind: .returns, language: .zh, zones: [], columns: header, filled: [row]).write(to: workbook)
        XCTAssertEqual(try ipsurvey(["validate", workbook.path, "input/zones.csv", "--format", "xlsx", "--out", dir.path]).status, 0)
        let folder = dir.appendingPathComponent("feedback")
        let book = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix("evil.feedback.xlsx") })
        let rows = try InputFile.rows(ofFile: folder.appendingPathComponent(book).path, encoding: nil)
        XCTAssertEqual(rows.last?.cells[2], name, "an inline string: text, never a formula")
    }
}
