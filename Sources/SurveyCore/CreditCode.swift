/// A unified social credit code (统一社会信用代码, GB 32100-2015).
public struct CreditCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 18 characters packed 5 bits each (the alphabet has 31 letters), first twelve in `high`, last six in
    /// `low`: no heap string per code (a million-return query made and freed one per return), hashing and
    /// comparing are two integer operations, and the order is that of the text (the alphabet is in ASCII order).
    let high: UInt64, low: UInt64

    init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    /// The 18 normalised characters.
    public var text: String {
        String(unsafeUninitializedCapacity: 18, initializingUTF8With: { buffer in spell(into: buffer); return 18 })
    }

    /// Writes the 18 characters of the code into `buffer` (at least 18 bytes).
    @inline(__always)
    public func spell(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        var h = high, l = low
        for i in stride(from: 17, through: 12, by: -1) { buffer[i] = CreditCode.alphabet[Int(l & 31)]; l >>= 5 }
        for i in stride(from: 11, through: 0, by: -1) { buffer[i] = CreditCode.alphabet[Int(h & 31)]; h >>= 5 }
    }

    /// The code alphabet: digits and upper-case letters without I, O, S, V, Z.
    public static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    /// Weights of the first 17 characters in the check-character sum.
    public static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Why a text is not a valid credit code.
    public enum Problem: Sendable, Equatable {
        case length(Int)
        case character(position: Int)
        case checksum(expected: Character)
    }

    /// Validates an already normalised (trimmed, half-width, upper-case) code.
    public static func validate(_ code: [UInt8]) -> Problem? {
        guard code.count == 18 else { return .length(code.count) }
        var sum = 0, last = 0
        for i in 0..<18 {
            guard let v = valueTable[Int(code[i])] else { return .character(position: i + 1) }
            if i < 17 { sum += v * weights[i] } else { last = v }
        }
        let check = (31 - sum % 31) % 31
        if last != check { return .checksum(expected: Character(UnicodeScalar(alphabet[check]))) }
        return nil
    }

    /// The check character for the first 17 characters (used to make synthetic codes).
    public static func checkCharacter(for first17: [UInt8]) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += valueTable[Int(first17[i])]! * weights[i] }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// Upper-cases, turns full-width characters half-width, and drops surrounding white space.
    public static func normalize(_ raw: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(18)
        for scalar in String(decoding: Array(raw), as: UTF8.self).unicodeScalars {
            var v = scalar.value
            if v >= 0xFF01 && v <= 0xFF5E { v -= 0xFEE0 }          // full-width ASCII
            if v == 0x20 || v == 0x3000 || v == 0x09 { continue }
            if v >= 0x61 && v <= 0x7A { v -= 0x20 }
            if v < 0x80 { out.append(UInt8(v)) } else { out.append(contentsOf: String(scalar).utf8) }
        }
        return out
    }

    /// Division code (登记管理机关行政区划码): characters 3–8.
    public var divisionCode: Substring {
        let text = self.text
        let start = text.index(text.startIndex, offsetBy: 2)
        return text[start..<text.index(start, offsetBy: 6)]
    }

    /// Characters 3–8 (the division code) as packed in `high`: compared with `packedDivision` on every row.
    var packedDivisionCode: UInt64 { (high >> 20) & ((1 << 30) - 1) }

    /// Six characters packed as `packedDivisionCode` packs a code's, or nil if they are not six code characters.
    static func packedDivision(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == 6 else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            let x = packTable[Int(b)]
            if x == 0xFF { return nil }
            v = v << 5 | UInt64(x)
        }
        return v
    }

    /// Wraps a code known to be valid.
    public init(validated text: String) { self.init(validatedBytes: text.utf8) }

    /// Wraps the 18 bytes of a code known to be valid.
    public init(validatedBytes bytes: some Sequence<UInt8>) {
        self = Array(bytes).withUnsafeBufferPointer { CreditCode(validatedBuffer: $0) }
    }

    /// Wraps the 18 bytes of a code known to be valid (the archive's and the checker's path: no copy).
    public init(validatedBuffer bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count == 18, "a validated credit code has 18 characters")
        var h: UInt64 = 0, l: UInt64 = 0
        let table = CreditCode.packTable
        for i in 0..<12 { h = h << 5 | UInt64(table[Int(bytes[i])] & 31) }
        for i in 12..<18 { l = l << 5 | UInt64(table[Int(bytes[i])] & 31) }
        high = h; low = l
    }

    /// Byte → its value in the alphabet, 0xFF for a byte outside it (which a validated code does not have).
    static let packTable: [UInt8] = (0..<256).map { UInt8(valueTable[$0] ?? 0xFF) }

    /// The code in 18 bytes when they are a valid code, in one pass (the checker's path for the common case;
    /// nil sends the caller to `normalize` and `validate`, which say what is wrong).
    static func packIfValid(_ bytes: UnsafeBufferPointer<UInt8>) -> CreditCode? {
        guard bytes.count == 18 else { return nil }
        let table = packTable, w = weights
        var h: UInt64 = 0, l: UInt64 = 0, sum = 0
        for i in 0..<18 {
            let v = table[Int(bytes[i])]
            if v == 0xFF { return nil }
            if i < 17 { sum += Int(v) * w[i] }
            if i < 12 { h = h << 5 | UInt64(v) } else { l = l << 5 | UInt64(v) }
        }
        guard Int(l & 31) == (31 - sum % 31) % 31 else { return nil }
        return CreditCode(high: h, low: l)
    }

    /// The code in these 18 bytes when they are a valid normalised code, nil otherwise (what the archive reads
    /// back, which a damaged file may have changed).
    public init?(checkedBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let code = CreditCode.packIfValid(bytes) else { return nil }
        self = code
    }

    /// Parses and validates any text.
    public init?(_ raw: String) {
        let n = CreditCode.normalize(Array(raw.utf8))
        guard CreditCode.validate(n) == nil else { return nil }
        self.init(validatedBytes: n)
    }

    static let valueTable: [Int?] = {
        var t = [Int?](repeating: nil, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = i }
        return t
    }()

    public var description: String { text }
    public static func < (a: CreditCode, b: CreditCode) -> Bool { (a.high, a.low) < (b.high, b.low) }
}
