import SurveyCore

/// One row of a sheet as read: its number and its non-empty cells, valid during the call that hands it over.
struct SheetRow {
    let line: Int
    // Valid only during the call that hands the row over, while the part is reading.
    fileprivate unowned(unsafe) let part: SheetPart

    /// The highest 0-based column holding a value, plus one.
    var width: Int { (part.columns.last ?? -1) + 1 }
    var isEmpty: Bool { part.columns.isEmpty }
    var issues: [RecordCheck.CellIssue] { part.issues }

    /// The row as a record of `width` cells (at least the row's own), empty cells where the sheet has none.
    func withRecord<T>(width wanted: Int, _ body: (CSVRecord) throws -> T) rethrows -> T {
        let n = max(wanted, width)
        var starts = [Int](repeating: 0, count: n), ends = [Int](repeating: 0, count: n)
        for (k, c) in part.columns.enumerated() { starts[c] = part.starts[k]; ends[c] = part.ends[k] }
        return try part.buffer.withUnsafeBufferPointer { bytes in
            try starts.withUnsafeBufferPointer { s in
                try ends.withUnsafeBufferPointer { e in
                    try body(CSVRecord(line: line, endLine: line, issues: [], bytes: bytes.baseAddress, starts: s, ends: e))
                }
            }
        }
    }

    func strings(width wanted: Int) -> [String] { withRecord(width: wanted) { $0.strings } }
}

/// The SAX reader of one worksheet: rows of cells with their values as Excel shows them — shared and inline
/// strings, numbers to 15 significant digits, dates of date-formatted cells as `YYYY-MM-DD`, booleans as
/// TRUE/FALSE, formulas by their cached value — and the merged ranges, which Excel writes after the rows.
final class SheetPart: XMLEvents {
    private unowned(unsafe) let workbook: Workbook
    private let dateStyles: [Bool]
    private let date1904: Bool
    private var body: ((SheetRow) throws -> Bool)?
    private(set) var stopped = false
    private(set) var failure: Error? = nil
    /// Merged ranges (`A1:C1`) in the order of the sheet.
    private(set) var merges: [String] = []

    // The row being read.
    fileprivate var buffer: [UInt8] = []
    fileprivate var columns: [Int] = []
    fileprivate var starts: [Int] = []
    fileprivate var ends: [Int] = []
    fileprivate var issues: [RecordCheck.CellIssue] = []
    private var rowNumber = 0
    // The cell being read.
    private var column = -1
    private var type: CellType = .number
    private var style = 0
    private var value: [UInt8] = []
    private var formula: [UInt8] = []
    private var hasFormula = false, hasValue = false
    private var collecting = false, inInline = false, inPhonetic = false, inFormula = false

    private enum CellType { case number, shared, inline, formulaString, boolean, error, date }

    init(workbook: Workbook, body: @escaping (SheetRow) throws -> Bool) {
        self.workbook = workbook; self.body = body
        dateStyles = workbook.dateStyles; date1904 = workbook.date1904
        buffer.reserveCapacity(4096)
    }

    func start(_ name: UnsafePointer<UInt8>, _ attributes: XMLAttributes) {
        guard !stopped else { return }
        switch name[0] {
        case UInt8(ascii: "c") where name[1] == 0:
            column = attributes.value("r").flatMap(ExcelValues.column(ofReference:)) ?? (column + 1)
            style = attributes.value("s").map { b in b.reduce(0) { $0 &* 10 &+ Int($1) &- 48 } } ?? 0
            type = .number
            if let t = attributes.value("t"), let first = t.first {
                switch first {
                case UInt8(ascii: "s"): type = t.count == 1 ? .shared : .formulaString
                case UInt8(ascii: "i"): type = .inline
                case UInt8(ascii: "b"): type = .boolean
                case UInt8(ascii: "e"): type = .error
                case UInt8(ascii: "d"): type = .date
                default: type = .number
                }
            }
            value.removeAll(keepingCapacity: true)
            hasFormula = false; hasValue = false
        case UInt8(ascii: "v") where name[1] == 0:
            collecting = true; hasValue = true
        case UInt8(ascii: "t") where name[1] == 0:
            if inInline && !inPhonetic { collecting = true; hasValue = true }
        case UInt8(ascii: "f") where name[1] == 0:
            hasFormula = true; inFormula = true; formula.removeAll(keepingCapacity: true)
        default:
            if XMLName.equal(name, "row") {
                rowNumber = attributes.value("r").flatMap(ExcelValues.row(ofReference:)) ?? (rowNumber + 1)
                column = -1
                buffer.removeAll(keepingCapacity: true); columns.removeAll(keepingCapacity: true)
                starts.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true); issues.removeAll()
            } else if XMLName.equal(name, "is") {
                inInline = true
            } else if XMLName.equal(name, "rPh") {
                inPhonetic = true
            } else if XMLName.equal(name, "mergeCell"), let ref = attributes.string("ref") {
                merges.append(ref)
            }
        }
    }

    func end(_ name: UnsafePointer<UInt8>) {
        guard !stopped else { return }
        switch name[0] {
        case UInt8(ascii: "v") where name[1] == 0: collecting = false
        case UInt8(ascii: "t") where name[1] == 0: collecting = false
        case UInt8(ascii: "f") where name[1] == 0: inFormula = false
        case UInt8(ascii: "c") where name[1] == 0: finishCell()
        default:
            if XMLName.equal(name, "row") { finishRow() }
            else if XMLName.equal(name, "is") { inInline = false }
            else if XMLName.equal(name, "rPh") { inPhonetic = false }
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        if collecting { value.append(contentsOf: bytes) }
        else if inFormula && formula.count < 200 { formula.append(contentsOf: bytes.prefix(200)) }
    }

    private func finishCell() {
        guard column >= 0 else { return }
        let start = buffer.count
        switch type {
        case .shared:
            let index = value.reduce(0) { $0 &* 10 &+ Int($1) &- 48 }
            guard workbook.strings.withString(index, { buffer.append(contentsOf: $0) }) != nil else {
                fail(WorkbookProblem.damaged("\(cellRef): shared string \(index) of \(workbook.strings.count)"))
                return
            }
        case .inline, .formulaString:
            if value.contains(95) { buffer += ExcelValues.unescapeOOXML(value) } else { buffer += value }
        case .boolean:
            if hasValue { buffer += Array((value == [49] ? "TRUE" : "FALSE").utf8) }
        case .error:
            buffer += value
            issues.append(RecordCheck.CellIssue(column: column, kind: Rulebook.excelError, value: String(decoding: value, as: UTF8.self)))
        case .date:
            // An ISO 8601 date cell (rare; Excel writes serial numbers): its date part, when it has no time.
            let text = String(decoding: value, as: UTF8.self)
            buffer += Array((text.hasSuffix("T00:00:00") ? String(text.prefix(10)) : text).utf8)
        case .number:
            if !value.isEmpty {
                let isDate = style >= 0 && style < dateStyles.count && dateStyles[style]
                if !isDate && ExcelValues.isPlain(value) {
                    buffer += value
                } else {
                    let shown: [UInt8]? = value.withUnsafeBufferPointer { v in
                        isDate ? ExcelValues.date(serial: v, date1904: date1904).map { Array($0.utf8) } : ExcelValues.displayed(v)
                    }
                    buffer += shown ?? value
                }
            }
        }
        if hasFormula && !hasValue {
            let text = "=" + String(decoding: formula, as: UTF8.self)
            issues.append(RecordCheck.CellIssue(column: column, kind: Rulebook.formulaWithoutValue, value: text))
        }
        if buffer.count > start || issues.last?.column == column {
            if let last = columns.last, last >= column {
                // Out of order or repeated (not what Excel writes): keep the later cell's value in its place.
                if let k = columns.firstIndex(of: column) {
                    let bytes = Array(buffer[start...])
                    buffer.removeLast(buffer.count - start)
                    let s = buffer.count
                    buffer += bytes
                    starts[k] = s; ends[k] = buffer.count
                    return
                }
                let k = columns.firstIndex { $0 > column } ?? columns.count
                columns.insert(column, at: k); starts.insert(start, at: k); ends.insert(buffer.count, at: k)
                return
            }
            columns.append(column); starts.append(start); ends.append(buffer.count)
        }
    }

    private var cellRef: String { "\(ExcelValues.letters(max(column, 0)))\(rowNumber)" }

    private func finishRow() {
        guard !columns.isEmpty || !issues.isEmpty else { return }
        do {
            if let body, try !body(SheetRow(line: rowNumber, part: self)) { stopped = true }
        } catch {
            fail(error)
        }
    }

    /// Lets go of the row handler once the sheet is read (it may not outlive the call that passed it).
    func release() { body = nil }

    private func fail(_ error: Error) {
        if failure == nil { failure = error }
        stopped = true
    }
}
