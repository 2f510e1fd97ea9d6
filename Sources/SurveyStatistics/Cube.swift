import Foundation
import SurveyCore

/// The totals of a period's returns in the finest groups any table or release can ask for — zone × agency kind ×
/// brand level × the set of business types — under a plan of every indicator of the catalogue, with the same of a
/// year earlier and the same-sample totals of the agencies that reported in both years. Any table over those
/// breakdowns is the sum of its groups' fine cells (`StatTable(cube:)`), and so is the release
/// (`Release(cube:)`): a query of a national year answers from a few thousand cells instead of a million
/// returns read again (`report` records the cube beside the release it belongs to).
///
/// Made only when no credit code is in either year twice (as the archive's current returns are): then the
/// agencies of a group are its returns, and an agency's last-year return is the one of its code.
public struct Cube: Sendable {
    /// Returns alike in every breakdown (the period is the cube's, or the year before for `before`).
    struct Fine: Hashable, Comparable, Sendable {
        let zone: String, kind: String, brand: String, types: UInt32
        static func < (a: Fine, b: Fine) -> Bool { (a.zone, a.kind, a.brand, a.types) < (b.zone, b.kind, b.brand, b.types) }
    }

    /// A release measure over one fine cell: what `ReleaseSums` keeps.
    struct Measure: Equatable, Sendable {
        var sum: Int64 = 0, reported = 0, contributors = 0, largest: Int64 = 0
    }

    struct Now: Sendable { let fine: Fine; var totals: GroupTotals; var measures: [Measure] }
    struct Before: Sendable { let fine: Fine; var totals: GroupTotals }
    /// The same-sample totals of the agencies in `now` this year and in `before` a year earlier (indexes).
    struct Pair: Sendable { let now: Int, before: Int; var totals: [GroupTotals.SameSample] }

    public let period: Period
    /// Every zone of the archive at the cube's moment (the release's), in its order.
    public let zones: [String]
    var now: [Now]
    var before: [Before]
    var pairs: [Pair]

    /// One plan for every indicator: a cube answers any list of them.
    static let plan = TotalsPlan(Catalogue.all)

    /// The cube of `period` from its returns and those of a year earlier (returns of other periods, or of zones
    /// not in `zones`, are left out, as a release leaves them); nil when a credit code is in either year twice.
    public init?(period: Period, zones: [String], returns: [SurveyReturn], previous: [SurveyReturn]) {
        var before = Builder(period: period.previousYear, zones: zones, previous: nil, carry: true)
        previous.withUnsafeBufferPointer { rs in for i in rs.indices { before.add(rs.baseAddress! + i) } }
        var builder = Builder(period: period, zones: zones, previous: before.carried())
        returns.withUnsafeBufferPointer { rs in for i in rs.indices { builder.add(rs.baseAddress! + i) } }
        guard let cube = builder.cube() else { return nil }
        self = cube
    }

    init(period: Period, zones: [String], now: [Now], before: [Before], pairs: [Pair]) {
        self.period = period; self.zones = zones; self.now = now; self.before = before; self.pairs = pairs
    }

    /// Returns of the period in the cube.
    public var returns: Int { now.reduce(0) { $0 + $1.totals.returns } }
}

extension StatTable {
    /// The table of `indicators` by `dimensions` over the zones `selected` (every zone of the cube when empty),
    /// from a cube: each fine cell added to the totals of its groups, as each return is by `init(_:by:indicators:)`,
    /// which gives the same table from the returns (`CubeTests`).
    public init(_ cube: Cube, zones selected: [String], regional: [RegionalFigure], by dimensions: [Breakdown], indicators: [Indicator]) {
        self.dimensions = dimensions
        self.indicators = indicators
        let plan = Cube.plan
        let zones = selected.isEmpty ? cube.zones : selected
        let wanted = Set(zones)
        var tree = GroupTree(dimensions)
        let lastYear = cube.period.previousYear
        var beforeIndex: [UInt64: Int] = [:], before: [GroupTotals] = []
        var beforeGroups = [[UInt64]](repeating: [], count: cube.before.count)
        let needsBefore = indicators.contains(where: \.needsPreviousYear)
        if needsBefore {
            for (i, cell) in cube.before.enumerated() where wanted.contains(cell.fine.zone) {
                let f = cell.fine
                tree.groups(zone: f.zone, kind: f.kind, brand: f.brand, types: f.types, period: lastYear)
                beforeGroups[i] = tree.codes
                for c in tree.codes {
                    if let g = beforeIndex[c] { before[g].merge(cell.totals) } else { beforeIndex[c] = before.count; before.append(cell.totals) }
                }
            }
        }
        var nowIndex: [UInt64: Int] = [:], now: [GroupTotals] = [], codes: [UInt64] = []
        // Each fine cell's groups this year: (group id, index in `now`).
        var nowGroups = [[(code: UInt64, group: Int)]](repeating: [], count: cube.now.count)
        for (i, cell) in cube.now.enumerated() where wanted.contains(cell.fine.zone) {
            let f = cell.fine
            tree.groups(zone: f.zone, kind: f.kind, brand: f.brand, types: f.types, period: cube.period)
            for c in tree.codes {
                let g: Int
                if let known = nowIndex[c] { g = known; now[g].merge(cell.totals) } else {
                    g = now.count; nowIndex[c] = g; codes.append(c); now.append(cell.totals)
                }
                nowGroups[i].append((c, g))
            }
        }
        // An agency is in a group's same sample when both its returns are in the group.
        if needsBefore && !plan.sameSample.isEmpty {
            for pair in cube.pairs {
                let b = beforeGroups[pair.before]
                for (c, g) in nowGroups[pair.now] where b.contains(c) {
                    for s in pair.totals.indices { now[g].same[s].merge(pair.totals[s]) }
                }
            }
        }
        rows = StatTable.rows(tree, plan: plan, indicators: indicators, codes: codes, now: now,
                              before: { beforeIndex[$0].map { before[$0] } }, regional: regional, zones: zones, period: cube.period)
    }
}

extension Release {
    /// The cells of the linked set from a cube (the same as from the cube's returns); primary statuses only.
    public init(_ cube: Cube, asOf: String, rule: DisclosureRule = .standard) {
        var sums = ReleaseSums(zones: cube.zones)
        for cell in cube.now {
            guard let s = sums.slot(zone: cell.fine.zone, kind: cell.fine.kind, brand: cell.fine.brand) else { continue }
            sums.members[s] += cell.totals.returns
            for (m, v) in cell.measures.enumerated() {
                let c = m * sums.groups + s
                sums.sum[c] += v.sum; sums.reported[c] += v.reported; sums.contributors[c] += v.contributors
                sums.largest[c] = max(sums.largest[c], v.largest)
            }
        }
        self.init(period: cube.period, asOf: asOf, zones: cube.zones, rule: rule, sums: sums)
    }
}
