import Foundation
import XCTest
import ZIPFoundation
@testable import SurveyCore
@testable import SurveyWorkbook

/// Workbooks built part by part (as Excel, LibreOffice and openpyxl write them), read as an agency's return.
final class WorkbookReaderTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let zones: ZoneDirectory = {
        var zones: [Zone] = []
        _ = try? InputFile.check(root.appendingPathComponent("input/zones.csv").path, zones: .empty, onRow: { _, row in
            if !row.isRejected, let z = Zone(form: .zones, values: row.values) { zones.append(z) }
        })
        return ZoneDirectory(zones)
    }()
    /// Three rows of the demo (header and two returns), as read from its CSV.
    static let demo: [(line: Int, cells: [String])] = (try? InputFile.rows(ofFile: root.appendingPathComponent("input/returns/2025/binhu.csv").path, encoding: .utf8BOM).prefix(3).map { $0 }) ?? []

    func temporary(_ name: String, _ data: Data) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsurvey-wb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    func zip(_ parts: [(String, String)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { p, n in
                bytes.subdata(in: Int(p)..<(Int(p) + n))
            }
        }
        return archive.data!
    }

    /// A workbook of `sheets` (name, hidden, sheet XML), with shared strings and a date style (s="1").
    func workbook(sheets: [(String, Bool, String)], strings: [String] = []) throws -> Data {
        var parts: [(String, String)] = [
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/styles.xml", "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\"><numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"176\"/></cellXfs></styleSheet>"),
            ("xl/sharedStrings.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" + strings.map { "<si><t>\($0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</t></si>" }.joined() + "</sst>"),
        ]
        var book = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        var rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rT\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        for (i, (name, hidden, xml)) in sheets.enumerated() {
            book += "<sheet name=\"\(name)\" sheetId=\"\(i + 1)\"\(hidden ? " state=\"hidden\"" : "") r:id=\"rId\(i + 1)\"/>"
            rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
            parts.append(("xl/worksheets/sheet\(i + 1).xml", xml))
        }
        parts.append(("xl/workbook.xml", book + "</sheets></workbook>"))
        parts.append(("xl/_rels/workbook.xml.rels", rels + "</Relationships>"))
        return try zip(parts)
    }

    /// The demo's rows as sheet XML: text as shared strings, numbers as numbers, the date submitted as a serial
    /// number in a date format; `edit` changes a cell's XML (row index, column index, default XML).
    func sheetXML(rows: [[String]], firstRow: Int = 1, strings: inout [String], tail: String = "",
                  edit: (Int, Int, String) -> String = { $2 }) -> String {
        var xml = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        for (r, row) in rows.enumerated() {
            let n = firstRow + r
            xml += "<row r=\"\(n)\">"
            for (c, v) in row.enumerated() where !v.isEmpty {
                let ref = "\(ExcelValues.letters(c))\(n)"
                var cell: String
                let parts = v.split(separator: "-").compactMap { Int($0) }
                if r > 0, parts.count == 3, v.count == 10 {
                    cell = "<c r=\"\(ref)\" s=\"1\"><v>\(ExcelValues.serial(year: parts[0], month: parts[1], day: parts[2]))</v></c>"
                } else if r > 0, Double(v) != nil, !v.hasPrefix("0") || v == "0" || v.hasPrefix("0.") {
                    cell = "<c r=\"\(ref)\"><v>\(v)</v></c>"
                } else {
                    strings.append(v)
                    cell = "<c r=\"\(ref)\" t=\"s\"><v>\(strings.count - 1)</v></c>"
                }
                xml += edit(r, c, cell)
            }
            xml += "</row>"
        }
        return xml + "</sheetData>\(tail)</worksheet>"
    }

    func check(_ data: Data, name: String = "return.xlsx") throws -> (FileSummary, [CheckedRow]) {
        let path = try temporary(name, data)
        var rows: [CheckedRow] = []
        let summary = try InputFile.check(path, zones: Self.zones, onRow: { _, row in rows.append(row) })
        XCTAssertEqual(summary.rows, summary.accepted + summary.rejected, "rows in = accepted + rejected")
        XCTAssertEqual(summary.rows, rows.count)
        return (summary, rows)
    }

    func testARealisticWorkbookReadsAsItsCSV() throws {
        XCTAssertEqual(Self.demo.count, 3)
        var strings: [String] = []
        // Two title rows above the header, as offices like to add.
        let xml = sheetXML(rows: [["2025年度知识产权服务业统计调查表"], ["填报单位：（盖章）"]] + Self.demo.map(\.cells), strings: &strings)
        let (summary, rows) = try check(try workbook(sheets: [("调查表", false, xml)], strings: strings))
        XCTAssertEqual(summary.kind, .returns)
        XCTAssertEqual(summary.format, .xlsx)
        XCTAssertEqual(summary.headerLine, 3)
        XCTAssertEqual(summary.rows, 2)
        XCTAssertEqual(summary.accepted, 2, "\(summary.findings)")
        XCTAssertEqual(rows.map(\.line), [4, 5])
        // The values are the CSV's: revenue exact to the yuan, the date as a date.
        let revenue = Form.returns.index["revenue"]!
        XCTAssertEqual(rows[0].values[revenue], try csvRow(1).values[revenue])
    }

    private func csvRow(_ i: Int) throws -> CheckedRow {
        var rows: [CheckedRow] = []
        _ = try InputFile.check(Self.root.appendingPathComponent("input/returns/2025/binhu.csv").path, zones: Self.zones, onRow: { _, r in rows.append(r) })
        return rows[i - 1]
    }

    func testAnErrorValueOrAFormulaWithoutItsResultRejectsTheRowAndNamesTheCell() throws {
        var strings: [String] = []
        let revenue = Self.demo[0].cells.firstIndex(of: "revenue")!
        let staff = Self.demo[0].cells.firstIndex(of: "staff")!
        let xml = sheetXML(rows: Self.demo.map(\.cells), strings: &strings) { r, c, cell in
            if r == 1 && c == revenue { return "<c r=\"\(ExcelValues.letters(c))2\" t=\"e\"><f>A1/0</f><v>#DIV/0!</v></c>" }
            if r == 2 && c == staff { return "<c r=\"\(ExcelValues.letters(c))3\"><f>SUM(X3:Y3)</f></c>" }
            return cell
        }
        let (summary, rows) = try check(try workbook(sheets: [("调查表", false, xml)], strings: strings))
        XCTAssertEqual(summary.rejected, 2)
        let div = try XCTUnwrap(summary.findings.first { $0.code == "revenue.error_value" })
        XCTAssertEqual(div.cell, "调查表!\(ExcelValues.letters(revenue))2")
        XCTAssertEqual(div.value, "#DIV/0!")
        XCTAssertTrue(div.message.zh.contains("#DIV/0!") && div.message.en.contains("Excel error"))
        XCTAssertFalse(summary.findings.contains { $0.code == "revenue.not_a_number" }, "one finding for the cell, the clearer one")
        let formula = try XCTUnwrap(summary.findings.first { $0.code == "staff.formula_without_value" })
        XCTAssertEqual(formula.value, "=SUM(X3:Y3)")
        XCTAssertTrue(rows.allSatisfy(\.isRejected))
    }

    func testMergedHeaderCellsRejectEveryRowWithOneClearFinding() throws {
        var strings: [String] = []
        var header = Self.demo[0].cells
        header[2] = ""           // the merged-over cell of B1:C1 is empty, as Excel saves it
        let xml = sheetXML(rows: [header] + Self.demo.dropFirst().map(\.cells), strings: &strings,
                           tail: "<mergeCells count=\"1\"><mergeCell ref=\"B1:C1\"/></mergeCells>")
        let (summary, rows) = try check(try workbook(sheets: [("调查表", false, xml)], strings: strings))
        XCTAssertEqual(summary.rows, 2)
        XCTAssertEqual(summary.rejected, 2)
        let merged = try XCTUnwrap(summary.findings.first { $0.code == "header.merged_cells" })
        XCTAssertEqual(merged.value, "B1:C1")
        XCTAssertEqual(merged.cell, "调查表!B1")
        XCTAssertTrue(summary.hasFileError)
        XCTAssertTrue(rows.allSatisfy { $0.findings.map(\.code) == ["file.has_errors"] })
    }

    func testMergedDataCellsAreAWarning() throws {
        var strings: [String] = []
        let xml = sheetXML(rows: Self.demo.map(\.cells), strings: &strings, tail: "<mergeCells count=\"1\"><mergeCell ref=\"AE2:AF2\"/></mergeCells>")
        let (summary, _) = try check(try workbook(sheets: [("调查表", false, xml)], strings: strings))
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(summary.findings.filter { $0.code == "xlsx.merged_cells" }.map(\.value), ["AE2:AF2"])
    }

    func testAHiddenFirstSheetIsPassedOverAndSaidSo() throws {
        var strings: [String] = []
        let xml = sheetXML(rows: Self.demo.map(\.cells), strings: &strings)
        let (summary, _) = try check(try workbook(sheets: [("旧数据", true, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>"),
                                                          ("Sheet2", false, xml)], strings: strings))
        XCTAssertEqual(summary.sheet, "Sheet2")
        XCTAssertEqual(summary.accepted, 2)
        let hidden = try XCTUnwrap(summary.findings.first { $0.code == "xlsx.hidden_sheet" })
        XCTAssertEqual(hidden.value, "旧数据")
        XCTAssertEqual(hidden.severity, .warning)
    }

    func testBadWorkbooksGetAClearErrorAndNothingCrashes() throws {
        // Not a ZIP, named .xlsx.
        let text = try check(Data("营业收入\n1\n".utf8), name: "renamed.xlsx").0
        XCTAssertEqual(text.findings.map(\.code), ["xlsx.not_workbook"])
        // A ZIP that is not a workbook.
        let other = try check(try zip([("hello.txt", "hi")])).0
        XCTAssertEqual(other.findings.map(\.code), ["xlsx.not_workbook"])
        XCTAssertTrue(other.findings[0].message.zh.contains("[Content_Types].xml"))
        // An encrypted workbook: an OLE compound file with an EncryptionInfo stream.
        var ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 1024)
        ole += Array("EncryptionInfo".utf8).flatMap { [$0, 0] } + [UInt8](repeating: 0, count: 1024)
        let encrypted = try check(Data(ole)).0
        XCTAssertEqual(encrypted.findings.map(\.code), ["xlsx.encrypted"])
        XCTAssertTrue(encrypted.findings[0].message.zh.contains("密码"))
        // A sheet cut short.
        var strings: [String] = []
        let xml = sheetXML(rows: Self.demo.map(\.cells), strings: &strings)
        let cut = try check(try workbook(sheets: [("调查表", false, String(xml.prefix(xml.count * 2 / 3)))], strings: strings)).0
        XCTAssertTrue(cut.findings.contains { $0.code == "xlsx.damaged" }, "\(cut.findings.map(\.code))")
        let early = try check(try workbook(sheets: [("调查表", false, String(xml.prefix(200)))], strings: strings)).0
        XCTAssertEqual(early.findings.map(\.code), ["xlsx.damaged"], "broken before its header: damaged, not also empty")
        // An entity in a part is an error, never an expansion (no "billion laughs").
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>"
        let entity = try check(try workbook(sheets: [("调查表", false, laughs)])).0
        XCTAssertFalse(entity.findings.isEmpty)
        XCTAssertEqual(entity.rows, 0)
    }

    func testAZipBombStopsAtTheLimit() throws {
        // 8 MiB of zeros deflate to a few KiB; with a 1 MiB limit the workbook is refused before it is unpacked.
        var strings: [String] = []
        let xml = sheetXML(rows: Self.demo.map(\.cells), strings: &strings) + String(repeating: " ", count: 8 << 20)
        let path = try temporary("bomb.xlsx", try workbook(sheets: [("调查表", false, xml)], strings: strings))
        XCTAssertLessThan(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int, 200_000)
        let summary = try WorkbookCheck.check(FileSummary(path: path), open: { try Workbook(path: path, limit: 1 << 20) },
                                              zones: Self.zones, keepValues: false) { _, _ in }
        XCTAssertEqual(summary.findings.map(\.code), ["xlsx.too_large"])
        XCTAssertTrue(summary.findings[0].message.en.contains("2 GiB"), summary.findings[0].message.en)
        XCTAssertEqual(summary.rows, 0)
    }

    func testAControlCharacterEscapedAsExcelWritesItIsFoundAndNotPassedOn() throws {
        var strings: [String] = []
        var rows = Self.demo.map(\.cells)
        rows[1][1] = "示例_x001B_]0;pwned_x0007_公司"
        let xml = sheetXML(rows: rows, strings: &strings)
        let (summary, _) = try check(try workbook(sheets: [("调查表", false, xml)], strings: strings))
        let finding = try XCTUnwrap(summary.findings.first { $0.code == "agency_name.unsafe_character" }, "\(summary.findings.map(\.code))")
        XCTAssertEqual(finding.cell, "调查表!B2")
        XCTAssertEqual(summary.rejected, 1)
        // Our writer keeps such text literal, and shows a real control character as <U+001B>.
        XCTAssertEqual(WorkbookWriter.escape("a_x0041_b"), "a_x005F_x0041_b")
        XCTAssertEqual(String(decoding: ExcelValues.unescapeOOXML(Array(WorkbookWriter.escape("a_x0041_b").utf8)), as: UTF8.self), "a_x0041_b")
        XCTAssertEqual(WorkbookWriter.escape("<\u{1B}>"), "&lt;&lt;U+001B&gt;&gt;")
    }

    func testTheFeedbackMarksTheCellsAtFault() throws {
        var strings: [String] = []
        var rows = Self.demo.map(\.cells)
        let staff = rows[0].firstIndex(of: "staff")!
        rows[2][staff] = "-3"
        let path = try temporary("r.xlsx", try workbook(sheets: [("调查表", false, sheetXML(rows: rows, strings: &strings))], strings: strings))
        let summary = try InputFile.check(path, zones: Self.zones)
        let data = try FeedbackWorkbook.data(summary, rows: try InputFile.rows(ofFile: path, encoding: nil), language: .zh)
        let archive = try Archive(data: data, accessMode: .read)
        var sheet = Data()
        _ = try archive.extract(archive["xl/worksheets/sheet1.xml"]!) { sheet.append($0) }
        let xml = String(decoding: sheet, as: UTF8.self)
        // The row of line 3 is on sheet row 4 (title, header); its staff cell is one column right (the line number).
        let ref = "\(ExcelValues.letters(staff + 1))4"
        XCTAssertTrue(xml.contains("<c r=\"\(ref)\" s=\"\(WorkbookWriter.Style.error.rawValue)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">-3</t>"), xml)
        XCTAssertTrue(xml.contains("未采用"))
        XCTAssertFalse(xml.contains("<f>"), "no formula in a feedback workbook")
    }
}
