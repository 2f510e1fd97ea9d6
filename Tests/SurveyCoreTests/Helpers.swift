import Foundation
import XCTest
@testable import SurveyCore

/// Writes `bytes` to a temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String = "file.csv") -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsurvey-tests-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try! Data(bytes).write(to: url)
    return url.path
}

let testZones = ZoneDirectory([
    Zone(id: "quanshan", name: Bilingual("徐州市泉山区", "Quanshan District, Xuzhou"), level: "national_pilot", city: "徐州市",
         divisionCode: "320311", planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2026, month: 12, day: 31)!,
         planDocument: "徐政办发〔2024〕8号"),
])

/// A valid credit code in division `division` with the given 9-character body.
func validCode(_ division: String = "320311", _ body: String = "MA1XY4123") -> String {
    let first17 = Array("91\(division)\(body)".utf8)
    return String(decoding: first17 + [CreditCode.checkCharacter(for: first17)], as: UTF8.self)
}

/// Checks CSV text and returns the summary and rows.
func check(_ text: String, zones: ZoneDirectory = testZones) throws -> (FileSummary, [CheckedRow]) {
    try check(bytes: Array(text.utf8), zones: zones)
}

func check(bytes: [UInt8], zones: ZoneDirectory = testZones) throws -> (FileSummary, [CheckedRow]) {
    var rows: [CheckedRow] = []
    let summary = try SurveyFile.check(temporaryFile(bytes), zones: zones, onRow: { _, row in rows.append(row) })
    return (summary, rows)
}

/// Parses CSV bytes fed in chunks of `chunk` bytes; returns (line, cells, issues) per record.
func parse(_ text: String, chunk: Int = 1 << 20) -> [(line: Int, cells: [String], issues: [CSVIssue])] {
    var parser = CSVParser()
    var out: [(Int, [String], [CSVIssue])] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
        let end = min(bytes.count, i + chunk)
        bytes[i..<end].withUnsafeBufferPointer { parser.feed($0) { out.append(($0.line, $0.strings, $0.issues)) } }
        i = end
    }
    parser.finish { out.append(($0.line, $0.strings, $0.issues)) }
    return out
}

/// A minimal valid return as a header and one row, with `overrides` (field id → cell).
func returnCSV(_ overrides: [String: String] = [:], extraRows: [[String: String]] = []) -> String {
    let base: [String: String] = [
        "credit_code": validCode(), "agency_name": "示例代理有限公司", "zone": "quanshan", "period": "2025",
        "agency_kind": "patent_agency", "business_types": "agency", "revenue": "100", "staff": "10",
    ]
    let fields = Form.returns.fields.map(\.id)
    func line(_ o: [String: String]) -> String {
        let merged = base.merging(o) { $1 }
        return fields.map { id in
            let v = merged[id] ?? ""
            return v.contains(",") || v.contains("\"") ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }.joined(separator: ",")
    }
    return ([fields.joined(separator: ",")] + ([overrides] + extraRows).map(line)).joined(separator: "\n") + "\n"
}

/// The codes of the findings of the first data row.
func codes(_ overrides: [String: String]) throws -> [String] {
    let (_, rows) = try check(returnCSV(overrides))
    return rows.first!.findings.map(\.code)
}
