/// An exact amount of money, held as whole yuan (元).
///
/// Survey figures are reported in 万元 with at most four decimals, which is exactly whole yuan,
/// so an integer count of yuan holds every reported figure and every sum without rounding.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole yuan.
    public var yuan: Int64

    public init(yuan: Int64) { self.yuan = yuan }
    /// An amount of whole 万元.
    public init(wan: Int64) { self.yuan = wan * 10_000 }

    public static let zero = Money(yuan: 0)
    public static func + (a: Money, b: Money) -> Money { Money(yuan: a.yuan + b.yuan) }
    public static func - (a: Money, b: Money) -> Money { Money(yuan: a.yuan - b.yuan) }
    public static func += (a: inout Money, b: Money) { a.yuan += b.yuan }
    public static func < (a: Money, b: Money) -> Bool { a.yuan < b.yuan }

    /// The exact amount in 万元, with as many decimals as needed (at most four): `1234.5`.
    public var wanExact: String {
        let sign = yuan < 0 ? "-" : ""
        let magnitude = yuan.magnitude
        let whole = magnitude / 10_000, fraction = magnitude % 10_000
        if fraction == 0 { return "\(sign)\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 4 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }

    /// The amount in 万元 rounded once, half away from zero (四舍五入), to `decimals` places (0...4).
    public func wan(decimals: Int) -> String {
        precondition((0...4).contains(decimals))
        let unit = UInt64([10_000, 1_000, 100, 10, 1][decimals])
        let magnitude = yuan.magnitude
        let rounded = (magnitude + unit / 2) / unit           // in units of 10^-decimals 万元
        let scale = UInt64([1, 10, 100, 1_000, 10_000][decimals])
        let whole = rounded / scale, fraction = rounded % scale
        let sign = (yuan < 0 && rounded != 0) ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
    }

    public var description: String { wanExact }

    /// The most whole digits a money cell (万元) may have: below 10^12 yuan, so that a year's sum of a measure
    /// stays within 64 bits for any 9 million returns (the statistics sum in whole yuan). A cell could hold 14
    /// digits, 10^18 yuan, before, and twenty such returns stopped the white paper and the query with an
    /// arithmetic overflow. The blank form's validation gives the same bound.
    public static let wholeDigits = 8
    /// The most digits a count cell (people, filings) may have: below 10^9.
    public static let countDigits = 9
    /// Every number cell's value (yuan, or a count) is below this, 10^12: what the archive may hold.
    public static let numberBound: Int64 = (0..<(wholeDigits + 4)).reduce(1) { n, _ in n * 10 }
    /// The largest money cell as written (`99999999.9999`, 万元) and the largest count, for the blank form.
    public static let largestWan = String(repeating: "9", count: wholeDigits) + ".9999"
    public static let largestCount = String(repeating: "9", count: countDigits)
}

extension Int64 {
    /// Whether `self × m > other × n`, exactly: the products are taken in 128 bits (a national year's sum of
    /// yuan times a percentage does not fit in 64).
    public func timesExceeds(_ m: Int64, _ other: Int64, times n: Int64) -> Bool {
        let a = multipliedFullWidth(by: m), b = other.multipliedFullWidth(by: n)
        return a.high != b.high ? a.high > b.high : a.low > b.low
    }
}
