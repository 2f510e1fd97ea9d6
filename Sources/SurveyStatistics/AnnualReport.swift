import Foundation
import SurveyCore

/// Every figure of the annual white paper (年度发展白皮书), computed and disclosure-controlled here so that
/// Publishing only formats. Each table is a `StatTable`: suppressed cells carry their status, and a figure
/// derived from suppressed cells (a share, a change) is suppressed with them.
public struct AnnualReport: Sendable {
    public let year: Int
    /// The zones the report covers, in the order of zones.csv.
    public let zones: [Zone]
    /// The years with returns up to `year`, ascending (the trend).
    public let years: [Int]
    /// Whole-report figures of the year (one row, no breakdown).
    public let headline: StatTable
    /// The same figures a year earlier (one row; no data when nothing was reported).
    public let headlineLastYear: StatTable
    /// Figures per zone (zone comparison, patent and trademark agency, IP finance, service to innovators).
    public let byZone: StatTable
    /// Agencies, staff and revenue per kind of agency (机构性质).
    public let byKind: StatTable
    /// Agencies and staff per business type (a firm counts in each of its types).
    public let byBusinessType: StatTable
    /// Agencies per brand level.
    public let byBrand: StatTable
    /// The revenue breakdown (营业收入构成) per zone, with revenue; a row with one suppressed part hides another.
    public let businessByZone: StatTable
    /// Per year of `years`: agencies, staff, revenue, patent filings, pledge financing (one row each).
    public let trend: [StatTable]
    /// Every target of the zones covered, evaluated for `year`.
    public let targets: [TargetResult]
    /// For each of `targets`: whether its actual value may be published (a money figure of one or two agencies,
    /// or of a dominant one, may not; nor one the zone table had to hide).
    public let targetConf: [ConfStatus]
    /// The agencies with an accepted return for `year` (names only: a directory, never their figures).
    public let directory: [ListedAgency]

    /// An agency in the report's directory.
    public struct ListedAgency: Sendable, Hashable {
        public let zone: String
        public let name: String
        public let brandLevel: String
    }

    /// Indicators of the headline row: the key figures and the overview.
    public static let headlineIndicators = [
        "agencies", "brand_agencies", "above_scale_agencies", "staff", "staff_degree_share", "patent_attorneys", "new_hires",
        "revenue", "revenue_growth", "revenue_growth_same_sample", "avg_revenue", "revenue_per_staff", "foreign_revenue",
        "cr5", "hhi",
        "patent_filings", "patent_filings_growth", "patent_filings_local", "invention_filings", "pct_filings",
        "trademark_filings", "trademark_filings_growth", "trademark_filings_local",
        "patent_agency_rate", "trademark_agency_rate", "patent_applications", "trademark_applications",
        "pledge_financing", "pledge_financing_growth", "pledge_deals", "transaction_value", "transaction_value_growth",
        "clients", "clients_growth", "clients_hightech", "abnormal_notified", "abnormal_withdrawal_rate",
    ] + Form.revenueBreakdown.map(\.field) + Form.revenueBreakdown.map { "\($0.field)_growth" }

    /// Indicators of the zone comparison table.
    public static let zoneIndicators = [
        "agencies", "brand_agencies", "above_scale_agencies", "staff", "patent_attorneys", "revenue", "revenue_growth",
        "revenue_per_staff", "patent_filings", "patent_filings_local", "invention_filings", "trademark_filings",
        "patent_agency_rate", "trademark_agency_rate", "pledge_financing", "pledge_deals", "transaction_value",
        "clients", "clients_hightech", "abnormal_withdrawal_rate",
    ]

    static let kindIndicators = ["agencies", "staff", "revenue", "revenue_per_staff"]
    static let businessTypeIndicators = ["agencies", "staff"]
    static let trendIndicators = ["agencies", "staff", "revenue", "patent_filings", "pledge_financing"]

    /// Computes the report of `year` for `zones` from the current returns of every year up to `year` (annual
    /// returns; quarterly ones are left to `query`), the regional figures and the plan targets.
    public init(year: Int, zones: [Zone], returns: [SurveyReturn], regional: [RegionalFigure], targets: [PlanTarget]) {
        self.year = year
        self.zones = zones
        let ids = zones.map(\.id)
        let covered = Set(ids)
        var byYear: [Int: [SurveyReturn]] = [:]
        for r in returns where r.period.quarter == nil && r.period.year <= year && covered.contains(r.zone) {
            byYear[r.period.year, default: []].append(r)
        }
        func dataset(_ y: Int) -> Dataset {
            Dataset(period: Period(year: y), returns: byYear[y] ?? [], previous: byYear[y - 1] ?? [], regional: regional, zones: ids)
        }
        func indicators(_ list: [String]) -> [Indicator] { list.map { Catalogue.indicator($0)! } }
        let now = dataset(year)
        years = byYear.keys.filter { $0 <= year }.sorted()
        headline = StatTable(now, by: [], indicators: indicators(Self.headlineIndicators))
        headlineLastYear = StatTable(dataset(year - 1), by: [], indicators: indicators(Self.headlineIndicators))
        byZone = StatTable(now, by: [.zone], indicators: indicators(Self.zoneIndicators))
        byKind = StatTable(now, by: [.agency_kind], indicators: indicators(Self.kindIndicators))
        byBusinessType = StatTable(now, by: [.business_type], indicators: indicators(Self.businessTypeIndicators))
        byBrand = StatTable(now, by: [.brand_level], indicators: indicators(["agencies"]))
        var business = StatTable(now, by: [.zone], indicators: indicators(["revenue"] + Form.revenueBreakdown.map(\.field)))
        business.suppressAdditive(Form.revenueBreakdown.map(\.field))
        businessByZone = business
        trend = years.map { StatTable(dataset($0), by: [], indicators: indicators(Self.trendIndicators)) }
        let planTargets = targets.filter { $0.zone == "all" || covered.contains($0.zone) }
        // Each zone's returns once; "all" is the whole report.
        var current: [String: [SurveyReturn]] = [:], previous: [String: [SurveyReturn]] = [:]
        for r in now.returns { current[r.zone, default: []].append(r) }
        for r in now.previous { previous[r.zone, default: []].append(r) }
        func part(_ subset: [String], _ all: [SurveyReturn], _ byZone: [String: [SurveyReturn]]) -> [SurveyReturn] {
            subset.count == ids.count ? all : subset.flatMap { byZone[$0] ?? [] }
        }
        let results = TargetEvaluation.evaluate(planTargets, year: year, zones: zones) { subset in
            Dataset(period: Period(year: year), returns: part(subset, now.returns, current),
                    previous: part(subset, now.previous, previous), regional: regional, zones: subset)
        }
        self.targets = results
        let zoneTable = byZone
        targetConf = results.map { result in
            guard let indicator = result.indicator, result.actual != nil else { return .free }
            let subset = result.target.zone == "all" ? ids : [result.target.zone]
            let primary = Aggregation.primaryStatus(indicator, returns: part(subset, now.returns, current))
            if primary != .free { return primary }
            if result.target.zone != "all", let c = zoneTable.cell(indicator.id, key: [result.target.zone]), c.status != .free { return c.status }
            return .free
        }
        directory = (byYear[year] ?? []).map { ListedAgency(zone: $0.zone, name: $0.agencyName, brandLevel: $0.brandLevel) }
            .sorted { $0.zone != $1.zone ? $0.zone < $1.zone : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }   // code point order, fast
    }
}

extension StatTable {
    /// The cell of indicator `id` in the row with `key` (nil when the table has no such row or indicator).
    public func cell(_ id: String, key: [String] = []) -> Cell? {
        guard let m = indicators.firstIndex(where: { $0.id == id }), let row = rows.first(where: { $0.key == key }) else { return nil }
        return row.cells[m]
    }
}

extension Cell {
    /// A cell without data (no such row or indicator).
    public static let noData = Cell(value: nil, reporting: 0)

    /// This cell's share of `whole` (a fraction); suppressed when either is, no data when either has none.
    public func share(of whole: Cell?) -> Cell {
        derived(with: whole) { part, total in total == 0 ? nil : part / total }
    }

    /// The relative change from `earlier` to this cell ((now − earlier) ÷ earlier); suppressed when either is.
    public func change(since earlier: Cell?) -> Cell {
        derived(with: earlier) { now, before in before == 0 ? nil : (now - before) / before }
    }

    /// The difference from `earlier` (percentage points for ratios); suppressed when either is.
    public func difference(since earlier: Cell?) -> Cell {
        derived(with: earlier) { now, before in now - before }
    }

    func derived(with other: Cell?, _ f: (Decimal, Decimal) -> Decimal?) -> Cell {
        guard let other else { return Cell(value: nil, reporting: 0) }
        let status: ConfStatus = status != .free ? status : (other.status != .free ? .secondary : .free)
        guard let a = value, let b = other.value else { return Cell(value: nil, reporting: reporting) }
        return Cell(value: f(a, b), numerator: a, denominator: b, reporting: reporting, status: status)
    }
}
