import Foundation
import SurveyCore

/// The quarterly performance bulletin (季度运营绩效评估, 宿区政办发〔2025〕5号: 按季度开展集聚区运营绩效评估，通过官方网站
/// 公开发布评价结果), computed from quarterly returns.
///
/// A quarterly return (统计期 `YYYYQn`) reports the flows of the quarter alone (本季度: revenue and its breakdown,
/// foreign revenue, pledge financing and deals, transactions, new hires, filings, abnormal filings) and the stocks
/// at the quarter's end (季末: staff, staff with a degree, patent attorneys). The year to date (年初至本季末累计) of a
/// flow is the sum of the year's quarters so far; of a stock, its value at the quarter's end; the number of
/// agencies is those filing for the quarter. Clients served (服务市场主体) count distinct firms, which recur from
/// quarter to quarter: they are shown for the quarter, never added up.
public struct QuarterlyBulletin: Sendable {
    /// How an indicator's year to date is formed.
    public enum ToDate: Sendable {
        /// The sum of the year's quarters (a flow).
        case sum
        /// The value at the quarter's end (a stock, or the agencies filing).
        case atQuarterEnd
        /// Not formed: the quarters cannot be added (distinct counts).
        case none
    }

    /// The rows of the key figures table, in order, with how each one's year to date is formed.
    public static let indicators: [(id: String, toDate: ToDate)] = [
        ("agencies", .atQuarterEnd), ("staff", .atQuarterEnd), ("patent_attorneys", .atQuarterEnd),
        ("revenue", .sum), ("foreign_revenue", .sum), ("patent_filings", .sum), ("trademark_filings", .sum),
        ("pledge_financing", .sum), ("transaction_value", .sum), ("clients", .none),
    ]

    /// One figure of the bulletin: for the quarter, the same quarter a year earlier, the year to date and the same
    /// period a year earlier, with the changes. Every status is from the quarters' releases.
    public struct Figures: Sendable {
        public let quarter: Cell
        public let quarterLastYear: Cell
        public let quarterChange: Cell
        public let toDate: Cell
        public let toDateLastYear: Cell
        public let toDateChange: Cell

        /// No data for any of them (an indicator or zone the bulletin does not hold).
        public static let noData = Figures(quarter: .noData, quarterLastYear: .noData, quarterChange: .noData,
                                           toDate: .noData, toDateLastYear: .noData, toDateChange: .noData)
    }

    /// The figures of `indicator` for all the zones covered, or for one zone.
    public func figures(_ indicator: String, zone: String? = nil) -> Figures {
        (zone.map { byZone[$0]?[indicator] } ?? headline[indicator]) ?? .noData
    }

    public let period: Period
    /// The zones covered: all zones of the releases, or one.
    public let zones: [Zone]
    /// Of those, the zones with returns for the quarter: the bulletin speaks of these (the others file yearly).
    public let filingZones: [Zone]
    /// The quarters of the year up to this one that have returns (for the zones covered).
    public let quartersWithReturns: [Int]
    public let quartersLastYear: [Int]
    /// Per indicator of `indicators`: the figures of all the zones covered.
    public let headline: [String: Figures]
    /// Per zone id, then indicator.
    public let byZone: [String: [String: Figures]]
    /// The zones' targets at the quarter's end: the year to date against the target, progress against the plan
    /// period elapsed at the quarter's end (序时进度).
    public let targets: [TargetResult]
    public let targetConf: [ConfStatus]
    /// Per target: whether quarterly returns measure it (a target on a yearly figure, or on clients served, is not).
    public let targetMeasurable: [Bool]
    /// Agencies with a return for the quarter (names only).
    public let directory: AgencyDirectory

    /// The last day of the quarter.
    public static func end(of period: Period) -> SimpleDate {
        let q = period.quarter ?? 4
        return SimpleDate(year: period.year, month: q * 3, day: q == 1 || q == 4 ? 31 : 30)!
    }

    /// Computes the bulletin of `period` (a quarter) for `zones` (all zones of the releases, or one). `returns` are
    /// the current quarterly returns of this year's and last year's quarters up to this one; `releases` the releases
    /// of those quarters (every status is theirs).
    public init(period: Period, zones: [Zone], returns: [SurveyReturn], regional: [RegionalFigure], targets: [PlanTarget],
                releases: [Period: Release]) throws {
        guard let n = period.quarter else { throw OutsideRelease(message: Bilingual("季度公报只能按季度编制：\(period)", "a bulletin is of a quarter: \(period)")) }
        self.period = period
        self.zones = zones
        let ids = zones.map(\.id), covered = Set(ids)
        var byPeriod: [Period: [SurveyReturn]] = [:]
        for r in returns where covered.contains(r.zone) && r.period.quarter != nil { byPeriod[r.period, default: []].append(r) }
        func quarters(_ year: Int) -> [Period] { (1...n).map { Period(year: year, quarter: $0) } }
        let filing = Set((byPeriod[period] ?? []).map(\.zone))
        filingZones = zones.filter { filing.contains($0.id) }
        quartersWithReturns = quarters(period.year).filter { byPeriod[$0] != nil }.map { $0.quarter! }
        quartersLastYear = quarters(period.year - 1).filter { byPeriod[$0] != nil }.map { $0.quarter! }
        let list = Self.indicators.map { Catalogue.indicator($0.id)! }
        let rule = Dictionary(uniqueKeysWithValues: Self.indicators.map { ($0.id, $0.toDate) })

        // One protected table per quarter (all zones, and by zone).
        func table(_ p: Period, by: [Breakdown]) throws -> StatTable {
            let data = Dataset(period: p, returns: byPeriod[p] ?? [], previous: byPeriod[p.previousYear] ?? [], regional: regional, zones: ids)
            var t = StatTable(data, by: by, indicators: list)
            if let r = releases[p] { try t.protect(with: r, previous: releases[p.previousYear], zones: ids) }
            else if !t.rows.isEmpty { throw OutsideRelease(message: Bilingual("没有\(p)的公布数据集（release）", "no release of \(p)")) }
            return t
        }
        var whole: [Period: StatTable] = [:], zoned: [Period: StatTable] = [:]
        for p in quarters(period.year) + quarters(period.year - 1) {
            whole[p] = try table(p, by: [])
            zoned[p] = try table(p, by: [.zone])
        }
        // The year to date: the sum of the quarters' cells, hidden when any of them is (a sum of published cells
        // tells nothing they do not), no data when a quarter has none.
        func toDate(_ id: String, year: Int, _ lookup: (Period) -> Cell?) -> Cell {
            let ps = quarters(year)
            switch rule[id]! {
            case .none: return .noData
            case .atQuarterEnd: return lookup(ps.last!) ?? .noData
            case .sum:
                var total = Decimal(0), reporting = 0
                var status = ConfStatus.free
                for p in ps {
                    guard let c = lookup(p), let v = c.value else { return .noData }
                    if c.status != .free { status = .secondary }
                    total += v
                    reporting = max(reporting, c.reporting)
                }
                return Cell(value: total, reporting: reporting, status: status)
            }
        }
        func figures(_ id: String, _ lookup: (Period) -> Cell?) -> Figures {
            let q = lookup(period) ?? .noData, qLast = lookup(period.previousYear) ?? .noData
            let ytd = toDate(id, year: period.year, lookup), ytdLast = toDate(id, year: period.year - 1, lookup)
            return Figures(quarter: q, quarterLastYear: qLast, quarterChange: q.change(since: qLast),
                           toDate: ytd, toDateLastYear: ytdLast, toDateChange: ytd.change(since: ytdLast))
        }
        var headline: [String: Figures] = [:]
        for id in Self.indicators.map(\.id) { headline[id] = figures(id) { whole[$0]?.cell(id) } }
        self.headline = headline
        var byZone: [String: [String: Figures]] = [:]
        for z in ids {
            var f: [String: Figures] = [:]
            for id in Self.indicators.map(\.id) { f[id] = figures(id) { zoned[$0]?.cell(id, key: [z]) } }
            byZone[z] = f
        }
        self.byZone = byZone

        // Targets: evaluated on each agency's year to date (flows summed over its quarters, stocks at this quarter's
        // end), at the quarter's end; those the quarters cannot measure have no data.
        let ytdReturns = Self.toDateReturns(quarters(period.year).flatMap { byPeriod[$0] ?? [] }, period: period)
        let planTargets = targets.filter { filing.contains($0.zone) }
        let measurable: (PlanTarget) -> Bool = { t in
            guard let r = rule[t.indicator] else {
                // Indicators outside the table: a sum of a flow field, or a ratio of two, may be formed the same way.
                guard let i = Catalogue.indicator(t.indicator), i.source == .returns else { return false }
                switch i.computation {
                case .sum(let f), .fieldRatio(let f, _): return !["clients", "clients_hightech"].contains(f)
                case .agencies, .brandAgencies: return true
                default: return false
                }
            }
            return r != .none
        }
        let results = TargetEvaluation.evaluate(planTargets, year: period.year, zones: zones, at: Self.end(of: period)) { subset in
            Dataset(period: period, returns: ytdReturns.filter { subset.contains($0.zone) }, previous: [], regional: regional, zones: subset)
        }.map { r -> TargetResult in
            measurable(r.target) ? r : TargetEvaluation.noData(r.target, r.indicator, nil, r.elapsed)
        }
        self.targets = results
        targetMeasurable = results.map { measurable($0.target) }
        self.targetConf = results.map { r in
            guard r.actual != nil, let indicator = r.indicator, let measure = indicator.protectedBy else { return .free }
            // The actual is the zone's year to date: hidden when its measure's cell is hidden in any of the quarters.
            if let cell = byZone[r.target.zone]?[indicator.id]?.toDate { return cell.status }
            let hidden = quarters(period.year).contains { p in
                (releases[p]?.cell(ReleaseKey(measure: measure, zone: r.target.zone))?.status ?? .free) != .free
            }
            return hidden ? .secondary : .free
        }
        directory = AgencyDirectory(returns: byPeriod[period] ?? []).sortedByZoneAndName()
    }

    /// Each agency's year to date up to `period`: flow fields summed over its quarterly returns, stock fields from
    /// its latest quarter; the identity of its latest return.
    public static func toDateReturns(_ returns: [SurveyReturn], period: Period) -> [SurveyReturn] {
        let stocks: Set<String> = ["staff", "staff_degree", "patent_attorneys"]
        var out: [CreditCode: SurveyReturn] = [:]
        for r in returns.sorted(by: { $0.period < $1.period }) {
            guard var sum = out[r.creditCode] else { var first = r; first.period = period; out[r.creditCode] = first; continue }
            for (i, field) in SurveyReturn.numberFields.enumerated() {
                if stocks.contains(field) { sum.numbers[i] = r.numbers[i]; continue }
                if let v = r.numbers[i] { sum.numbers[i] = (sum.numbers[i] ?? 0) + v }
            }
            sum.agencyName = r.agencyName; sum.zone = r.zone; sum.agencyKind = r.agencyKind; sum.brandLevel = r.brandLevel; sum.businessTypes = r.businessTypes
            out[r.creditCode] = sum
        }
        return out.values.sorted { $0.creditCode < $1.creditCode }
    }
}
