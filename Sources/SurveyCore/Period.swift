/// A statistical period (统计期): a year, or one quarter of it.
public struct Period: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    /// 1...4, or `nil` for the whole year.
    public var quarter: Int?

    public init(year: Int, quarter: Int? = nil) { self.year = year; self.quarter = quarter }

    /// Parses `2024` or `2024Q3` (case-insensitive), years 1990...2100.
    public init?(_ text: String) {
        guard let p = Array(text.utf8).withUnsafeBufferPointer({ Period.parse($0) }) else { return nil }
        self = p
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Period? {
        guard b.count == 4 || b.count == 6 else { return nil }
        var year = 0
        for i in 0..<4 {
            guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
            year = year * 10 + Int(b[i] - 0x30)
        }
        guard (1990...2100).contains(year) else { return nil }
        if b.count == 4 { return Period(year: year) }
        guard b[4] == UInt8(ascii: "Q") || b[4] == UInt8(ascii: "q"), (0x31...0x34).contains(b[5]) else { return nil }
        return Period(year: year, quarter: Int(b[5] - 0x30))
    }

    /// The same period one year earlier (for year-on-year change).
    public var previousYear: Period { Period(year: year - 1, quarter: quarter) }

    /// The period just before: the year before, or the quarter before (whose filers are expected to file again).
    public var previousPeriod: Period {
        guard let q = quarter else { return Period(year: year - 1) }
        return q == 1 ? Period(year: year - 1, quarter: 4) : Period(year: year, quarter: q - 1)
    }

    public var description: String { quarter.map { "\(year)Q\($0)" } ?? "\(year)" }

    public static func < (a: Period, b: Period) -> Bool {
        (a.year, a.quarter ?? 0) < (b.year, b.quarter ?? 0)
    }
}

/// A calendar date as written on a form (填报日期, plan dates, target deadlines).
public struct SimpleDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month) else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = month == 2 ? (leap ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31
        guard (1...days).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `2025-03-31`, `2025/3/31`, `2025.3.31` and `2025年3月31日`.
    public init?(_ text: String) {
        var numbers: [Int] = []
        var current: Int? = nil
        for scalar in text.unicodeScalars {
            if let d = scalar.properties.numericType == .decimal ? scalar.properties.numericValue : nil {
                current = (current ?? 0) * 10 + Int(d)
                if current! > 99_999 { return nil }
            } else {
                guard "-/.年月日".unicodeScalars.contains(scalar) else { return nil }
                if let c = current { numbers.append(c); current = nil }
            }
        }
        if let c = current { numbers.append(c) }
        guard numbers.count == 3, let d = SimpleDate(year: numbers[0], month: numbers[1], day: numbers[2]) else { return nil }
        self = d
    }

    /// The fast path for `YYYY-MM-DD` in ASCII.
    static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> SimpleDate? {
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        // Read on every row (填报日期): plain arithmetic, no arrays.
        @inline(__always) func digits(_ from: Int, _ to: Int) -> Int? {
            var n = 0
            for i in from..<to {
                let d = b[i] &- 0x30
                guard d <= 9 else { return nil }
                n = n * 10 + Int(d)
            }
            return n
        }
        guard let y = digits(0, 4), let m = digits(5, 7), let d = digits(8, 10) else { return nil }
        return SimpleDate(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (for elapsed-share computations).
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01 (Howard Hinnant's civil_from_days), nil outside 1900–2200.
    public init?(dayNumber z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (a: SimpleDate, b: SimpleDate) -> Bool { a.dayNumber < b.dayNumber }
}
