import Foundation
import SurveyCore

extension Cube {
    /// What a year's returns leave for the next year's cube: their fine cells (the next cube's `before`) and,
    /// per agency, its cell and its same-sample values (for the pairs).
    public struct Carried: Sendable {
        public let period: Period
        /// No credit code was in the year twice (else the next year has no cube: its agencies' last-year
        /// returns are not one each).
        let distinct: Bool
        let cells: [Before]
        /// Agency → its row in `cell` and `values` (`plan.sameSample.count` values a row, `notReported` for none).
        let row: [CreditCode: Int]
        let cell: [Int32]
        let values: [Int64]
    }

    /// A cube made one return at a time, so that a year's returns need never be held together: a national year
    /// is a million returns of 400 bytes each, while its cube is some thousands of cells. Returns are added in
    /// any order, in parts on every core (`merge`): the cube sorts its cells, so the same returns give the same
    /// bytes. `Cube(period:zones:returns:previous:)` is this over two arrays.
    public struct Builder: Sendable {
        public let period: Period
        let zones: [String]
        let known: Set<String>
        let previous: Carried?
        /// Whether `carried` will be asked for (each return's cell and same-sample values are then kept).
        let carry: Bool
        /// `Cube.plan` and `Release.measureFields`, held here: a static's lazy check on every return added.
        let plan = Cube.plan
        let measureFields = Release.measureFields
        var index: [Fine: Int] = [:]
        var now: [Now] = []
        var pairIndex: [Int: Int] = [:]
        var pairs: [Pair] = []
        /// Every credit code added (a code twice makes no cube), with its cell and values when carrying.
        var codes: [CreditCode] = []
        var cellOf: [Int32] = []
        var values: [Int64] = []
        static let notReported = Int64.min

        /// A builder of `period`'s cube over `zones` (returns of other periods or zones are left out, as a release
        /// leaves them), with `previous` from the year before (nil: no returns then, or none read) and `carry`
        /// when this year's `carried` is wanted for the next.
        public init(period: Period, zones: [String], previous: Carried?, carry: Bool = false) {
            self.period = period; self.zones = zones; self.known = Set(zones); self.carry = carry
            precondition(previous == nil || previous!.period == period.previousYear, "the year before's returns")
            self.previous = previous
        }

        public var isEmpty: Bool { codes.isEmpty }

        /// Adds the return at `r` (lent for the call).
        public mutating func add(_ r: UnsafePointer<SurveyReturn>) {
            guard r.pointee.period == period, known.contains(r.pointee.zone) else { return }
            let fine = Fine(zone: r.pointee.zone, kind: r.pointee.agencyKind, brand: r.pointee.brandLevel, types: r.pointee.businessTypes)
            let g: Int
            if let known = index[fine] { g = known } else {
                g = now.count; index[fine] = g
                now.append(Now(fine: fine, totals: GroupTotals(plan, codesMayRepeat: false),
                               measures: [Measure](repeating: Measure(), count: measureFields.count)))
            }
            now[g].totals.add(r, plan, earlier: nil)
            let numbers = r.pointee.numbers
            for (m, fi) in measureFields.enumerated() {
                guard let v = numbers[fi] else { continue }
                now[g].measures[m].sum += v; now[g].measures[m].reported += 1
                if v > 0 { now[g].measures[m].contributors += 1; now[g].measures[m].largest = max(now[g].measures[m].largest, v) }
            }
            codes.append(r.pointee.creditCode)
            if carry {
                cellOf.append(Int32(g))
                for f in plan.sameSample { values.append(numbers[f] ?? Builder.notReported) }
            }
            guard !plan.sameSample.isEmpty, let previous, let e = previous.row[r.pointee.creditCode] else { return }
            let before = Int(previous.cell[e])
            let key = g * previous.cells.count + before, p: Int
            if let known = pairIndex[key] { p = known } else {
                p = pairs.count; pairIndex[key] = p
                pairs.append(Pair(now: g, before: before, totals: [GroupTotals.SameSample](repeating: .init(), count: plan.sameSample.count)))
            }
            let k = plan.sameSample.count
            for (s, f) in plan.sameSample.enumerated() {
                let b = previous.values[e * k + s]
                guard let v = numbers[f], b != Builder.notReported else { continue }
                pairs[p].totals[s].now += v; pairs[p].totals[s].before += b; pairs[p].totals[s].both += 1
                pairs[p].totals[s].nowPositive.add(v); pairs[p].totals[s].beforePositive.add(b)
            }
        }

        /// Adds the returns another builder of the same period, zones and year before was given (after these).
        public mutating func merge(_ other: Builder) {
            precondition(other.period == period && other.carry == carry, "builders of one cube")
            var at = [Int](repeating: 0, count: other.now.count)
            for (i, cell) in other.now.enumerated() {
                if let g = index[cell.fine] {
                    at[i] = g
                    now[g].totals.merge(cell.totals)
                    for m in cell.measures.indices {
                        let o = cell.measures[m]
                        now[g].measures[m].sum += o.sum; now[g].measures[m].reported += o.reported
                        now[g].measures[m].contributors += o.contributors; now[g].measures[m].largest = max(now[g].measures[m].largest, o.largest)
                    }
                } else {
                    at[i] = now.count; index[cell.fine] = now.count; now.append(cell)
                }
            }
            let beforeCount = previous?.cells.count ?? 0
            for pair in other.pairs {
                let g = at[pair.now], key = g * beforeCount + pair.before
                if let p = pairIndex[key] {
                    for s in pairs[p].totals.indices { pairs[p].totals[s].merge(pair.totals[s]) }
                } else {
                    pairIndex[key] = pairs.count; pairs.append(Pair(now: g, before: pair.before, totals: pair.totals))
                }
            }
            codes += other.codes
            cellOf += other.cellOf.map { Int32(at[Int($0)]) }
            values += other.values
        }

        /// Whether no credit code was added twice (sorting a copy of the codes: a set of a million was slower).
        func codesAreDistinct() -> Bool {
            let sorted = codes.sorted()
            return zip(sorted, sorted.dropFirst()).allSatisfy { $0 != $1 }
        }

        /// The cube of what was added; nil when a credit code came twice, this year or the year before.
        public func cube() -> Cube? {
            guard previous?.distinct != false, codesAreDistinct() else { return nil }
            let lastYear = previous?.cells ?? []
            // In the order of their cells, so that the same returns give the same bytes whatever order they came in.
            let nowOrder = now.indices.sorted { now[$0].fine < now[$1].fine }, beforeOrder = lastYear.indices.sorted { lastYear[$0].fine < lastYear[$1].fine }
            var nowAt = [Int](repeating: 0, count: now.count), beforeAt = [Int](repeating: 0, count: lastYear.count)
            for (i, g) in nowOrder.enumerated() { nowAt[g] = i }
            for (i, g) in beforeOrder.enumerated() { beforeAt[g] = i }
            return Cube(period: period, zones: zones, now: nowOrder.map { now[$0] }, before: beforeOrder.map { lastYear[$0] },
                        pairs: pairs.map { Pair(now: nowAt[$0.now], before: beforeAt[$0.before], totals: $0.totals) }
                            .sorted { ($0.now, $0.before) < ($1.now, $1.before) })
        }

        /// What this year leaves for the next one's cube (made with `carry`).
        public func carried() -> Carried {
            precondition(carry, "a builder made to carry")
            var row: [CreditCode: Int] = [:]
            row.reserveCapacity(codes.count)
            for (i, c) in codes.enumerated() where row.updateValue(i, forKey: c) != nil {
                return Carried(period: period, distinct: false, cells: [], row: [:], cell: [], values: [])
            }
            return Carried(period: period, distinct: true, cells: now.map { Before(fine: $0.fine, totals: $0.totals) }, row: row, cell: cellOf, values: values)
        }
    }
}

extension Cube {
    /// Returns of the period in `zones`.
    public func returns(in zones: Set<String>) -> Int {
        now.reduce(0) { $0 + (zones.contains($1.fine.zone) ? $1.totals.returns : 0) }
    }

    /// The totals of the returns of `zones` as one group, with the same sample of the agencies that were in
    /// those zones both years: what `GroupTotals.add` gives over those returns one by one.
    func totals(zones: Set<String>) -> GroupTotals {
        var out = GroupTotals(Cube.plan, codesMayRepeat: false)
        for cell in now where zones.contains(cell.fine.zone) { out.merge(cell.totals) }
        for pair in pairs where zones.contains(now[pair.now].fine.zone) && zones.contains(before[pair.before].fine.zone) {
            for s in out.same.indices { out.same[s].merge(pair.totals[s]) }
        }
        return out
    }
}
