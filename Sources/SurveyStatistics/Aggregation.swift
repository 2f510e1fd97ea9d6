import Foundation
import SurveyCore

/// What a statistics request is computed from: the returns of a period, those of a year earlier (for growth),
/// and the regional figures, for a set of zones.
public struct Dataset: Sendable {
    public var period: Period
    public var returns: [SurveyReturn]
    public var previous: [SurveyReturn]
    public var regional: [RegionalFigure]
    /// The zones the request covers (regional figures of these zones are summed when a group spans zones).
    public var zones: [String]

    public init(period: Period, returns: [SurveyReturn], previous: [SurveyReturn], regional: [RegionalFigure], zones: [String]) {
        self.period = period; self.returns = returns; self.previous = previous; self.regional = regional; self.zones = zones
    }
}

/// A breakdown of a table.
public enum Breakdown: String, Sendable, CaseIterable {
    case zone, agency_kind, business_type, brand_level, period

    public var name: Bilingual {
        switch self {
        case .zone: Bilingual("集聚区", "Zone")
        case .agency_kind: Bilingual("机构性质", "Kind of agency")
        case .business_type: Bilingual("业务类型", "Business type")
        case .brand_level: Bilingual("品牌级别", "Brand level")
        case .period: Bilingual("统计期", "Period")
        }
    }

    /// The group keys of one return (several for business types: a firm counts in each of its types).
    func keys(_ r: SurveyReturn) -> [String] {
        switch self {
        case .zone: [r.zone]
        case .agency_kind: [r.agencyKind]
        case .business_type: r.businessTypeIDs
        case .brand_level: [r.brandLevel]
        case .period: [r.period.description]
        }
    }
}

/// Confidentiality status of a cell (SDMX-style codes).
public enum ConfStatus: String, Sendable {
    /// Free.
    case free = "F"
    /// Fewer than 3 contributing agencies.
    case tooFew = "A"
    /// One agency above 85 % of the cell (dominance).
    case dominant = "O"
    /// Suppressed so that another suppressed cell cannot be recovered by subtraction.
    case secondary = "D"

    public var reason: Bilingual {
        switch self {
        case .free: Bilingual("", "")
        case .tooFew: Bilingual("数据保密：少于3家机构", "confidential: fewer than 3 agencies")
        case .dominant: Bilingual("数据保密：单家机构占比超过85%", "confidential: one agency above 85 %")
        case .secondary: Bilingual("数据保密：防止推算", "confidential: would reveal another cell")
        }
    }
}

/// One figure with how it was made.
public struct Cell: Sendable {
    /// The exact value (万元 for money); nil = no data (nothing reported, or a zero denominator).
    public var value: Decimal?
    public var numerator: Decimal?
    public var denominator: Decimal?
    /// Agencies that reported the figure.
    public var reporting: Int
    public var status: ConfStatus = .free
    /// What the group's own returns say beyond the release (CR5's rest, a same-sample growth's sample).
    public var localStatus: ConfStatus = .free
    /// The value to publish: nil when suppressed.
    public var published: Decimal? { status == .free ? value : nil }
}

/// Exact aggregation of indicators over groups of returns.
public enum Aggregation {
    static let tenThousand = Decimal(10_000)

    /// The value of one indicator over `returns` (a group), with `previous` the same group a year earlier.
    public static func cell(_ indicator: Indicator, returns: [SurveyReturn], previous: [SurveyReturn],
                            regional: [RegionalFigure], zones: Set<String>, period: Period) -> Cell {
        func total(_ field: String, _ rs: [SurveyReturn]) -> (sum: Int64, reporting: Int) {
            let i = SurveyReturn.numberIndex[field]!      // resolved once, not per return
            var s: Int64 = 0, n = 0
            for r in rs { if let v = r.numbers[i] { s += v; n += 1 } }
            return (s, n)
        }
        func isMoney(_ field: String) -> Bool { Form.returns[field].type == .money }
        func decimal(_ field: String, _ v: Int64) -> Decimal { isMoney(field) ? Decimal(v) / tenThousand : Decimal(v) }
        func ratio(_ n: Decimal, _ d: Decimal, reporting: Int) -> Cell {
            Cell(value: d == 0 ? nil : n / d, numerator: n, denominator: d, reporting: reporting)
        }
        func regionalSum(_ id: String, _ p: Period) -> Decimal? {
            let figures = regional.filter { $0.indicator == id && $0.period == p && zones.contains($0.zone) }
            guard Set(figures.map(\.zone)) == zones else { return nil }     // a zone without the figure: no data
            return figures.reduce(Decimal(0)) { $0 + $1.value }
        }
        switch indicator.computation {
        case .agencies:
            return Cell(value: Decimal(Set(returns.map(\.creditCode)).count), reporting: returns.count)
        case .designated(let id):
            guard returns.contains(where: { $0.designation != nil }) else { return Cell(value: nil, reporting: 0) }
            return Cell(value: Decimal(returns.filter { $0.designation == id }.count), reporting: returns.filter { $0.designation != nil }.count)
        case .brandAgencies:
            return Cell(value: Decimal(returns.filter { $0.brandLevel == "provincial" || $0.brandLevel == "national" }.count), reporting: returns.count)
        case .agenciesWithRevenueAtLeast(let threshold):
            return Cell(value: Decimal(returns.filter { ($0["revenue"] ?? 0) >= threshold }.count), reporting: returns.count)
        case .sum(let field):
            let t = total(field, returns)
            return Cell(value: t.reporting == 0 ? nil : decimal(field, t.sum), reporting: t.reporting)
        case .fieldRatio(let n, let d):
            // Over the agencies that reported both, in one pass (no copy of the group).
            let ni = SurveyReturn.numberIndex[n]!, di = SurveyReturn.numberIndex[d]!
            var sn: Int64 = 0, sd: Int64 = 0, both = 0
            for r in returns { if let a = r.numbers[ni], let b = r.numbers[di] { sn += a; sd += b; both += 1 } }
            return ratio(decimal(n, sn), decimal(d, sd), reporting: both)
        case .average(let field):
            let t = total(field, returns)
            return ratio(decimal(field, t.sum), Decimal(t.reporting), reporting: t.reporting)
        case .regionalRatio(let n, let id):
            let t = total(n, returns)
            guard t.reporting > 0, let d = regionalSum(id, period) else { return Cell(value: nil, reporting: t.reporting) }
            return ratio(decimal(n, t.sum), d, reporting: t.reporting)
        case .regional(let id):
            return Cell(value: regionalSum(id, period), reporting: 0)
        case .growth(let base):
            guard let b = Catalogue.indicator(base) else { return Cell(value: nil, reporting: 0) }
            let now = cell(b, returns: returns, previous: [], regional: regional, zones: zones, period: period)
            let before = cell(b, returns: previous, previous: [], regional: regional, zones: zones, period: period.previousYear)
            guard let a = now.value, let p = before.value, p != 0 else { return Cell(value: nil, reporting: now.reporting) }
            return Cell(value: (a - p) / p, numerator: a - p, denominator: p, reporting: now.reporting)
        case .sameSampleGrowth(let field):
            var earlier: [CreditCode: Int64] = [:]
            for r in previous { if let v = r[field] { earlier[r.creditCode] = v } }
            var a: Int64 = 0, p: Int64 = 0, n = 0
            for r in returns { if let v = r[field], let e = earlier[r.creditCode] { a += v; p += e; n += 1 } }
            return ratio(decimal(field, a - p), decimal(field, p), reporting: n)
        case .concentrationTop5:
            let values = returns.compactMap { $0["revenue"] }.sorted(by: >)
            let sum = values.reduce(0, +)
            return ratio(Decimal(values.prefix(5).reduce(0, +)), Decimal(sum), reporting: values.count)
        case .herfindahl:
            let values = returns.compactMap { $0["revenue"] }
            let sum = Decimal(values.reduce(0, +))
            guard sum > 0 else { return Cell(value: nil, reporting: values.count) }
            let h = values.reduce(Decimal(0)) { acc, v in let s = Decimal(v) / sum; return acc + s * s }
            return Cell(value: h, reporting: values.count)
        }
    }

    /// The rules a derived figure needs beyond its base cell's status, checked on the group's own returns:
    /// CR5 times a published total gives the five largest agencies' sum, and the total minus that the rest's, so
    /// both must pass the primary rule; a same-sample growth rate is a ratio of the sample's sums, which must pass
    /// it in both years. D when a rule fails.
    public static func localStatus(_ indicator: Indicator, returns: [SurveyReturn], previous: [SurveyReturn],
                                   rule: DisclosureRule = .standard) -> ConfStatus {
        func passes(_ values: [Int64]) -> Bool {
            let positive = values.filter { $0 > 0 }
            return rule.primary(contributors: positive.count, sum: positive.reduce(0, +), largest: positive.max() ?? 0) == .free
        }
        switch indicator.computation {
        case .concentrationTop5:
            let values = returns.compactMap { $0["revenue"] }.filter { $0 > 0 }.sorted(by: >)
            guard values.count > 5 else { return .free }           // CR5 = 100 %: nothing beyond the total
            return passes(Array(values.prefix(5))) && passes(Array(values.dropFirst(5))) ? .free : .secondary
        case .sameSampleGrowth(let field):
            var earlier: [CreditCode: Int64] = [:]
            for r in previous { if let v = r[field] { earlier[r.creditCode] = v } }
            var now: [Int64] = [], before: [Int64] = []
            for r in returns { if let v = r[field], let e = earlier[r.creditCode] { now.append(v); before.append(e) } }
            return passes(now) && passes(before) ? .free : .secondary
        default:
            return .free
        }
    }
}

/// A statistics table: one row per group, one cell per indicator.
public struct StatTable: Sendable {
    public struct Row: Sendable {
        /// One value per dimension (ids: zone id, agency kind id …).
        public let key: [String]
        public var cells: [Cell]
    }

    public let dimensions: [Breakdown]
    public let indicators: [Indicator]
    public var rows: [Row]

    /// Computes a table over a dataset: exact values, every status free. Statuses come from the period's release
    /// (`protect(with:)`); a table that is not protected is for internal use only.
    public init(_ data: Dataset, by dimensions: [Breakdown], indicators: [Indicator]) {
        self.dimensions = dimensions
        self.indicators = indicators
        // Grouping a million returns: each dimension value gets a small number, a group key packs them into one
        // UInt64 (12 bits a dimension), so no key array is made per return.
        func groups(_ returns: [SurveyReturn]) -> [[String]: [SurveyReturn]] {
            if dimensions.isEmpty { return returns.isEmpty ? [:] : [[]: returns] }   // one group: share the array, no copies
            var numbering = Array(repeating: [String: UInt64](), count: dimensions.count)
            var names = Array(repeating: [String](), count: dimensions.count)
            func number(_ d: Int, _ value: String) -> UInt64 {
                if let n = numbering[d][value] { return n }
                let n = UInt64(names[d].count)
                precondition(n < 4096, "more than 4096 values in one breakdown")
                numbering[d][value] = n
                names[d].append(value)
                return n
            }
            var packed: [UInt64: [SurveyReturn]] = [:]
            var codes: [UInt64] = [], next: [UInt64] = []
            for r in returns {
                codes.removeAll(keepingCapacity: true)
                codes.append(0)
                for (d, dimension) in dimensions.enumerated() {
                    switch dimension {
                    case .zone: let n = number(d, r.zone); for i in codes.indices { codes[i] = codes[i] << 12 | n }
                    case .agency_kind: let n = number(d, r.agencyKind); for i in codes.indices { codes[i] = codes[i] << 12 | n }
                    case .brand_level: let n = number(d, r.brandLevel); for i in codes.indices { codes[i] = codes[i] << 12 | n }
                    case .period, .business_type:    // period: rare; business type: a firm counts in each of its types
                        next.removeAll(keepingCapacity: true)
                        for value in dimension.keys(r) {
                            let n = number(d, value)
                            for c in codes { next.append(c << 12 | n) }
                        }
                        swap(&codes, &next)
                    }
                }
                for c in codes { packed[c, default: []].append(r) }
            }
            var out: [[String]: [SurveyReturn]] = [:]
            for (code, members) in packed {
                var key = [String](repeating: "", count: dimensions.count)
                var rest = code
                for d in dimensions.indices.reversed() { key[d] = names[d][Int(rest & 0xFFF)]; rest >>= 12 }
                out[key] = members
            }
            return out
        }
        let current = groups(data.returns)
        // Last year's groups only when an indicator needs them (growth); grouping copies every return.
        let previous = indicators.contains(where: \.needsPreviousYear) ? groups(data.previous) : [:]
        let zoneIndex = dimensions.firstIndex(of: .zone)
        rows = current.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { key in
            let rs = current[key]!
            let zones: Set<String> = zoneIndex.map { [key[$0]] } ?? Set(data.zones)
            let cells = indicators.map { ind -> Cell in
                var c = Aggregation.cell(ind, returns: rs, previous: previous[key] ?? [], regional: data.regional, zones: zones, period: data.period)
                if c.value != nil { c.localStatus = Aggregation.localStatus(ind, returns: rs, previous: previous[key] ?? []) }
                return c
            }
            return Row(key: key, cells: cells)
        }
    }
}

extension Decimal {
    /// Rounded once, half away from zero (四舍五入), to `scale` decimals.
    public func rounded(_ scale: Int) -> Decimal {
        var value = self, result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }

    /// Fixed-point text with exactly `scale` decimals.
    public func fixed(_ scale: Int) -> String {
        let r = rounded(scale)
        var text = NSDecimalNumber(decimal: r).stringValue
        if scale > 0 {
            if !text.contains(".") { text += "." }
            let decimals = text.count - (text.firstIndex(of: ".")!.utf16Offset(in: text) + 1)
            text += String(repeating: "0", count: max(0, scale - decimals))
        }
        return text == "-0" ? "0" : text
    }
}
