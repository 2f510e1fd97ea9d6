/// Text put into XML someone else's program reads (an SVG chart, a workbook part).
public enum XMLText {
    /// `& < > " '` escaped, valid in content and in attribute values; a character XML 1.0 cannot hold (a C0
    /// control but tab, LF and CR, U+FFFE, U+FFFF) shown as `<U+001B>`, as a terminal shows it (SafeText), since a
    /// document holding one is not well-formed.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF {
                    out += "&lt;" + SafeText.codePoint(c.value) + "&gt;"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }
}
