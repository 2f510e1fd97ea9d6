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
        self.period = period; self.zones = zones
        let plan = Cube.plan
        let known = Set(zones), lastYear = period.previousYear
        let fieldIndex = Release.measureFields
        var beforeIndex: [Fine: Int] = [:], before: [Before] = []
        var earlier: [CreditCode: (cell: Int, at: Int)] = [:]
        let empty = GroupTotals(plan, codesMayRepeat: false)
        var distinct = true
        previous.withUnsafeBufferPointer { rs in for i in rs.indices {
            let r = rs.baseAddress! + i
            guard r.pointee.period == lastYear, known.contains(r.pointee.zone) else { continue }
            let fine = Fine(zone: r.pointee.zone, kind: r.pointee.agencyKind, brand: r.pointee.brandLevel, types: r.pointee.businessTypes)
            let g: Int
            if let known = beforeIndex[fine] { g = known } else { g = before.count; beforeIndex[fine] = g; before.append(Before(fine: fine, totals: empty)) }
            before[g].totals.add(r, plan, earlier: nil)
            if earlier.updateValue((g, i), forKey: r.pointee.creditCode) != nil { distinct = false }
        } }
        guard distinct else { return nil }
        var nowIndex: [Fine: Int] = [:], now: [Now] = []
        var pairIndex: [Int: Int] = [:], pairs: [Pair] = []
        var seen = Set<CreditCode>(minimumCapacity: returns.count)
        let noSample = [GroupTotals.SameSample](repeating: .init(), count: plan.sameSample.count)
        let noMeasures = [Measure](repeating: Measure(), count: fieldIndex.count)
        returns.withUnsafeBufferPointer { rs in for i in rs.indices {
            let r = rs.baseAddress! + i
            guard r.pointee.period == period, known.contains(r.pointee.zone) else { continue }
            guard seen.insert(r.pointee.creditCode).inserted else { distinct = false; return }
            let fine = Fine(zone: r.pointee.zone, kind: r.pointee.agencyKind, brand: r.pointee.brandLevel, types: r.pointee.businessTypes)
            let g: Int
            if let known = nowIndex[fine] { g = known } else {
                g = now.count; nowIndex[fine] = g; now.append(Now(fine: fine, totals: empty, measures: noMeasures))
            }
            now[g].totals.add(r, plan, earlier: nil)
            let numbers = r.pointee.numbers
            for (m, fi) in fieldIndex.enumerated() {
                guard let v = numbers[fi] else { continue }
                now[g].measures[m].sum += v; now[g].measures[m].reported += 1
                if v > 0 { now[g].measures[m].contributors += 1; now[g].measures[m].largest = max(now[g].measures[m].largest, v) }
            }
            guard !plan.sameSample.isEmpty, let e = earlier[r.pointee.creditCode] else { continue }
            let key = g * before.count + e.cell, p: Int
            if let known = pairIndex[key] { p = known } else { p = pairs.count; pairIndex[key] = p; pairs.append(Pair(now: g, before: e.cell, totals: noSample)) }
            let old = previous[e.at].numbers
            for (s, f) in plan.sameSample.enumerated() {
                guard let v = numbers[f], let b = old[f] else { continue }
                pairs[p].totals[s].now += v; pairs[p].totals[s].before += b; pairs[p].totals[s].both += 1
                pairs[p].totals[s].nowPositive.add(v); pairs[p].totals[s].beforePositive.add(b)
            }
        } }
        guard distinct else { return nil }
        // In the order of their cells, so that the same returns give the same bytes whatever order they came in.
        let nowOrder = now.indices.sorted { now[$0].fine < now[$1].fine }, beforeOrder = before.indices.sorted { before[$0].fine < before[$1].fine }
        var nowAt = [Int](repeating: 0, count: now.count), beforeAt = [Int](repeating: 0, count: before.count)
        for (i, g) in nowOrder.enumerated() { nowAt[g] = i }
        for (i, g) in beforeOrder.enumerated() { beforeAt[g] = i }
        self.now = nowOrder.map { now[$0] }
        self.before = beforeOrder.map { before[$0] }
        self.pairs = pairs.map { Pair(now: nowAt[$0.now], before: beforeAt[$0.before], totals: $0.totals) }
            .sorted { ($0.now, $0.before) < ($1.now, $1.before) }
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
