import Foundation

/// Hand-built JSON, so that keys come in the documented order and output is byte-for-byte stable.
public enum JSONText {
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
                    out += String(format: "\\u%04x", u.value)
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }
    public static func optional(_ i: Int?) -> String { i.map(String.init) ?? "null" }
}

extension Finding {
    /// `{"code", "severity", "line", "column", "field", "value", "message_zh", "message_en"}` (SPEC.md).
    public var json: String {
        "{\"code\":\(JSONText.string(code)),\"severity\":\(JSONText.string(severity.rawValue)),\"line\":\(JSONText.optional(line)),\"column\":\(JSONText.optional(column)),\(cell.map { "\"cell\":\(JSONText.string($0))," } ?? "")\"field\":\(JSONText.optional(field)),\"value\":\(JSONText.optional(value)),\"message_zh\":\(JSONText.string(message.zh)),\"message_en\":\(JSONText.string(message.en))}"
    }

    /// A JSON array of findings.
    public static func jsonArray(_ findings: [Finding]) -> String { "[" + findings.map(\.json).joined(separator: ",") + "]" }

    /// Reads back what `jsonArray` wrote.
    public static func fromJSONArray(_ text: String) -> [Finding] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else { return [] }
        return array.map { o in
            Finding(code: o["code"] as? String ?? "", severity: Severity(rawValue: o["severity"] as? String ?? "") ?? .error,
                    line: o["line"] as? Int, column: o["column"] as? Int, field: o["field"] as? String, value: o["value"] as? String,
                    message: Bilingual(o["message_zh"] as? String ?? "", o["message_en"] as? String ?? ""), cell: o["cell"] as? String)
        }
    }
}

/// CSV cells, escaped as RFC 4180 asks.
public enum CSVText {
    /// A cell of a CSV file someone opens in Excel or LibreOffice: text that would start a formula (`=`, `+`,
    /// `-`, `@`, TAB or CR first, as OWASP's "CSV Injection" lists them) gets a leading `'`, so
    /// `=HYPERLINK(…)` or `+cmd|' /C calc'!A0` from a file shows as text and runs nothing. A plain number
    /// (`-3.25`) is left as it is. Control characters are shown as `<U+001B>`. Then quoted as RFC 4180 wants.
    public static func cell(_ s: String) -> String {
        var text = SafeText.isClean(s) ? s : SafeText.terminal(s)
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), !isPlainNumber(text) {
            text = "'" + text
        }
        return escape(text)
    }

    /// `cell` of the text in these UTF-8 bytes, appended to `out`: the usual cell (valid UTF-8, clean, not starting
    /// a formula) is copied, quoted when it must be, without a String made (a million agencies' names, one String
    /// each, were a tenth of a national white paper's directory); any other goes through `cell`.
    public static func appendCell(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var decoder = Unicode.UTF8(), bytes = b.makeIterator()
        var first = true, quote = false
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let u):
                let v = u.value
                if v < 0x20 || SafeText.isUnsafe(v) || (first && (v == 0x3D || v == 0x2B || v == 0x2D || v == 0x40)) { break decoding }
                if v == 0x2C || v == 0x22 { quote = true }
                first = false
            case .emptyInput:
                guard quote else { out.append(contentsOf: b); return }
                out.append(0x22)
                for c in b { out.append(c); if c == 0x22 { out.append(0x22) } }
                out.append(0x22)
                return
            case .error:
                break decoding
            }
        }
        out.append(contentsOf: cell(String(decoding: b, as: UTF8.self)).utf8)
    }

    /// `-12`, `3.5`, `-0.25`: a number and nothing else.
    static func isPlainNumber(_ s: String) -> Bool {
        var u = Substring(s).utf8[...]
        if u.first == UInt8(ascii: "-") { u = u.dropFirst() }
        guard let first = u.first, (0x30...0x39).contains(first) else { return false }
        var dot = false
        for b in u {
            if b == UInt8(ascii: ".") { if dot { return false }; dot = true; continue }
            if !(0x30...0x39).contains(b) { return false }
        }
        return u.last != UInt8(ascii: ".")
    }

    /// RFC 4180 quoting only (for CSV text ipsurvey itself stores and reads back, never for a file a user opens).
    public static func escape(_ s: String) -> String {
        // Over the bytes, not the Characters: a cell with CR LF in it (one Character, equal to neither) or a comma
        // under a combining mark is quoted too, and a million cells are scanned without grapheme breaking
        // (9 % of writing a 1M-agency directory).
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        // A quote doubled byte by byte (it is ASCII, never inside another character): `replacingOccurrences`
        // went through NSString, 3.5 % of a 1M-agency report.
        var out: [UInt8] = [0x22]
        out.reserveCapacity(s.utf8.count + 8)
        for b in s.utf8 { out.append(b); if b == 0x22 { out.append(0x22) } }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }

    /// Splits one CSV line back into cells (the header of a stored file; the cells rows stored by schema v1 copied).
    public static func cells(of line: String) -> [String] {
        var parser = CSVParser()
        var out: [String] = []
        Array(line.utf8).withUnsafeBufferPointer { parser.feed($0) { out = $0.strings } }
        parser.finish { out = $0.strings }
        return out
    }
}
