import Foundation
import SurveyCore

/// Checking a workbook: the sheet of the form (or the first visible one), its header found by its titles, every
/// row checked as a CSV row is, each finding naming its cell.
enum WorkbookCheck {
    /// How many rows may come before the header (titles, notes).
    static let headerSearch = 30

    /// The sheet to read: the first visible one named as a form is (调查表, returns …), else the first visible
    /// sheet; and the hidden first sheet passed over, if one was.
    static func choose(_ workbook: Workbook) -> (SheetEntry, skipped: SheetEntry?) {
        let names = Set(FileKind.allCases.flatMap { [$0.name.zh, $0.name.en.lowercased()] })
        let visible = workbook.sheets.filter { !$0.hidden }
        let chosen = visible.first { names.contains($0.name.lowercased()) } ?? visible.first ?? workbook.sheets[0]
        let first = workbook.sheets[0]
        return (chosen, first.hidden && first.name != chosen.name ? first : nil)
    }

    static func check(_ start: FileSummary, open: () throws -> Workbook, zones: ZoneDirectory, keepValues: Bool,
                      onRow: (_ record: CSVRecord, _ row: CheckedRow) throws -> Void) throws -> FileSummary {
        var summary = start
        let workbook: Workbook
        do { workbook = try open() } catch let problem as WorkbookProblem {
            summary.findings.append(problem.finding)
            return summary
        }
        let (sheet, skipped) = choose(workbook)
        summary.sheet = sheet.name
        if let skipped {
            summary.findings.append(Rulebook.finding(Rulebook.hiddenSheet, line: nil, column: nil, value: skipped.name, detail: SafeText.echo(sheet.name)))
        }
        let checking = RecordCheck(zones: zones, encoding: .utf8, expectedRows: 1024, keepValues: keepValues, headerSearch: headerSearch)
        checking.cellName = { line, column in ExcelValues.cellName(sheet: sheet.name, line: line, column: column) }
        // Excel writes merged ranges after the rows. A header with an empty title between two others may be a
        // merged one: its rows are held back until the ranges are known (a sound header streams).
        var holding: Bool? = nil
        var held: [(cells: [String], row: CheckedRow)] = []
        var part: SheetPart? = nil
        var damaged = false
        do { try withoutActuallyEscaping(onRow) { onRow in
            part = try workbook.read(sheet) { row in
                try row.withRecord(width: checking.headerWidth) { record in
                    try checking.feed(record, decoding: [], cellIssues: row.issues, into: &summary) { record, checked in
                        if holding == nil { holding = hasGap(checking.header) }
                        if holding == true { held.append((record.strings, checked)) } else { try onRow(record, checked) }
                    }
                }
                return true
            }
        } } catch let problem as WorkbookProblem {
            // Rows read before the damage stay as checked; the finding says where reading stopped.
            summary.findings.append(problem.finding)
            damaged = true
        }
        // A sheet broken before its header is damaged, not empty or unrecognised.
        if !damaged || checking.sawHeader { checking.finish(into: &summary) }
        let merges = (part?.merges ?? []).compactMap(Range.init)
        let headerLine = checking.headerLine
        let inHeader = merges.filter { checking.kind != nil && $0.rows.contains(headerLine) && $0.columns.count > 1 }
        if !inHeader.isEmpty && holding == true {
            summary.findings.removeAll { ($0.line ?? 0) > headerLine }
            var f = Rulebook.finding(Rulebook.mergedHeader, line: headerLine, column: inHeader[0].columns.lowerBound + 1,
                                     value: inHeader.map(\.text).joined(separator: ", "))
            f.cell = ExcelValues.cellName(sheet: sheet.name, line: headerLine, column: inHeader[0].columns.lowerBound + 1)
            summary.findings.append(f)
            summary.accepted = 0
            summary.rejected = held.count
            held = held.map { ($0.cells, CheckedRow(line: $0.row.line, values: $0.row.values,
                                                    findings: [Rulebook.finding(Rulebook.fileError, line: $0.row.line, column: nil)])) }
        }
        for (cells, row) in held { try withRecord(cells, line: row.line) { try onRow($0, row) } }
        for m in merges where checking.kind != nil && m.rows.lowerBound >= headerLine && !(inHeader.contains { $0.text == m.text } && holding == true) {
            var f = Rulebook.finding(Rulebook.mergedCells, line: m.rows.lowerBound, column: m.columns.lowerBound + 1, value: m.text)
            f.cell = ExcelValues.cellName(sheet: sheet.name, line: m.rows.lowerBound, column: m.columns.lowerBound + 1)
            summary.findings.append(f)
        }
        return summary
    }

    /// An empty title between two titled columns.
    static func hasGap(_ header: [String]) -> Bool {
        let filled = header.map { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let first = filled.firstIndex(of: true), let last = filled.lastIndex(of: true) else { return false }
        return filled[first...last].contains(false)
    }

    /// A record of the given cells, for rows held back.
    static func withRecord<T>(_ cells: [String], line: Int, _ body: (CSVRecord) throws -> T) rethrows -> T {
        var bytes: [UInt8] = [], starts: [Int] = [], ends: [Int] = []
        for c in cells { starts.append(bytes.count); bytes += c.utf8; ends.append(bytes.count) }
        return try bytes.withUnsafeBufferPointer { b in
            try starts.withUnsafeBufferPointer { s in
                try ends.withUnsafeBufferPointer { e in
                    try body(CSVRecord(line: line, endLine: line, issues: [], bytes: b.baseAddress, starts: s, ends: e))
                }
            }
        }
    }

    /// A merged range, `B2:D3`.
    struct Range {
        let text: String
        let rows: ClosedRange<Int>
        let columns: ClosedRange<Int>
        init?(_ text: String) {
            let ends = text.split(separator: ":").map { Array($0.utf8) }
            guard ends.count == 2 else { return nil }
            let parsed = ends.map { e in e.withUnsafeBufferPointer { (ExcelValues.column(ofReference: $0), ExcelValues.row(ofReference: $0)) } }
            guard let c1 = parsed[0].0, let r1 = parsed[0].1, let c2 = parsed[1].0, let r2 = parsed[1].1 else { return nil }
            self.text = text
            rows = min(r1, r2)...max(r1, r2)
            columns = min(c1, c2)...max(c1, c2)
        }
    }
}
