import Foundation

/// A cell's value after checking. An empty cell is `.empty` ("not reported"), never 0.
public enum CellValue: Sendable, Hashable {
    case empty
    /// Money in whole yuan, or a count.
    case int(Int64)
    case text(String)
    case period(Period)
    case choice(Int)
    /// A set of options as a bit mask of their indexes.
    case choices(UInt32)
    case creditCode(CreditCode)
    /// A zone, by its index in the `ZoneDirectory`; -1 is "all zones" (targets only).
    case zone(Int)
    case date(SimpleDate)
    case decimal(Decimal)
    case targetOperator(TargetOperator)

    public var int: Int64? { if case .int(let v) = self { v } else { nil } }

    /// The value as text (zone ids, `2025Q1`, exact decimals; option indexes for choices); nil when empty.
    public func display(_ zones: ZoneDirectory) -> String? {
        switch self {
        case .empty: nil
        case .int(let i): "\(i)"
        case .text(let t): t
        case .period(let p): p.description
        case .choice(let c): "\(c)"
        case .choices(let m): "\(m)"
        case .creditCode(let c): c.text
        case .zone(let z): z >= 0 ? zones.zones[z].id : "all"
        case .date(let d): d.description
        case .decimal(let d): "\(d)"
        case .targetOperator(let o): o.description
        }
    }
    public var text: String? { if case .text(let v) = self { v } else { nil } }
}

/// Reading numbers and trimmed text directly from a cell's bytes, without making a `String` on the fast path.
enum CellBytes {
    /// Drops spaces, tabs, no-break spaces and ideographic spaces at both ends.
    @inline(__always)
    static func trim(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var s = 0, e = b.count
        while s < e {
            let c = b[s]
            if c == 0x20 || c == 0x09 { s += 1 }
            else if c == 0xE3 && s + 2 < e && b[s + 1] == 0x80 && b[s + 2] == 0x80 { s += 3 }
            else if c == 0xC2 && s + 1 < e && b[s + 1] == 0xA0 { s += 2 }
            else { break }
        }
        while e > s {
            let c = b[e - 1]
            if c == 0x20 || c == 0x09 { e -= 1 }
            else if e - 3 >= s && b[e - 3] == 0xE3 && b[e - 2] == 0x80 && c == 0x80 { e -= 3 }
            else if e - 2 >= s && b[e - 2] == 0xC2 && c == 0xA0 { e -= 2 }
            else { break }
        }
        return UnsafeBufferPointer(rebasing: b[s..<e])
    }

    /// Full-width digits, comma, point and minus (what Chinese input methods type) made ASCII.
    static func halfWidthNumber(_ b: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 0xEF && i + 2 < b.count && b[i + 1] == 0xBC {
                let c = b[i + 2]
                if c >= 0x90 && c <= 0x99 { out.append(c - 0x90 + 0x30); i += 3; continue }
                if c == 0x8C { out.append(0x2C); i += 3; continue }
                if c == 0x8E { out.append(0x2E); i += 3; continue }
                if c == 0x8D { out.append(0x2D); i += 3; continue }
            }
            out.append(b[i]); i += 1
        }
        return out
    }

    enum NumberResult: Equatable { case value(Int64), notANumber, negative, tooManyDecimals, tooLarge, notWhole }

    /// Parses `1,234.5678` into units of 10^-`scale` (scale 4 for 万元 → yuan; 0 for counts).
    /// Thousands separators must group by three. Rejects exponents and signs other than a leading minus.
    static func number(_ raw: UnsafeBufferPointer<UInt8>, scale: Int) -> NumberResult {
        // Full-width characters (any byte ≥ 0x80) are made ASCII first; found where the ASCII reading stops.
        func fullWidth() -> NumberResult {
            let ascii = halfWidthNumber(raw)
            if ascii.contains(where: { $0 >= 0x80 }) { return .notANumber }
            return ascii.withUnsafeBufferPointer { number($0, scale: scale) }
        }
        let n = raw.count
        guard n > 0 else { return .notANumber }
        if let v = plainValue(raw, scale: scale) { return .value(v) }
        var i = 0
        var negative = false
        if raw[0] == 0x2D { negative = true; i = 1 }
        var value: Int64 = 0
        var digits = 0, sinceComma = -1
        while i < n {
            let c = raw[i]
            if c >= 0x30 && c <= 0x39 {
                value = value &* 10 &+ Int64(c - 0x30)
                digits += 1
                if sinceComma >= 0 { sinceComma += 1; if sinceComma > 3 { return .notANumber } }
                if digits > maximumDigits(scale: scale) { return .tooLarge }
            } else if c == 0x2C {
                if digits == 0 || (sinceComma >= 0 && sinceComma != 3) || (sinceComma < 0 && digits > 3) { return .notANumber }
                sinceComma = 0
            } else if c == 0x2E {
                break
            } else {
                return c >= 0x80 ? fullWidth() : .notANumber
            }
            i += 1
        }
        if digits == 0 || (sinceComma >= 0 && sinceComma != 3) { return .notANumber }
        var fractionDigits = 0
        var fraction: Int64 = 0
        var nonZeroBeyondScale = false
        if i < n {          // at the point
            i += 1
            while i < n {
                let c = raw[i]
                guard c >= 0x30 && c <= 0x39 else { return c >= 0x80 ? fullWidth() : .notANumber }
                fractionDigits += 1
                if fractionDigits <= scale { fraction = fraction * 10 + Int64(c - 0x30) }
                else if c != 0x30 { nonZeroBeyondScale = true }
                i += 1
            }
        }
        if nonZeroBeyondScale { return scale == 0 ? .notWhole : .tooManyDecimals }
        if negative && (value != 0 || fraction != 0) { return .negative }
        var scaled = value
        for _ in 0..<scale { scaled *= 10 }
        var f = fraction
        for _ in min(fractionDigits, scale)..<scale { f *= 10 }
        return .value(scaled + f)
    }

    /// The value of the usual cell, plain digits and perhaps a point and up to `scale` more (`0`, `13`,
    /// `333.419`), as `number` reads it; nil for any other (a separator, a sign, full width, too many digits),
    /// which `number` then reads in its general loop. The row checker's cell loop calls it before `number`,
    /// without `number`'s frame and result.
    @inline(__always)
    static func plainValue(_ raw: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64? {
        let n = raw.count
        guard n > 0, let p = raw.baseAddress else { return nil }
        var whole: Int64 = 0, k = 0
        while k < n {
            let d = p[k] &- 0x30
            if d > 9 { break }
            whole = whole &* 10 &+ Int64(d)
            k &+= 1
        }
        guard k > 0 && k <= maximumDigits(scale: scale) && scale >= 0 && scale <= 4 else { return nil }
        if k == n { return whole &* Self.powerOfTen(scale) }
        guard p[k] == 0x2E && n &- k &- 1 <= scale else { return nil }
        var fraction: Int64 = 0, j = k &+ 1
        while j < n {
            let d = p[j] &- 0x30
            if d > 9 { return nil }
            fraction = fraction &* 10 &+ Int64(d)
            j &+= 1
        }
        return whole &* Self.powerOfTen(scale) &+ fraction &* Self.powerOfTen(scale &- (n &- k &- 1))
    }

    /// The most whole digits a number cell of `scale` decimals may have: money's (scale 4) or a count's.
    @inline(__always)
    static func maximumDigits(scale: Int) -> Int { scale == 0 ? Money.countDigits : Money.wholeDigits }

    /// 10^`e` for the scales the fast path takes (0...4: no value of `maximumDigits` times it overflows).
    @inline(__always)
    static func powerOfTen(_ e: Int) -> Int64 {
        switch e { case 0: 1; case 1: 10; case 2: 100; case 3: 1_000; default: 10_000 }
    }

    /// Unicode scalars in UTF-8 bytes.
    static func characterCount(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for c in b where c & 0xC0 != 0x80 { n += 1 }
        return n
    }

    static func equal(_ b: UnsafeBufferPointer<UInt8>, _ s: [UInt8]) -> Bool {
        guard b.count == s.count else { return false }
        for i in 0..<s.count where b[i] != s[i] { return false }
        return true
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

    /// Calls `body` with each trimmed, non-empty item of a list separated by `;` `；` `、` `,` or `，`.
    static func forEachListItem(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0, i = 0
        func emit(_ end: Int) {
            let item = trim(UnsafeBufferPointer(rebasing: b[start..<end]))
            if item.count > 0 { body(item) }
        }
        while i < b.count {
            let c = b[i]
            var width = 0
            if c == 0x3B || c == 0x2C { width = 1 }
            else if c == 0xEF && i + 2 < b.count && b[i + 1] == 0xBC && (b[i + 2] == 0x9B || b[i + 2] == 0x8C) { width = 3 }
            else if c == 0xE3 && i + 2 < b.count && b[i + 1] == 0x80 && b[i + 2] == 0x81 { width = 3 }
            if width > 0 { emit(i); i += width; start = i } else { i += 1 }
        }
        emit(b.count)
    }
}

/// A cluster zone (集聚区), from `zones.csv`.
public struct Zone: Sendable, Hashable {
    public var id: String
    public var name: Bilingual
    public var level: String
    public var city: String
    public var divisionCode: String
    public var planStart: SimpleDate
    public var planEnd: SimpleDate
    public var planDocument: String
    /// The plan's title in English (`plan_doc_en`), empty when not given.
    public var planDocumentEn: String

    public init(id: String, name: Bilingual, level: String, city: String, divisionCode: String,
                planStart: SimpleDate, planEnd: SimpleDate, planDocument: String, planDocumentEn: String = "") {
        self.id = id; self.name = name; self.level = level; self.city = city; self.divisionCode = divisionCode
        self.planStart = planStart; self.planEnd = planEnd; self.planDocument = planDocument; self.planDocumentEn = planDocumentEn
    }
}

/// The known zones, looked up by id, Chinese name or English name.
public struct ZoneDirectory: Sendable {
    public let zones: [Zone]
    private let spellings: Spellings
    private let packedDivisionCodes: [UInt64]
    /// The spellings of "all zones", accepted where a form allows it (targets).
    static let all: [[UInt8]] = [Array("all".utf8), Array("全部".utf8), Array("全部集聚区".utf8)]

    public init(_ zones: [Zone]) {
        self.zones = zones
        var s: [([UInt8], Int)] = []
        for (i, z) in zones.enumerated() {
            // Also the short name without the city: 泉山区 for 徐州市泉山区.
            let short = z.name.zh.range(of: "市").map { String(z.name.zh[$0.upperBound...]) } ?? ""
            for t in [z.id, z.name.zh, z.name.en.lowercased(), short] where !t.isEmpty { s.append((Array(t.utf8), i)) }
        }
        spellings = Spellings(s)
        packedDivisionCodes = zones.map { z in
            z.divisionCode.isEmpty ? .max : CreditCode.packedDivision(Array(z.divisionCode.utf8)) ?? 1 << 40
        }
    }

    public static let empty = ZoneDirectory([])

    /// The zone spelled by `b` (id, Chinese name with or without its city, English name; ASCII case-insensitive).
    func match(_ b: UnsafeBufferPointer<UInt8>) -> Int? { spellings.match(b) }

    /// A zone's division code packed as `CreditCode.packedDivisionCode`, so the rule compares two integers; nil
    /// when the zone has none. (One that is not six code characters gets a value no credit code has.)
    func packedDivisionCode(_ zone: Int) -> UInt64? {
        let p = packedDivisionCodes[zone]
        return p == .max ? nil : p
    }

    public func zone(id: String) -> Zone? { zones.first { $0.id == id } }

    /// `sucheng(宿城区)、binhu(滨湖区)` for messages.
    public func listing(_ language: Language) -> String {
        zones.isEmpty ? (language == .zh ? "（无：未找到 zones.csv）" : "(none: no zones.csv found)")
            : zones.map { "\($0.id)(\($0.name.zh))" }.joined(separator: language == .zh ? "、" : ", ")
    }
}

extension Zone {
    /// A zone from an accepted row of `zones.csv`.
    public init?(form: Form, values: [CellValue]) {
        func v(_ id: String) -> CellValue { values[form.index[id]!] }
        guard case .text(let id) = v("zone"), case .text(let zh) = v("name_zh"), case .choice(let level) = v("level"),
              case .text(let division) = v("division_code"), case .date(let start) = v("plan_start"),
              case .date(let end) = v("plan_end") else { return nil }
        self.init(id: id, name: Bilingual(zh, v("name_en").text ?? id), level: Choices.zoneLevel.options[level].id,
                  city: v("city").text ?? "", divisionCode: division, planStart: start, planEnd: end,
                  planDocument: v("plan_doc").text ?? "", planDocumentEn: v("plan_doc_en").text ?? "")
    }
}
