import Foundation
import SurveyCore
import ZIPFoundation

/// A small writer of `.xlsx` files on ZIPFoundation: sheets of inline strings and numbers, a fixed set of styles,
/// column widths and formats, a frozen header, data validation with input messages, hidden sheets.
///
/// Written by hand because no Swift package that resolves here writes workbooks (CoreXLSX only reads them), and
/// what the form and the feedback need is small: about 200 lines against the part of ECMA-376 they use. Every
/// string is an inline string (`t="inlineStr"`), so no text from a file can become a formula, and the bytes
/// depend on the content only: entries have a fixed date and a fixed order, so the same form is the same file.
struct WorkbookWriter {
    /// The styles every workbook has (`s` of a cell, `style` of a column), in `styles.xml`'s order.
    enum Style: Int {
        case plain = 0, header, money, count, text, date, error, warning, title, wrapped, accepted
    }

    enum Value {
        case text(String)
        /// A number in decimal text, as written (`1234.5678`).
        case number(String)
        case empty
    }

    struct Cell {
        var value: Value
        var style: Style = .plain
        init(_ value: Value, _ style: Style = .plain) { self.value = value; self.style = style }
        static func text(_ s: String, _ style: Style = .plain) -> Cell { Cell(.text(s), style) }
    }

    struct Validation {
        /// `list`, `decimal`, `whole`, `textLength`, `date`, or nil for an input message only.
        var type: String?
        var operatorName: String? = nil
        var formula1: String? = nil
        var formula2: String? = nil
        /// Whether a value outside the rule is refused (a list that also takes typed text says no).
        var refuse = true
        var promptTitle: String
        var prompt: String
        var errorTitle: String = ""
        var error: String = ""
        var range: String
    }

    struct Sheet {
        var name: String
        var hidden = false
        var rows: [[Cell]] = []
        /// Width (characters) and default style of each column from A.
        var columns: [(width: Double, style: Style)] = []
        var frozenRows = 0
        var validations: [Validation] = []
        var merges: [String] = []
        init(name: String) { self.name = name }
    }

    var sheets: [Sheet] = []

    /// The workbook's bytes.
    func data() throws -> Data {
        let archive = try ZIPFoundation.Archive(data: Data(), accessMode: .create)
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbookRels),
            ("xl/styles.xml", WorkbookWriter.styles),
        ]
        for (i, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(i + 1).xml", xml(sheet))) }
        // 1980-01-01, the first date a ZIP can hold: the bytes do not depend on when they were written.
        let fixed = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"),
                                   year: 1980, month: 1, day: 1).date ?? Date(timeIntervalSince1970: 315_532_800)
        for (path, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: fixed,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    private var contentTypes: String {
        var s = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
        """
        for i in sheets.indices {
            s += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return s + "</Types>"
    }

    private var workbook: String {
        var s = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView activeTab="0"/></bookViews><sheets>
        """
        for (i, sheet) in sheets.enumerated() {
            s += "<sheet name=\"\(Self.escape(sheet.name))\" sheetId=\"\(i + 1)\"\(sheet.hidden ? " state=\"hidden\"" : "") r:id=\"rId\(i + 1)\"/>"
        }
        return s + "</sheets></workbook>"
    }

    private var workbookRels: String {
        var s = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        """
        for i in sheets.indices {
            s += "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        }
        s += "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return s + "</Relationships>"
    }

    /// Formats: 164 `0.0000` (money, 万元 to the yuan), 1 `0` (counts), 49 `@` (text: a credit code stays as typed),
    /// 165 `yyyy-mm-dd`. Fills: red for an error, yellow for a warning, grey for the header, green for accepted.
    static let styles = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0000"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="3"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font><font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font><font><i/><sz val="10"/><color rgb="FF595959"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts><fills count="6"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFEB9C"/><bgColor indexed="64"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFC6EFCE"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color rgb="FFA6A6A6"/></left><right style="thin"><color rgb="FFA6A6A6"/></right><top style="thin"><color rgb="FFA6A6A6"/></top><bottom style="thin"><color rgb="FFA6A6A6"/></bottom><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="11"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="1" fillId="2" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment wrapText="1" vertical="center"/></xf><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="3" borderId="1" xfId="0" applyNumberFormat="1" applyFill="1" applyBorder="1"/><xf numFmtId="49" fontId="0" fillId="4" borderId="1" xfId="0" applyNumberFormat="1" applyFill="1" applyBorder="1"/><xf numFmtId="49" fontId="2" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf><xf numFmtId="49" fontId="0" fillId="5" borderId="1" xfId="0" applyNumberFormat="1" applyFill="1" applyBorder="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
    """

    private func xml(_ sheet: Sheet) -> String {
        var s = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        """
        s += "<sheetViews><sheetView workbookViewId=\"0\"\(sheet.hidden ? "" : "")>"
        if sheet.frozenRows > 0 {
            s += "<pane ySplit=\"\(sheet.frozenRows)\" topLeftCell=\"A\(sheet.frozenRows + 1)\" activePane=\"bottomLeft\" state=\"frozen\"/>"
            s += "<selection pane=\"bottomLeft\" activeCell=\"A\(sheet.frozenRows + 1)\" sqref=\"A\(sheet.frozenRows + 1)\"/>"
        }
        s += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
        if !sheet.columns.isEmpty {
            s += "<cols>"
            for (i, c) in sheet.columns.enumerated() {
                s += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(c.width)\" customWidth=\"1\"\(c.style == .plain ? "" : " style=\"\(c.style.rawValue)\"")/>"
            }
            s += "</cols>"
        }
        s += "<sheetData>"
        for (r, row) in sheet.rows.enumerated() {
            s += "<row r=\"\(r + 1)\">"
            for (c, cell) in row.enumerated() {
                let ref = "\(ExcelValues.letters(c))\(r + 1)"
                let style = cell.style == .plain ? "" : " s=\"\(cell.style.rawValue)\""
                switch cell.value {
                case .text(let t): s += "<c r=\"\(ref)\"\(style) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(Self.escape(t))</t></is></c>"
                case .number(let n): s += "<c r=\"\(ref)\"\(style)><v>\(Self.escape(n))</v></c>"
                case .empty: if cell.style != .plain { s += "<c r=\"\(ref)\"\(style)/>" }
                }
            }
            s += "</row>"
        }
        s += "</sheetData>"
        if !sheet.merges.isEmpty {
            s += "<mergeCells count=\"\(sheet.merges.count)\">" + sheet.merges.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>"
        }
        if !sheet.validations.isEmpty {
            s += "<dataValidations count=\"\(sheet.validations.count)\">"
            for v in sheet.validations {
                s += "<dataValidation"
                if let t = v.type { s += " type=\"\(t)\"" }
                if let op = v.operatorName { s += " operator=\"\(op)\"" }
                s += " allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"\(v.refuse && v.type != nil ? 1 : 0)\""
                s += " promptTitle=\"\(Self.escape(String(v.promptTitle.prefix(32))))\" prompt=\"\(Self.escape(String(v.prompt.prefix(255))))\""
                if !v.error.isEmpty {
                    s += " errorTitle=\"\(Self.escape(String(v.errorTitle.prefix(32))))\" error=\"\(Self.escape(String(v.error.prefix(255))))\""
                }
                s += " sqref=\"\(v.range)\">"
                if let f = v.formula1 { s += "<formula1>\(Self.escape(f))</formula1>" }
                if let f = v.formula2 { s += "<formula2>\(Self.escape(f))</formula2>" }
                s += "</dataValidation>"
            }
            s += "</dataValidations>"
        }
        s += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        return s + "</worksheet>"
    }

    /// Text for a workbook part (`XMLText.escape`), with a literal `_x0041_` kept literal (`_x005F_x0041_`), since
    /// readers decode that form as an escaped character.
    static func escape(_ text: String) -> String {
        XMLText.escape(text.contains("_x") || text.contains("_X") ? literalEscapes(text) : text)
    }

    private static func literalEscapes(_ text: String) -> String {
        let escaped = ExcelValues.unescapeOOXML(Array(text.utf8))
        guard escaped != Array(text.utf8) else { return text }
        // Some `_xHHHH_` in the text: put `_x005F_` before each one so it reads back as written.
        var out: [UInt8] = []
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            if b[i] == 95, i + 6 < b.count, b[i + 1] == 120 || b[i + 1] == 88, b[i + 6] == 95,
               ExcelValues.unescapeOOXML(Array(b[i...(i + 6)])) != Array(b[i...(i + 6)]) {
                out += Array("_x005F_".utf8)
                out += b[(i + 1)...(i + 6)]
                i += 7
            } else {
                out.append(b[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
