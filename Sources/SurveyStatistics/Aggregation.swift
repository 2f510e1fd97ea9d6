import Foundation
import SurveyCore

/// What a statistics request is computed from: the returns of a period, those of a year earlier (for growth),
/// and the regional figures, for a set of zones.
public struct Dataset: Sendable {
    public var period: Period
    public let returns: [SurveyReturn]
    public var previous: [SurveyReturn]
    public var regional: [RegionalFigure]
    /// The zones the request covers (regional figures of these zones are summed when a group spans zones).
    public var zones: [String]

    /// No credit code is in `returns` twice (so the agencies of a group are its returns, without a set of codes).
    public let codesAreDistinct: Bool

    /// The period's totals when the caller has them, made from the same returns of every zone (of which these are
    /// those of `zones`, or none when the caller holds only the cube) and the same of a year earlier: a table is
    /// then summed from them (`StatTable(cube:)`, the same table) instead of a pass over the returns.
    public var cube: Cube? = nil

    public init(period: Period, returns: [SurveyReturn], previous: [SurveyReturn], regional: [RegionalFigure], zones: [String]) {
        self.period = period; self.returns = returns; self.previous = previous; self.regional = regional; self.zones = zones
        var seen = Set<CreditCode>(minimumCapacity: returns.count)
        codesAreDistinct = returns.allSatisfy { seen.insert($0.creditCode).inserted }
    }

    /// The rules a derived figure of the group of `subset` zones needs beyond its base cell's status
    /// (`Aggregation.localStatus`), from the cube when there is one (no returns need be held), else from the returns.
    public func localStatus(_ indicator: Indicator, zones subset: [String]) -> ConfStatus {
        guard indicator.hasLocalRule else { return .free }
        let wanted = Set(subset)
        if let cube, cube.period == period {
            return cube.totals(zones: wanted).localStatus(indicator, plan: Cube.plan, rule: .standard)
        }
        return Aggregation.localStatus(indicator, returns: returns.filter { wanted.contains($0.zone) },
                                       previous: previous.filter { wanted.contains($0.zone) })
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
    /// The value of one indicator over `returns` (a group), with `previous` the same group a year earlier.
    public static func cell(_ indicator: Indicator, returns: [SurveyReturn], previous: [SurveyReturn],
                            regional: [RegionalFigure], zones: Set<String>, period: Period) -> Cell {
        let plan = TotalsPlan([indicator])
        let (now, before) = totals(plan, returns: returns, previous: indicator.needsPreviousYear ? previous : [])
        return now.cell(indicator, before: before, plan: plan, regional: regional, zones: zones, period: period)
    }

    /// The rules a derived figure needs beyond its base cell's status, checked on the group's own returns:
    /// CR5 times a published total gives the five largest agencies' sum, and the total minus that the rest's, so
    /// both must pass the primary rule; a same-sample growth rate is a ratio of the sample's sums, which must pass
    /// it in both years. D when a rule fails.
    public static func localStatus(_ indicator: Indicator, returns: [SurveyReturn], previous: [SurveyReturn],
                                   rule: DisclosureRule = .standard) -> ConfStatus {
        guard indicator.hasLocalRule else { return .free }     // no pass over the returns
        let plan = TotalsPlan([indicator])
        return totals(plan, returns: returns, previous: previous).now.localStatus(indicator, plan: plan, rule: rule)
    }

    /// The value of `indicator` for each of `members` on its own (with its return of a year earlier from
    /// `lastYear`), as `cell` gives it for a group of one, under one plan: agency grading asks it of every agency
    /// for every criterion (a plan, two arrays and the group's totals made per call took 48 s for a million).
    public static func values(_ indicator: Indicator, each members: [SurveyReturn], lastYear: [CreditCode: SurveyReturn],
                              zones: Set<String>) -> [Decimal?] {
        let plan = TotalsPlan([indicator])
        let empty = GroupTotals(plan, codesMayRepeat: false)
        return members.map { r in
            var now = empty, before = empty
            let earlierReturn = indicator.needsPreviousYear ? lastYear[r.creditCode] : nil
            var earlier: GroupTotals.Earlier? = nil
            if !plan.sameSample.isEmpty {
                var e = GroupTotals.Earlier(repeating: [:], count: plan.sameSample.count)
                if let p = earlierReturn { withUnsafePointer(to: p) { GroupTotals.record($0, plan, into: &e) } }
                earlier = e
            }
            withUnsafePointer(to: r) { now.add($0, plan, earlier: earlier) }
            if let p = earlierReturn { withUnsafePointer(to: p) { before.add($0, plan, earlier: nil) } }
            return now.cell(indicator, before: before, plan: plan, regional: [], zones: zones, period: r.period).value
        }
    }

    /// One group's totals this period and a year earlier.
    static func totals(_ plan: TotalsPlan, returns: [SurveyReturn], previous: [SurveyReturn]) -> (now: GroupTotals, before: GroupTotals) {
        let earlier = plan.sameSample.isEmpty ? nil : GroupTotals.earlier(previous, plan)
        var now = GroupTotals(plan, codesMayRepeat: true), before = GroupTotals(plan, codesMayRepeat: true)
        returns.withUnsafeBufferPointer { rs in for i in rs.indices { now.add(rs.baseAddress! + i, plan, earlier: earlier) } }
        previous.withUnsafeBufferPointer { rs in for i in rs.indices { before.add(rs.baseAddress! + i, plan, earlier: nil) } }
        return (now, before)
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
    /// (`protect(with:)`); a table that is not protected is for internal use only. One pass over the returns
    /// (and one over last year's when an indicator compares with them): each return is added to the totals of
    /// its groups (`GroupTotals`), and the cells are computed from those.
    public init(_ data: Dataset, by dimensions: [Breakdown], indicators: [Indicator]) {
        if let cube = data.cube, cube.period == data.period {
            self.init(cube, zones: data.zones, regional: data.regional, by: dimensions, indicators: indicators)
        } else {
            self.init(returns: data, by: dimensions, indicators: indicators)
        }
    }

    /// The table from the returns of `data` (its cube left aside).
    init(returns data: Dataset, by dimensions: [Breakdown], indicators: [Indicator]) {
        self.dimensions = dimensions
        self.indicators = indicators
        let plan = TotalsPlan(indicators)
        var tree = GroupTree(dimensions)
        let mayRepeat = plan.distinct && !data.codesAreDistinct
        // Last year first (only when an indicator compares with it): its totals, and each same-sample field's
        // values by credit code within each group.
        var beforeIndex: [UInt64: Int] = [:], before: [GroupTotals] = [], earlier: [GroupTotals.Earlier] = []
        if indicators.contains(where: \.needsPreviousYear) { data.previous.withUnsafeBufferPointer { previous in
            for i in previous.indices {
                let r = previous.baseAddress! + i      // (a pointer: a return copied is six retains and releases)
                tree.groups(of: r)
                for c in tree.codes {
                    let g: Int
                    if let i = beforeIndex[c] { g = i } else {
                        g = before.count; beforeIndex[c] = g
                        before.append(GroupTotals(plan, codesMayRepeat: true))
                        earlier.append(GroupTotals.Earlier(repeating: [:], count: plan.sameSample.count))
                    }
                    before[g].add(r, plan, earlier: nil)
                    if !plan.sameSample.isEmpty { GroupTotals.record(r, plan, into: &earlier[g]) }
                }
            }
        } }
        var nowIndex: [UInt64: Int] = [:], now: [GroupTotals] = [], nowCodes: [UInt64] = []
        var nowEarlier: [GroupTotals.Earlier?] = []      // each group's table of last year (nil: no same-sample field)
        let none = GroupTotals.Earlier(repeating: [:], count: plan.sameSample.count)
        data.returns.withUnsafeBufferPointer { returns in for i in returns.indices {
            let r = returns.baseAddress! + i
            tree.groups(of: r)
            for c in tree.codes {
                let g: Int
                if let i = nowIndex[c] { g = i } else {
                    g = now.count; nowIndex[c] = g; nowCodes.append(c)
                    now.append(GroupTotals(plan, codesMayRepeat: mayRepeat))
                    nowEarlier.append(plan.sameSample.isEmpty ? nil : beforeIndex[c].map { earlier[$0] } ?? none)
                }
                now[g].add(r, plan, earlier: nowEarlier[g])
            }
        } }
        rows = StatTable.rows(tree, plan: plan, indicators: indicators, codes: nowCodes, now: now,
                              before: { beforeIndex[$0].map { before[$0] } }, regional: data.regional, zones: data.zones, period: data.period)
    }

    /// The rows of a table from its groups' totals, in key order: `codes` are the groups of `tree` with returns this
    /// period, `now` their totals, `before` a group's totals a year earlier.
    static func rows(_ tree: GroupTree, plan: TotalsPlan, indicators: [Indicator], codes: [UInt64], now: [GroupTotals],
                     before: (UInt64) -> GroupTotals?, regional: [RegionalFigure], zones: [String], period: Period) -> [Row] {
        let empty = GroupTotals(plan, codesMayRepeat: true)
        let zoneIndex = tree.dimensions.firstIndex(of: .zone)
        let keyed: [(key: [String], group: Int)] = codes.enumerated().map { g, code in (tree.key(of: code), g) }
        return keyed.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, g in
            let zones: Set<String> = zoneIndex.map { [key[$0]] } ?? Set(zones)
            let b = before(codes[g]) ?? empty
            let cells = indicators.map { ind -> Cell in
                var c = now[g].cell(ind, before: b, plan: plan, regional: regional, zones: zones, period: period)
                if c.value != nil { c.localStatus = now[g].localStatus(ind, plan: plan, rule: .standard) }
                return c
            }
            return Row(key: key, cells: cells)
        }
    }
}

/// The groups of a table as a tree, a level a dimension: a group's id is found from its parent's id and its
/// value's number, so no key array is made per return and no count of values can overflow a packed key. Each
/// dimension value gets a small number, shared by both years.
struct GroupTree {
    let dimensions: [Breakdown]
    private var numbering: [[String: UInt64]]
    private var names: [[String]]
    private var links: [[UInt128: UInt64]]
    private var parent: [[UInt64]], valueOf: [[UInt64]]
    /// A business type's number by its bit (its id's array was made for every return).
    private var typeNumber: [[UInt64?]]
    private let types = Choices.businessType.options.map(\.id)
    private var next: [UInt64] = []
    /// The groups found by the last `groups` (several for business types: a firm counts in each of its types).
    private(set) var codes: [UInt64] = []

    init(_ dimensions: [Breakdown]) {
        self.dimensions = dimensions
        numbering = Array(repeating: [:], count: dimensions.count)
        names = Array(repeating: [], count: dimensions.count)
        links = Array(repeating: [:], count: dimensions.count)
        parent = Array(repeating: [], count: dimensions.count)
        valueOf = parent
        typeNumber = Array(repeating: Array(repeating: nil, count: types.count), count: dimensions.count)
    }

    private mutating func number(_ d: Int, _ value: String) -> UInt64 {
        // A breakdown has a handful of values, most of them small strings (compared as two words): a scan
        // beats hashing the value for every return.
        if names[d].count <= 16, let n = names[d].firstIndex(of: value) { return UInt64(n) }
        if let n = numbering[d][value] { return n }
        let n = UInt64(names[d].count)
        numbering[d][value] = n
        names[d].append(value)
        return n
    }

    private mutating func child(_ d: Int, _ of: UInt64, _ n: UInt64) -> UInt64 {
        let link = UInt128(of) << 64 | UInt128(n)
        if let c = links[d][link] { return c }
        let c = UInt64(parent[d].count)
        links[d][link] = c; parent[d].append(of); valueOf[d].append(n)
        return c
    }

    mutating func groups(of p: UnsafePointer<SurveyReturn>) {
        groups(zone: p.pointee.zone, kind: p.pointee.agencyKind, brand: p.pointee.brandLevel, types: p.pointee.businessTypes,
               period: p.pointee.period)
    }

    /// The groups of a return (or of a cell of returns alike) of these values into `codes`.
    mutating func groups(zone: String, kind: String, brand: String, types mask: UInt32, period: Period) {
        codes.removeAll(keepingCapacity: true)
        codes.append(0)
        for (d, dimension) in dimensions.enumerated() {
            switch dimension {
            case .zone: let n = number(d, zone); for i in codes.indices { codes[i] = child(d, codes[i], n) }
            case .agency_kind: let n = number(d, kind); for i in codes.indices { codes[i] = child(d, codes[i], n) }
            case .brand_level: let n = number(d, brand); for i in codes.indices { codes[i] = child(d, codes[i], n) }
            case .business_type:
                next.removeAll(keepingCapacity: true)
                for bit in types.indices where mask & (1 << UInt32(bit)) != 0 {
                    let n: UInt64
                    if let known = typeNumber[d][bit] { n = known } else { n = number(d, types[bit]); typeNumber[d][bit] = n }
                    for c in codes { next.append(child(d, c, n)) }
                }
                swap(&codes, &next)
            case .period:
                let n = number(d, period.description)
                for i in codes.indices { codes[i] = child(d, codes[i], n) }
            }
        }
    }

    /// A group's key: one value per dimension.
    func key(of code: UInt64) -> [String] {
        var key = [String](repeating: "", count: dimensions.count)
        var id = Int(code)
        for d in dimensions.indices.reversed() { key[d] = names[d][Int(valueOf[d][id])]; id = Int(parent[d][id]) }
        return key
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
