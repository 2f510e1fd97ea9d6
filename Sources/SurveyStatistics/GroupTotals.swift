import Foundation
import SurveyCore

/// What a pass over returns must keep so that each indicator of a list can be computed from it afterwards: the
/// number fields to sum, the pairs of a ratio, the thresholds to count, and whether the distinct agencies, the
/// province's designations, the brand agencies, the five largest revenues or the squares of revenue are needed.
/// A table is computed in one pass over its returns, each return added to the totals of its groups; nothing
/// is copied per group (grouping a million returns into arrays and going over each group once per indicator was
/// half of a national report's time, perf: retain, release and copies of `SurveyReturn`).
struct TotalsPlan {
    /// Number fields summed (indexes in `SurveyReturn.numberFields`), in slot order.
    private(set) var fields: [Int] = []
    private(set) var slot: [Int: Int] = [:]
    /// Σ numerator and Σ denominator over the returns that report both.
    private(set) var pairs: [(n: Int, d: Int)] = []
    private(set) var pairSlot: [[Int]: Int] = [:]
    /// Revenue thresholds (yuan) whose agencies are counted.
    private(set) var thresholds: [Int64] = []
    private(set) var designations = false
    private(set) var distinct = false
    private(set) var brand = false
    /// The revenues' count, sum and largest values (CR5) or their squares (HHI).
    private(set) var top = false
    private(set) var squares = false
    /// Fields of a same-sample growth (indexes in `SurveyReturn.numberFields`).
    private(set) var sameSample: [Int] = []
    let revenue = SurveyReturn.numberIndex["revenue"]!

    init(_ indicators: [Indicator]) {
        for indicator in indicators { add(indicator.computation) }
    }

    private mutating func sum(_ field: String) {
        let i = SurveyReturn.numberIndex[field]!
        if slot[i] == nil { slot[i] = fields.count; fields.append(i) }
    }

    private mutating func add(_ computation: Computation) {
        switch computation {
        case .agencies: distinct = true
        case .designated: designations = true
        case .brandAgencies: brand = true
        case .agenciesWithRevenueAtLeast(let t): if !thresholds.contains(t) { thresholds.append(t) }
        case .sum(let f), .average(let f), .regionalRatio(let f, _): sum(f)
        case .fieldRatio(let n, let d):
            let key = [SurveyReturn.numberIndex[n]!, SurveyReturn.numberIndex[d]!]
            if pairSlot[key] == nil { pairSlot[key] = pairs.count; pairs.append((key[0], key[1])) }
        case .regional: break
        case .growth(let base): if let b = Catalogue.indicator(base) { add(b.computation) }
        case .sameSampleGrowth(let f):
            let i = SurveyReturn.numberIndex[f]!
            if !sameSample.contains(i) { sameSample.append(i) }
        case .concentrationTop5: top = true
        case .herfindahl: squares = true
        }
    }
}

/// Positive values of a sum, as the primary disclosure rule reads them.
struct PositiveValues {
    var count = 0
    var sum: Int64 = 0
    var largest: Int64 = 0

    mutating func add(_ v: Int64) {
        guard v > 0 else { return }
        count += 1; sum += v; largest = max(largest, v)
    }

    func passes(_ rule: DisclosureRule) -> Bool { rule.primary(contributors: count, sum: sum, largest: largest) == .free }
}

/// The totals of one group of returns under a `TotalsPlan`: what its cells are computed from.
struct GroupTotals {
    struct SameSample {
        var now: Int64 = 0, before: Int64 = 0, both = 0
        var nowPositive = PositiveValues(), beforePositive = PositiveValues()
    }

    var returns = 0
    /// The credit codes seen, only when they may repeat in the data (else `returns` is the number of agencies).
    var codes: Set<CreditCode>?
    var sums: [Int64], reported: [Int]
    var pairNumerator: [Int64], pairDenominator: [Int64], pairBoth: [Int]
    var atLeast: [Int]
    var designated: [String: Int] = [:], designatedAny = 0
    var brand = 0
    /// Reported revenues: how many, their sum, the six largest (descending) and those above zero.
    var revenues = 0, revenueSum: Int64 = 0
    var largest: [Int64] = []
    var positive = PositiveValues()
    /// Σ revenue², exact: in 128 bits, and in a Decimal (exact to 38 digits) should 128 bits not hold it.
    var squares: UInt128 = 0
    var squaresBeyond: Decimal?
    var same: [SameSample]

    init(_ plan: TotalsPlan, codesMayRepeat: Bool) {
        codes = plan.distinct && codesMayRepeat ? [] : nil
        sums = [Int64](repeating: 0, count: plan.fields.count)
        reported = [Int](repeating: 0, count: plan.fields.count)
        pairNumerator = [Int64](repeating: 0, count: plan.pairs.count)
        pairDenominator = pairNumerator
        pairBoth = [Int](repeating: 0, count: plan.pairs.count)
        atLeast = [Int](repeating: 0, count: plan.thresholds.count)
        same = [SameSample](repeating: SameSample(), count: plan.sameSample.count)
    }

    /// The values of each same-sample field a year earlier by credit code (the last reported, as they came),
    /// one table per field of `plan.sameSample`.
    typealias Earlier = [[CreditCode: Int64]]

    static func earlier(_ previous: some Sequence<SurveyReturn>, _ plan: TotalsPlan) -> Earlier {
        var out = Earlier(repeating: [:], count: plan.sameSample.count)
        for r in previous { withUnsafePointer(to: r) { record($0, plan, into: &out) } }
        return out
    }

    static func record(_ r: UnsafePointer<SurveyReturn>, _ plan: TotalsPlan, into earlier: inout Earlier) {
        for (s, f) in plan.sameSample.enumerated() { if let v = r.pointee.numbers[f] { earlier[s][r.pointee.creditCode] = v } }
    }

    /// Adds the return at `r` (a pointer into the caller's array: a return passed by value was copied, six
    /// retains and releases, a tenth of a national report).
    mutating func add(_ r: UnsafePointer<SurveyReturn>, _ plan: TotalsPlan, earlier: Earlier?) {
        returns += 1
        if codes != nil { codes!.insert(r.pointee.creditCode) }
        let numbers = r.pointee.numbers
        for (s, f) in plan.fields.enumerated() {
            if let v = numbers[f] { sums[s] += v; reported[s] += 1 }
        }
        for (s, p) in plan.pairs.enumerated() {
            if let a = numbers[p.n], let b = numbers[p.d] { pairNumerator[s] += a; pairDenominator[s] += b; pairBoth[s] += 1 }
        }
        if !plan.thresholds.isEmpty {
            let revenue = numbers[plan.revenue] ?? 0
            for (s, t) in plan.thresholds.enumerated() where revenue >= t { atLeast[s] += 1 }
        }
        if plan.designations, let d = r.pointee.designation { designated[d, default: 0] += 1; designatedAny += 1 }
        if plan.brand, r.pointee.brandLevel == "provincial" || r.pointee.brandLevel == "national" { brand += 1 }
        if plan.top || plan.squares, let v = numbers[plan.revenue] {
            revenues += 1; revenueSum += v
            positive.add(v)
            if plan.top, largest.count < 6 || v > largest[5] {
                let at = largest.firstIndex { $0 < v } ?? largest.count
                largest.insert(v, at: at)
                if largest.count > 6 { largest.removeLast() }
            }
            if plan.squares {
                let m = UInt128(v.magnitude)
                let (sq, o1) = m.multipliedReportingOverflow(by: m)
                let (total, o2) = squares.addingReportingOverflow(sq)
                if o1 || o2 { squaresBeyond = (squaresBeyond ?? 0) + Decimal(v) * Decimal(v) } else { squares = total }
            }
        }
        if let earlier {
            for (s, f) in plan.sameSample.enumerated() {
                guard let v = numbers[f], let e = earlier[s][r.pointee.creditCode] else { continue }
                same[s].now += v; same[s].before += e; same[s].both += 1
                same[s].nowPositive.add(v); same[s].beforePositive.add(e)
            }
        }
    }

    /// Yuan in 万元: the same Decimal as dividing by 10,000 (compacted as a division leaves it), without the
    /// division (a sixth of grading a million agencies).
    static func wan(_ yuan: Int64) -> Decimal {
        var d = Decimal(sign: yuan < 0 ? .minus : .plus, exponent: -4, significand: Decimal(yuan.magnitude))
        NSDecimalCompact(&d)
        return d
    }

    /// The value of `indicator` over this group, with `before` the same group a year earlier (for growth).
    func cell(_ indicator: Indicator, before: GroupTotals, plan: TotalsPlan, regional: [RegionalFigure],
              zones: Set<String>, period: Period) -> Cell {
        func isMoney(_ field: Int) -> Bool { Form.returns[SurveyReturn.numberFields[field]].type == .money }
        func decimal(_ field: Int, _ v: Int64) -> Decimal { isMoney(field) ? Self.wan(v) : Decimal(v) }
        func ratio(_ n: Decimal, _ d: Decimal, reporting: Int) -> Cell {
            Cell(value: d == 0 ? nil : n / d, numerator: n, denominator: d, reporting: reporting)
        }
        func total(_ field: String) -> (field: Int, sum: Int64, reporting: Int) {
            let i = SurveyReturn.numberIndex[field]!, s = plan.slot[i]!
            return (i, sums[s], reported[s])
        }
        func regionalSum(_ id: String, _ p: Period) -> Decimal? {
            let figures = regional.filter { $0.indicator == id && $0.period == p && zones.contains($0.zone) }
            guard Set(figures.map(\.zone)) == zones else { return nil }     // a zone without the figure: no data
            return figures.reduce(Decimal(0)) { $0 + $1.value }
        }
        switch indicator.computation {
        case .agencies:
            return Cell(value: Decimal(codes?.count ?? returns), reporting: returns)
        case .designated(let id):
            guard designatedAny > 0 else { return Cell(value: nil, reporting: 0) }
            return Cell(value: Decimal(designated[id] ?? 0), reporting: designatedAny)
        case .brandAgencies:
            return Cell(value: Decimal(brand), reporting: returns)
        case .agenciesWithRevenueAtLeast(let threshold):
            return Cell(value: Decimal(atLeast[plan.thresholds.firstIndex(of: threshold)!]), reporting: returns)
        case .sum(let field):
            let t = total(field)
            return Cell(value: t.reporting == 0 ? nil : decimal(t.field, t.sum), reporting: t.reporting)
        case .fieldRatio(let n, let d):
            let ni = SurveyReturn.numberIndex[n]!, di = SurveyReturn.numberIndex[d]!, s = plan.pairSlot[[ni, di]]!
            return ratio(decimal(ni, pairNumerator[s]), decimal(di, pairDenominator[s]), reporting: pairBoth[s])
        case .average(let field):
            let t = total(field)
            return ratio(decimal(t.field, t.sum), Decimal(t.reporting), reporting: t.reporting)
        case .regionalRatio(let n, let id):
            let t = total(n)
            guard t.reporting > 0, let d = regionalSum(id, period) else { return Cell(value: nil, reporting: t.reporting) }
            return ratio(decimal(t.field, t.sum), d, reporting: t.reporting)
        case .regional(let id):
            return Cell(value: regionalSum(id, period), reporting: 0)
        case .growth(let base):
            guard let b = Catalogue.indicator(base) else { return Cell(value: nil, reporting: 0) }
            let now = cell(b, before: before, plan: plan, regional: regional, zones: zones, period: period)
            let earlier = before.cell(b, before: before, plan: plan, regional: regional, zones: zones, period: period.previousYear)
            guard let a = now.value, let p = earlier.value, p != 0 else { return Cell(value: nil, reporting: now.reporting) }
            return Cell(value: (a - p) / p, numerator: a - p, denominator: p, reporting: now.reporting)
        case .sameSampleGrowth(let field):
            let i = SurveyReturn.numberIndex[field]!, s = same[plan.sameSample.firstIndex(of: i)!]
            return ratio(decimal(i, s.now - s.before), decimal(i, s.before), reporting: s.both)
        case .concentrationTop5:
            return ratio(Decimal(largest.prefix(5).reduce(0, +)), Decimal(revenueSum), reporting: revenues)
        case .herfindahl:
            guard revenueSum > 0 else { return Cell(value: nil, reporting: revenues) }
            let sum = Decimal(revenueSum)
            return Cell(value: (Self.decimal(squares) + (squaresBeyond ?? 0)) / (sum * sum), reporting: revenues)
        }
    }

    /// The rules a derived figure needs beyond its base cell's status (see `Aggregation.localStatus`).
    func localStatus(_ indicator: Indicator, plan: TotalsPlan, rule: DisclosureRule) -> ConfStatus {
        switch indicator.computation {
        case .concentrationTop5:
            guard positive.count > 5, largest.count > 5 else { return .free }     // CR5 = 100 %: nothing beyond the total
            let five = largest.prefix(5).reduce(0, +)
            let top = PositiveValues(count: 5, sum: five, largest: largest[0])
            let rest = PositiveValues(count: positive.count - 5, sum: positive.sum - five, largest: largest[5])
            return top.passes(rule) && rest.passes(rule) ? .free : .secondary
        case .sameSampleGrowth(let field):
            let s = same[plan.sameSample.firstIndex(of: SurveyReturn.numberIndex[field]!)!]
            return s.nowPositive.passes(rule) && s.beforePositive.passes(rule) ? .free : .secondary
        default:
            return .free
        }
    }

    /// A 128-bit whole number as a Decimal (exact: Σ revenue² has at most 39 digits, a Decimal holds 38 and
    /// rounds beyond).
    static func decimal(_ x: UInt128) -> Decimal {
        let high = UInt64(truncatingIfNeeded: x >> 64), low = UInt64(truncatingIfNeeded: x)
        return high == 0 ? Decimal(low) : Decimal(high) * twoTo64 + Decimal(low)
    }
    static let twoTo64 = Decimal(UInt64.max) + 1
}

extension PositiveValues {
    mutating func merge(_ o: PositiveValues) {
        count += o.count; sum += o.sum; largest = max(largest, o.largest)
    }
}

extension GroupTotals.SameSample {
    mutating func merge(_ o: GroupTotals.SameSample) {
        now += o.now; before += o.before; both += o.both
        nowPositive.merge(o.nowPositive); beforePositive.merge(o.beforePositive)
    }
}

extension GroupTotals {
    /// Adds another group's totals under the same plan, as if its returns had been added one by one: sums and
    /// counts add up, the six largest of both are the six largest of the union, Σ revenue² adds (in the Decimal
    /// should 128 bits not hold it).
    mutating func merge(_ o: GroupTotals) {
        returns += o.returns
        if codes != nil, let oc = o.codes { codes!.formUnion(oc) }
        for i in sums.indices { sums[i] += o.sums[i]; reported[i] += o.reported[i] }
        for i in pairNumerator.indices {
            pairNumerator[i] += o.pairNumerator[i]; pairDenominator[i] += o.pairDenominator[i]; pairBoth[i] += o.pairBoth[i]
        }
        for i in atLeast.indices { atLeast[i] += o.atLeast[i] }
        for (d, n) in o.designated { designated[d, default: 0] += n }
        designatedAny += o.designatedAny
        brand += o.brand
        revenues += o.revenues; revenueSum += o.revenueSum
        if !o.largest.isEmpty { largest = Array((largest + o.largest).sorted(by: >).prefix(6)) }
        positive.merge(o.positive)
        let (total, overflow) = squares.addingReportingOverflow(o.squares)
        if overflow { squaresBeyond = (squaresBeyond ?? 0) + GroupTotals.decimal(o.squares) } else { squares = total }
        if let b = o.squaresBeyond { squaresBeyond = (squaresBeyond ?? 0) + b }
        for i in same.indices { same[i].merge(o.same[i]) }
    }
}
