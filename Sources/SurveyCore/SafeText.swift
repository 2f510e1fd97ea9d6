import CIntrinsics

/// Text that is valid Unicode but unsafe to publish or to print: the one rule every reader and output uses.
///
/// **Unsafe** are the characters no agency name, zone name or plan quote can hold and that break or disguise
/// an output: C0 controls other than TAB, LF and CR (XML 1.0 cannot hold them at all, escaped or not; ESC
/// drives a terminal), DEL and the C1 controls U+0080–U+009F, the non-characters (U+FDD0–U+FDEF and the last
/// two code points of every plane, U+FFFE, U+FFFF …), and the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), which make a name display as another.
///
/// The rule (SPEC.md "Input files", README "Bad input"): a text cell holding one is **rejected** with a
/// finding that names the character and its position, so the agency sends its true name again; text that
/// still reaches a publication (an archive written before this rule) has each unsafe character **replaced**
/// by U+FFFD and the replacement counted and warned about — a white paper is never blocked by one name.
public enum SafeText {
    /// Whether a scalar is unsafe (see the type's description).
    @inline(__always)
    public static func isUnsafe(_ v: UInt32) -> Bool {
        if v < 0x20 { return v != 0x09 && v != 0x0A && v != 0x0D }
        if v < 0x7F { return false }
        if v <= 0x9F { return true }
        if v >= 0x202A && v <= 0x202E { return true }
        if v >= 0x2066 && v <= 0x2069 { return true }
        if v >= 0xFDD0 && v <= 0xFDEF { return true }
        return v & 0xFFFE == 0xFFFE
    }

    /// The first unsafe character of UTF-8 bytes: its 1-based character position and its code point.
    /// Byte-level, so a clean cell (the usual case) costs one pass without decoding.
    public static func firstUnsafe(_ b: UnsafeBufferPointer<UInt8>) -> (position: Int, scalar: UInt32)? {
        var i = 0, position = 0
        let n = b.count
        guard let p = b.baseAddress else { return nil }
        // Sixteen bytes at a time (C, see CIntrinsics.h): the bytes that may begin an unsafe character are looked
        // at one by one, the others passed over; the characters before one are its lead bytes, counted. The
        // eight-byte loop below took a sixteenth of validating a big file, its words stopping at every full-width
        // bracket (EF) of a name.
        while i &+ 16 <= n {
            var attention: UInt32 = 0, continuations: UInt32 = 0
            ipsurvey_text_masks(p + i, &attention, &continuations)
            let leads = ~continuations & 0xFFFF
            while attention != 0 {
                let k = attention.trailingZeroBitCount
                attention &= attention &- 1
                let c = p[i &+ k]
                if c == 0x09 || c == 0x0A || c == 0x0D { continue }
                let at = position &+ (leads & ((1 << UInt32(k)) &- 1)).nonzeroBitCount &+ 1
                if c < 0x80 { return (at, UInt32(c)) }          // another control, or DEL
                let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                guard i &+ k &+ len <= n else { return nil }
                var v = UInt32(c) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
                for m in 1..<len { v = v << 6 | UInt32(p[i &+ k &+ m] & 0x3F) }
                if isUnsafe(v) { return (at, v) }
            }
            position &+= leads.nonzeroBitCount
            i &+= 16
        }
        // The rest: eight bytes at a time while none is a control character, DEL, or a lead byte that can start an
        // unsafe character (C2, E2, EF, F0–F4): a name is mostly Chinese, and this was a twentieth of checking
        // a row one character at a time. Characters are counted by their lead bytes; the bytes of a character cut
        // by the word's end are passed over below without being counted again (a cell is UTF-8 here, decoded or
        // validated before it is checked).
        let ones = ByteWords.ones
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { ByteWords.zeroBytes(x) }
        while i < n {
            while i + 8 <= n {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                let attention = zeros(w & (ones &* 0xE0)) | zeros(w ^ (ones &* 0x7F)) | zeros(w ^ (ones &* 0xC2))
                    | zeros(w ^ (ones &* 0xE2)) | zeros(w ^ (ones &* 0xEF)) | zeros((w & (ones &* 0xF0)) ^ (ones &* 0xF0))
                if attention != 0 { break }
                position += 8 - zeros((w & (ones &* 0xC0)) ^ (ones &* 0x80)).nonzeroBitCount
                i += 8
            }
            guard i < n else { break }
            let c = p[i]
            if c & 0xC0 == 0x80 { i += 1; continue }      // the rest of a character begun in a word passed over
            position += 1
            if c < 0x80 {
                if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F { return (position, UInt32(c)) }
                i += 1
                continue
            }
            let len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1
            guard i + len <= n else { return nil }
            // Only C2, E2, EF and F0–F4 lead bytes can start an unsafe character.
            if c == 0xC2 || c == 0xE2 || c == 0xEF || c >= 0xF0 {
                var v = UInt32(c) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
                for k in 1..<len { v = v << 6 | UInt32(p[i + k] & 0x3F) }
                if isUnsafe(v) { return (position, v) }
            }
            i += len
        }
        return nil
    }

    /// The text with every unsafe character replaced by U+FFFD, and how many were replaced.
    public static func publishable(_ s: String) -> (text: String, replaced: Int) {
        var replaced = 0
        guard s.unicodeScalars.contains(where: { isUnsafe($0.value) }) else { return (s, 0) }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isUnsafe(u.value) { out.append("\u{FFFD}"); replaced += 1 } else { out.append(u) }
        }
        return (String(out), replaced)
    }

    /// The text as it may reach a terminal: every control character (LF and TAB too, so one value stays on
    /// one line), DEL, C1, bidi control and non-character shown as `<U+001B>`, so nothing from a file can
    /// move the cursor, set a title, hyperlink (OSC 8) or reorder what the user reads.
    public static func terminal(_ s: String) -> String {
        if isClean(s) { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 || isUnsafe(u.value) {
                out += "<" + codePoint(u.value) + ">"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// No control character (TAB, LF and CR included) and nothing unsafe: the text may be shown as it is.
    public static func isClean(_ s: String) -> Bool {
        !s.unicodeScalars.contains { $0.value < 0x20 || isUnsafe($0.value) }
    }

    /// `U+0001` for a code point, as findings name it.
    public static func codePoint(_ v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A value as a finding may echo it: up to its first line break and at most `limit` characters, marked
    /// with `…` when cut. A value that runs over several lines is usually an unclosed quote that swallowed
    /// the next rows (their contact and phone too), and a 50 MB cell must not come back 50 MB long.
    public static func echo(_ s: String, limit: Int = 80) -> String {
        var cut = false
        var head = Substring(s)
        if let nl = head.firstIndex(where: { $0 == "\n" || $0 == "\r" }) { head = head[..<nl]; cut = true }
        if head.count > limit { head = head.prefix(limit); cut = true }
        return cut ? String(head) + "…" : s
    }
}
