import SurveyCore

/// How Excel writes cell references, numbers and dates, both ways.
enum ExcelValues {
    /// `A` → 0, `Z` → 25, `AA` → 26 … from the letters at the start of a reference (`H12` → 7). Nil when there
    /// are none or the column is past Excel's last (XFD).
    static func column(ofReference ref: UnsafeBufferPointer<UInt8>) -> Int? {
        var n = 0, letters = 0
        for b in ref {
            let upper = b & ~0x20
            guard upper >= 65 && upper <= 90 else { break }
            n = n * 26 + Int(upper - 64)
            letters += 1
            if letters > 3 { return nil }
        }
        guard letters > 0, n <= 16_384 else { return nil }
        return n - 1
    }

    /// The row number in a reference (`H12` → 12), nil if none.
    static func row(ofReference ref: UnsafeBufferPointer<UInt8>) -> Int? {
        var n = 0, digits = 0
        for b in ref where b >= 48 && b <= 57 {
            n = n * 10 + Int(b - 48)
            digits += 1
            if digits > 7 { return nil }
        }
        return digits > 0 ? n : nil
    }

    /// 0 → `A`, 26 → `AA`.
    static func letters(_ column: Int) -> String {
        var n = column + 1, out: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.insert(UInt8(65 + r), at: 0)
            n = (n - 1) / 26
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `调查表!H12`; a sheet name with spaces or punctuation is quoted as Excel quotes it (`'My sheet'!H12`).
    static func cellName(sheet: String, line: Int, column: Int) -> String {
        let plain = sheet.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
        let name = plain ? sheet : "'" + sheet.replacingOccurrences(of: "'", with: "''") + "'"
        return "\(name)!\(letters(column - 1))\(line)"
    }

    /// A number as Excel stores it (`0.30000000000000004`, `1.5E-3`, `12`) as the decimal Excel shows: at most
    /// 15 significant digits (Excel's own precision), rounded half away from zero, without exponent or trailing
    /// zeros. Done on the digits, never through `Double`, so a money value typed as 1234.5678 reads back exactly.
    /// Nil when the text is not a number.
    static func displayed(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var i = 0, negative = false
        if i < text.count && (text[i] == 45 || text[i] == 43) { negative = text[i] == 45; i += 1 }
        var digits: [UInt8] = []           // significant digits, leading zeros dropped
        var pointExponent = 0              // value = digits × 10^(pointExponent + exponent)
        var sawDigit = false, afterPoint = false
        while i < text.count {
            let b = text[i]
            if b >= 48 && b <= 57 {
                sawDigit = true
                if !(digits.isEmpty && b == 48) { digits.append(b - 48) }
                if afterPoint { pointExponent -= 1 }
            } else if b == 46 && !afterPoint {
                afterPoint = true
            } else { break }
            i += 1
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if i < text.count && (text[i] == 69 || text[i] == 101) {
            i += 1
            var expNegative = false
            if i < text.count && (text[i] == 45 || text[i] == 43) { expNegative = text[i] == 45; i += 1 }
            var e = 0, any = false
            while i < text.count && text[i] >= 48 && text[i] <= 57 { e = min(e * 10 + Int(text[i] - 48), 10_000); any = true; i += 1 }
            guard any else { return nil }
            exponent = expNegative ? -e : e
        }
        guard i == text.count else { return nil }
        var scale = pointExponent + exponent
        if digits.count > 15 {
            let dropped = digits.count - 15
            let roundUp = digits[15] >= 5
            digits.removeLast(dropped)
            scale += dropped
            if roundUp {
                var k = digits.count - 1
                while k >= 0 {
                    if digits[k] == 9 { digits[k] = 0; k -= 1 } else { digits[k] += 1; break }
                }
                if k < 0 { digits.insert(1, at: 0); digits.removeLast(); scale += 1 }
            }
        }
        while let last = digits.last, last == 0, !digits.isEmpty { digits.removeLast(); scale += 1 }
        if digits.isEmpty { return [48] }
        if scale > 20 || scale < -30 { return nil }      // nothing on the form is that large or small
        var out: [UInt8] = negative ? [45] : []
        if scale >= 0 {
            out += digits.map { $0 + 48 }
            out += [UInt8](repeating: 48, count: scale)
        } else {
            let whole = digits.count + scale
            if whole > 0 {
                out += digits[..<whole].map { $0 + 48 }
                out.append(46)
                out += digits[whole...].map { $0 + 48 }
            } else {
                out += [48, 46]
                out += [UInt8](repeating: 48, count: -whole)
                out += digits.map { $0 + 48 }
            }
        }
        return out
    }

    /// Whether a number's text is already as Excel shows it: digits with at most one point, no sign or exponent,
    /// at most 15 digits, no leading zero before another digit, no trailing zero after the point (most cells; no
    /// work to do).
    @inline(__always)
    static func isPlain(_ text: [UInt8]) -> Bool {
        guard !text.isEmpty, text.count <= 16 else { return false }
        var point = false
        for b in text {
            if b == 46 { if point { return false }; point = true; continue }
            guard b >= 48 && b <= 57 else { return false }
        }
        if text.count == 16 && !point { return false }
        if text.count > 1 && text[0] == 48 && text[1] != 46 { return false }
        if point && (text.last == 48 || text.last == 46 || text[0] == 46) { return false }
        return true
    }

    /// An Excel date serial number as `YYYY-MM-DD` (with ` HH:MM:SS` when it has a time of day; nil outside
    /// SimpleDate's years, which the form's date rule would refuse anyway). 1900 system:
    /// day 1 is 1900-01-01 and Excel's phantom 1900-02-29 (day 60) is kept as Lotus had it; 1904 system: day 0 is
    /// 1904-01-01. Nil for a negative or absurd serial.
    static func date(serial text: UnsafeBufferPointer<UInt8>, date1904: Bool) -> String? {
        guard let shown = displayed(text) else { return nil }
        let s = String(decoding: shown, as: UTF8.self)
        let parts = s.split(separator: ".", maxSplits: 1)
        guard let day = Int(parts[0]), day >= 0, day < 2_958_466 else { return nil }
        var fraction = 0.0
        if parts.count == 2 { fraction = Double("0." + parts[1]) ?? 0 }
        // Days since 1970-01-01 of the serial's date.
        let epochDays: Int
        if date1904 {
            epochDays = day - 24_107           // 1904-01-01
        } else {
            if day == 60 { return fraction == 0 ? "1900-02-29" : nil }
            epochDays = (day < 60 ? day + 1 : day) - 25_569
        }
        guard let date = SimpleDate(dayNumber: epochDays) else { return nil }
        var out = date.description
        let seconds = Int((fraction * 86_400).rounded())
        if seconds > 0 && seconds < 86_400 {
            let h = seconds / 3600, mi = seconds / 60 % 60, se = seconds % 60
            func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
            out += " \(two(h)):\(two(mi)):\(two(se))"
        }
        return out
    }

    /// The serial number of a date (1900 system), for writing a date cell.
    static func serial(_ date: SimpleDate) -> Int {
        let serial = date.dayNumber + 25_569
        return serial <= 60 ? serial - 1 : serial
    }

    static func serial(year: Int, month: Int, day: Int) -> Int {
        SimpleDate(year: year, month: month, day: day).map(serial) ?? 0
    }

    /// Whether a number format shows a date or a time: the built-in date formats (14–22, 27–36, 45–47, 50–58, the
    /// East Asian ones among them), or a custom code with y, d, h or s outside quotes, brackets and escapes
    /// (`yyyy"年"m"月"d"日"`, `[$-804]yyyy/m/d`). `[h]:mm` counts; `0.00 "m"` and `General` (LibreOffice writes it
    /// as a custom code) do not.
    static func isDateFormat(id: Int, code: String?) -> Bool {
        switch id {
        case 14...22, 27...36, 45...47, 50...58: return true
        default: break
        }
        guard var code = code?.lowercased() else { return false }
        code = code.replacingOccurrences(of: "general", with: "")
        var inQuote = false, inBracket = false, escape = false
        var bracket = ""
        for ch in code {
            if escape { escape = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    if ["h", "hh", "m", "mm", "s", "ss"].contains(bracket) { return true }
                    bracket = ""
                } else { bracket.append(ch) }
                continue
            }
            switch ch {
            case "\"": inQuote = true
            case "\\", "_", "*": escape = true
            case "[": inBracket = true
            case ";": return false          // only the first section decides
            case "y", "d", "h", "s": return true
            default: continue
            }
        }
        return false
    }

    /// Decodes OOXML's escapes of characters XML cannot hold (`_x000D_` → CR, `_x005F_` → `_`), as Excel writes them
    /// in strings. Bytes without `_x` are returned as they are.
    static func unescapeOOXML(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 7, bytes.contains(95) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt32? {
            switch b {
            case 48...57: UInt32(b - 48)
            case 65...70: UInt32(b - 55)
            case 97...102: UInt32(b - 87)
            default: nil
            }
        }
        while i < bytes.count {
            if bytes[i] == 95, i + 6 < bytes.count, bytes[i + 1] == 120 || bytes[i + 1] == 88, bytes[i + 6] == 95,
               let a = hex(bytes[i + 2]), let b = hex(bytes[i + 3]), let c = hex(bytes[i + 4]), let d = hex(bytes[i + 5]),
               let scalar = Unicode.Scalar(a << 12 | b << 8 | c << 4 | d) {
                out += Array(String(Character(scalar)).utf8)
                i += 7
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
