/// Checking the records of one file as they come, whatever the file is made of (CSV text or a workbook's sheet):
/// finds the header, recognises the kind of file, maps the header, checks every data row and counts it.
public final class RecordCheck {
    /// A problem a reader found in one cell that the text of the cell cannot show (a workbook's `#DIV/0!`):
    /// it becomes an error of that cell's row.
    public struct CellIssue: Sendable {
        public let column: Int          // 0-based
        public let kind: FindingKind
        public let value: String
        public init(column: Int, kind: FindingKind, value: String) { self.column = column; self.kind = kind; self.value = value }
    }

    private let zones: ZoneDirectory
    private let encoding: TextEncoding
    private let expectedRows: Int
    private let keepValues: Bool
    /// How many records may come before the header: 1 for CSV (the header is the first record); more for a
    /// workbook, whose header row is found by its titles under any title rows.
    private let headerSearch: Int
    private var checker: RowChecker? = nil
    private var headerError = false
    private var skip = false
    private var seen = 0
    /// A workbook's header candidate: a recognised row, kept until the next record shows whether it is the
    /// header or a title row above it (the blank form has the other language's titles above its header).
    private var candidate: (line: Int, cells: [String], kind: FileKind)? = nil
    public private(set) var sawHeader = false
    /// The header as read, and its line.
    public private(set) var header: [String] = []
    public private(set) var headerLine = 0
    public private(set) var kind: FileKind? = nil

    /// Names the cell of a finding at a line and a 1-based column (`调查表!H12`), for a workbook.
    public var cellName: ((_ line: Int, _ column: Int) -> String)? = nil

    public init(zones: ZoneDirectory, encoding: TextEncoding, expectedRows: Int, keepValues: Bool, headerSearch: Int = 1) {
        self.zones = zones; self.encoding = encoding; self.expectedRows = expectedRows; self.keepValues = keepValues
        self.headerSearch = max(1, headerSearch)
    }

    /// The width of the header, or of the row that may be it: a workbook's rows are padded to it.
    public var headerWidth: Int { candidate?.cells.count ?? header.count }

    /// The form's columns once the header is known (nil before, or for a file of no known kind).
    public var map: HeaderMap? { checker?.header }

    /// A row checker for a later part of the same file, read on another thread (`SplitCheck`, which hands it each
    /// data row through `checkPartRow`): this file's header, already seen (its findings are not repeated), and
    /// credit code × period keys left to the merge (`RowChecker.deferredKey`). Nil before the header, or when the
    /// file's rows are not checked one by one.
    func partChecker() -> RowChecker? {
        guard sawHeader, !skip, !headerError, cellName == nil, let checker, kind != nil else { return nil }
        let part = RowChecker(form: checker.form, header: checker.header, zones: zones, encoding: encoding, expectedRows: 0)
        part.defersUniqueness = true
        return part
    }

    /// The row checker, once the header is known.
    public var rowChecker: RowChecker? { checker }

    /// Takes the next record. `onRow` gets each data row with its outcome.
    public func feed(_ record: CSVRecord, decoding: [DecodingIssue], cellIssues: [CellIssue] = [], into summary: inout FileSummary,
                     onRow: (_ record: CSVRecord, _ row: CheckedRow) throws -> Void) throws {
        if !sawHeader {
            seen += 1
            let cells = record.strings
            if headerSearch == 1 {
                if let first = decoding.first {
                    summary.findings.append(Rulebook.decodingFinding(first, count: decoding.count, field: nil, column: nil, encoding: encoding.label))
                }
                guard let kind = HeaderMap.recognise(cells) else {
                    sawHeader = true
                    summary.findings.append(Rulebook.finding(Rulebook.unrecognised, line: nil, column: nil))
                    skip = true
                    return
                }
                start(kind: kind, cells: cells, line: record.line, into: &summary)
                return
            }
            let kind = HeaderMap.recognise(cells)
            if let candidate {
                if let kind, kind == candidate.kind {
                    self.candidate = (record.line, cells, kind)       // the row above was a title row
                    return
                }
                start(kind: candidate.kind, cells: candidate.cells, line: candidate.line, into: &summary)
                // This record is the first data row: go on below.
            } else if let kind {
                candidate = (record.line, cells, kind)
                return
            } else {
                if seen >= headerSearch {
                    sawHeader = true
                    summary.findings.append(Rulebook.finding(Rulebook.unrecognised, line: nil, column: nil))
                    skip = true
                }
                return
            }
        }
        guard !skip, let checker else { return }
        summary.rows += 1
        var row = checker.check(record, decoding: decoding, keepValues: keepValues)
        if !cellIssues.isEmpty {
            var findings = row.findings
            for issue in cellIssues {
                let fieldIndex = checker.header.fieldOfColumn.indices.contains(issue.column) ? checker.header.fieldOfColumn[issue.column] : nil
                let field = fieldIndex.map { checker.form.fields[$0] }
                // The issue says more than the type check of the same cell (`#DIV/0!` is not a number).
                findings.removeAll { $0.line == record.line && $0.column == issue.column + 1 }
                findings.append(Rulebook.finding(issue.kind, field: field, line: record.line, column: issue.column + 1,
                                                 value: issue.value, codeSuffix: issue.kind.suffix))
            }
            findings.sort { ($0.column ?? 0) < ($1.column ?? 0) }
            row = CheckedRow(line: row.line, values: row.values, findings: findings)
        }
        if headerError {
            row = CheckedRow(line: row.line, values: row.values,
                             findings: [Rulebook.finding(Rulebook.fileError, line: row.line, column: nil)])
        }
        if let cellName, !row.findings.isEmpty {
            row = CheckedRow(line: row.line, values: row.values, findings: row.findings.map { Self.named($0, cellName) })
        }
        Self.tally(row, keepingFindings: !headerError, into: &summary)
        try onRow(record, row)
    }

    /// A data row of a part, checked by a `partChecker()` the caller holds: what `feed` does with it, without
    /// what a part never has (a header to find, a workbook's cell issues, a header with errors, names of cells).
    /// No record checker is retained for the row: taking and dropping references for each of a million rows was
    /// a tenth of validating one big file (`SplitCheck`).
    @inline(__always)
    static func checkPartRow(_ record: CSVRecord, with checker: RowChecker, keepValues: Bool, into summary: inout FileSummary) -> CheckedRow {
        summary.rows += 1
        let row = checker.check(record, keepValues: keepValues)
        tally(row, keepingFindings: true, into: &summary)
        return row
    }

    /// Counts a checked row as accepted or rejected, and keeps its findings (unless the file's header error
    /// stands for them).
    @inline(__always)
    private static func tally(_ row: CheckedRow, keepingFindings: Bool, into summary: inout FileSummary) {
        if row.findings.isEmpty { summary.accepted += 1; return }     // (the usual row: no search for an error)
        if row.isRejected { summary.rejected += 1 } else { summary.accepted += 1 }
        if keepingFindings { summary.findings += row.findings }
    }

    /// After the last record: a header still waiting is the header of a file with no data rows.
    public func finish(into summary: inout FileSummary) {
        if !sawHeader, let candidate { start(kind: candidate.kind, cells: candidate.cells, line: candidate.line, into: &summary) }
        if !sawHeader {
            summary.findings.append(seen == 0 ? Rulebook.finding(Rulebook.emptyFile, line: nil, column: nil)
                                              : Rulebook.finding(Rulebook.unrecognised, line: nil, column: nil))
        }
    }

    private static func named(_ finding: Finding, _ name: (Int, Int) -> String) -> Finding {
        guard let line = finding.line, let column = finding.column else { return finding }
        var f = finding
        f.cell = name(line, column)
        return f
    }

    private func start(kind: FileKind, cells: [String], line: Int, into summary: inout FileSummary) {
        sawHeader = true
        candidate = nil
        self.kind = kind
        header = cells
        headerLine = line
        summary.kind = kind
        summary.headerLine = line
        let map = HeaderMap(headers: cells, form: .of(kind), line: line)
        summary.findings += cellName.map { name in map.findings.map { Self.named($0, name) } } ?? map.findings
        headerError = map.hasFileError
        checker = RowChecker(form: .of(kind), header: map, zones: zones, encoding: encoding, expectedRows: expectedRows)
    }
}
