/// Which column holds which field of a form, and what was wrong with the header row.
public struct HeaderMap: Sendable {
    public let form: Form
    /// The 0-based column of each field of the form, or nil when the file lacks it.
    public let columnOfField: [Int?]
    /// The field index held by each column, or nil for an unknown (ignored) column.
    public let fieldOfColumn: [Int?]
    public let findings: [Finding]
    /// A duplicate or missing required column: no row of the file can be used.
    public var hasFileError: Bool { findings.contains { $0.severity == .error } }

    /// Maps a header row onto a form. Headers may be the field id, the Chinese title (with or without its unit
    /// in half- or full-width brackets, with or without 其中：) or the English title, in any order.
    /// `line` is the header's line (a workbook's header row need not be its first).
    public init(headers: [String], form: Form, line: Int = 1) {
        self.form = form
        let keys = HeaderMap.keys(for: form)
        var columnOfField = [Int?](repeating: nil, count: form.fields.count)
        var fieldOfColumn = [Int?](repeating: nil, count: headers.count)
        var findings: [Finding] = []
        for (column, header) in headers.enumerated() {
            let key = HeaderMap.normalize(header)
            if key.isEmpty && header.trimmingASCIIAndIdeographicSpace().isEmpty { continue }
            guard let f = keys[key] else {
                findings.append(Rulebook.finding(Rulebook.unknownColumn, line: line, column: column + 1, value: header))
                continue
            }
            if let earlier = columnOfField[f] {
                findings.append(Rulebook.finding(Rulebook.duplicateColumn, field: form.fields[f], line: line, column: column + 1,
                                                 value: header, other: Bilingual("\(earlier + 1)", "\(earlier + 1)"),
                                                 detail: "\(column + 1)", codeSuffix: "duplicate_column"))
                continue
            }
            columnOfField[f] = column
            fieldOfColumn[column] = f
        }
        for (f, field) in form.fields.enumerated() where field.required && columnOfField[f] == nil {
            findings.append(Rulebook.finding(Rulebook.missingColumn, field: field, line: line, column: nil, codeSuffix: "missing_column"))
        }
        // Codes of header findings are file-level codes (`header.…`), whatever field they name.
        self.findings = findings.map { f in
            var f = f
            if let dot = f.code.lastIndex(of: "."), !f.code.hasPrefix("header.") { f.code = "header." + f.code[f.code.index(after: dot)...] }
            return f
        }
        self.columnOfField = columnOfField
        self.fieldOfColumn = fieldOfColumn
    }

    /// The kind of file a header row belongs to, if any.
    public static func recognise(_ headers: [String]) -> FileKind? {
        let normalized = Set(headers.map(normalize))
        func score(_ form: Form) -> (required: Int, matched: Int) {
            let keys = HeaderMap.keys(for: form)
            var required = 0, matched = 0
            var seen = Set<Int>()
            for h in normalized { if let f = keys[h], seen.insert(f).inserted { matched += 1; if form.fields[f].required { required += 1 } } }
            return (required, matched)
        }
        // A returns file is known by its credit code column and a column only returns have (the registry of
        // agencies shares its first columns); the others by most of their required columns.
        let registry = Set(keys(for: .agencies).keys)
        if score(.returns).matched >= 3, headers.contains(where: { keys(for: .returns)[normalize($0)] == 0 }),
           normalized.contains(where: { keys(for: .returns)[$0] != nil && !registry.contains($0) }) { return .returns }
        var best: (FileKind, Int)? = nil
        for form in [Form.zones, .regional, .targets, .agencies] {
            let s = score(form)
            let needed = form.fields.filter(\.required).count
            if s.required * 2 > needed, s.required > (best?.1 ?? 0) { best = (form.kind, s.required) }
        }
        return best?.0
    }

    /// Lower-case, no spaces, no unit in brackets, no leading 其中.
    static func normalize(_ header: String) -> String {
        var s = header.replacingOccurrences(of: "\u{FEFF}", with: "")
        s = String(s.unicodeScalars.map { c -> Character in
            (0xFF01...0xFF5E).contains(c.value) ? Character(UnicodeScalar(c.value - 0xFEE0)!) : Character(c)
        })
        s = s.trimmingASCIIAndIdeographicSpace().lowercased()
        if s.hasSuffix(")"), let open = s.lastIndex(of: "("), open != s.startIndex { s = String(s[..<open]) }
        if s.hasPrefix("其中:") { s = String(s.dropFirst(3)) }
        return s.filter { $0 != " " && $0 != "\u{3000}" && $0 != "\t" }
    }

    private static let keyCache: [FileKind: [String: Int]] = {
        var all: [FileKind: [String: Int]] = [:]
        for kind in FileKind.allCases {
            let form = Form.of(kind)
            var keys: [String: Int] = [:]
            for (i, f) in form.fields.enumerated() {
                for k in [f.id, f.title.zh, f.title.en, f.header(.zh)] { keys[normalize(k)] = i }
            }
            all[kind] = keys
        }
        return all
    }()

    static func keys(for form: Form) -> [String: Int] { keyCache[form.kind]! }
}
