import Foundation
import SurveyCore

/// Every figure of the annual white paper (年度发展白皮书), computed and disclosure-controlled here so that
/// Publishing only formats. Each table is a `StatTable` whose statuses come from the period's release (the one
/// pattern every output of the period shares); a figure derived from a hidden cell (a share, a change, a growth
/// rate, a target's actual value) is hidden with it.
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
    /// The revenue breakdown (营业收入构成) per zone, with revenue.
    public let businessByZone: StatTable
    /// Per year of `years`: agencies, staff, revenue, patent filings, pledge financing (one row each).
    public let trend: [StatTable]
    /// Every target of the zones covered, evaluated for `year`.
    public let targets: [TargetResult]
    /// For each of `targets`: whether its actual value may be published (a money figure of one or two agencies,
    /// or of a dominant one, may not; nor one the zone table had to hide).
    public let targetConf: [ConfStatus]
    /// The agencies with an accepted return for `year` (names only: a directory, never their figures), by zone
    /// and name.
    public let directory: AgencyDirectory

    /// Indicators of the headline row: the key figures and the overview, and every total row of the layout.
    public static let headlineIndicators = headlineBase + WhitePaperLayout.indicators { _ in true }.subtracting(headlineBase).sorted()
    static let headlineBase: [String] = [
        "agencies", "brand_agencies", "above_scale_agencies", "staff", "staff_degree_share", "patent_attorneys", "new_hires",
        "revenue", "revenue_growth", "revenue_growth_same_sample", "avg_revenue", "revenue_per_staff", "foreign_revenue",
        "cr5", "hhi",
        "patent_filings", "patent_filings_growth", "patent_filings_local", "invention_filings", "pct_filings",
        "trademark_filings", "trademark_filings_growth", "trademark_filings_local",
        "patent_agency_rate", "trademark_agency_rate", "patent_applications", "trademark_applications",
        "pledge_financing", "pledge_financing_growth", "pledge_deals", "transaction_value", "transaction_value_growth",
        "clients", "clients_growth", "clients_hightech", "abnormal_notified", "abnormal_withdrawal_rate",
    ] + Form.revenueBreakdown.map(\.field) + Form.revenueBreakdown.map { "\($0.field)_growth" }

    /// Indicators per zone: those the layout's zone tables show, and those the charts draw.
    public static let zoneIndicators = WhitePaperLayout.indicators { if case .zones = $0.rows { $0.id != "business_by_zone" } else { false } }
        .union(["revenue", "patent_agency_rate"]).sorted()
    static let kindIndicators = WhitePaperLayout.indicators { if case .options(.agency_kind, _) = $0.rows { true } else { false } }.union(["agencies"]).sorted()
    static let businessTypeIndicators = WhitePaperLayout.indicators { if case .options(.business_type, _) = $0.rows { true } else { false } }.sorted()
    static let brandIndicators = WhitePaperLayout.indicators { if case .options(.brand_level, _) = $0.rows { true } else { false } }.sorted()
    static let businessByZoneIndicators = WhitePaperLayout.indicators { $0.id == "business_by_zone" }.sorted()
    static let trendIndicators = WhitePaperLayout.indicators { if case .years = $0.rows { true } else { false } }.union(["revenue"]).sorted()

    /// Computes the report of `year` for `zones` from the current returns of every year up to `year` (annual
    /// returns; quarterly ones are left to `query`), the regional figures and the plan targets. `releases` holds
    /// the release of every year with returns up to `year` (and of the year before `year`): every status is
    /// theirs. `zones` is all zones of the releases or one of them; else `OutsideRelease` is thrown.
    public init(year: Int, zones: [Zone], returns: [SurveyReturn], regional: [RegionalFigure], targets: [PlanTarget],
                releases: [Int: Release]) throws {
        let covered = Set(zones.map(\.id))
        var byYear: [Int: [SurveyReturn]] = [:]
        for r in returns where r.period.quarter == nil && r.period.year <= year && covered.contains(r.zone) {
            byYear[r.period.year, default: []].append(r)
        }
        try self.init(year: year, zones: zones, returnsByYear: byYear, regional: regional, targets: targets, releases: releases)
    }

    /// The same from each year's annual returns of `zones` (years after `year` are left out): a caller that
    /// reads them year by year hands its arrays on as they are (grouping a million returns copied each).
    /// `cubes` are the totals of some years (with the year before each, over every zone of their releases): their
    /// datasets carry them, so that each table is summed from those, the same as from the returns, without a pass
    /// over them; a year with a cube needs no returns in `byYear` (a national paper holds none).
    /// `directory` is the year's agencies when the caller read them on their own (the returns are then read
    /// without names); nil takes them from the year's returns.
    public init(year: Int, zones: [Zone], returnsByYear byYear: [Int: [SurveyReturn]], regional: [RegionalFigure],
                targets: [PlanTarget], releases: [Int: Release], cubes: [Int: Cube] = [:], directory: AgencyDirectory? = nil) throws {
        self.year = year
        self.zones = zones
        let ids = zones.map(\.id)
        let covered = Set(ids)
        years = Set(byYear.filter { $0.key <= year && !$0.value.isEmpty }.keys)
            .union(cubes.filter { $0.key <= year && $0.value.returns(in: covered) > 0 }.keys).sorted()
        // Each year's dataset once (a dataset finds whether its credit codes repeat).
        func make(_ y: Int) -> Dataset {
            var d = Dataset(period: Period(year: y), returns: byYear[y] ?? [], previous: byYear[y - 1] ?? [], regional: regional, zones: ids)
            d.cube = cubes[y]
            return d
        }
        let datasets = Dictionary(uniqueKeysWithValues: Set(years + [year, year - 1]).map { ($0, make($0)) })
        func dataset(_ y: Int) -> Dataset { datasets[y] ?? make(y) }
        func indicators(_ list: [String]) -> [Indicator] { list.map { Catalogue.indicator($0)! } }
        let now = dataset(year)
        guard let release = releases[year] else {
            throw OutsideRelease(message: Bilingual("没有\(year)年的公布数据集（release）", "no release of \(year)"))
        }
        _ = try release.check(dimensions: [], zones: ids)     // a paper of some but not all zones is refused
        func table(_ y: Int, by: [Breakdown], _ list: [String]) throws -> StatTable {
            var t = StatTable(dataset(y), by: by, indicators: indicators(list))
            if let r = releases[y] { try t.protect(with: r, previous: releases[y - 1], zones: ids) }
            else if !t.rows.isEmpty { throw OutsideRelease(message: Bilingual("没有\(y)年的公布数据集（release）", "no release of \(y)")) }
            return t
        }
        headline = try table(year, by: [], Self.headlineIndicators)
        headlineLastYear = try table(year - 1, by: [], Self.headlineIndicators)
        byZone = try table(year, by: [.zone], Self.zoneIndicators)
        byKind = try table(year, by: [.agency_kind], Self.kindIndicators)
        byBusinessType = try table(year, by: [.business_type], Self.businessTypeIndicators)
        byBrand = try table(year, by: [.brand_level], Self.brandIndicators)
        businessByZone = try table(year, by: [.zone], Self.businessByZoneIndicators)
        trend = try years.map { try table($0, by: [], Self.trendIndicators) }
        let planTargets = targets.filter { $0.zone == "all" || covered.contains($0.zone) }
        // "all" is the whole report; a subset's returns are gathered only when asked for (the targets of single
        // zones come from one table by zone, and only a rule of CR5 or a same-sample growth reads a zone's returns).
        func part(_ subset: [String], _ all: [SurveyReturn]) -> [SurveyReturn] {
            subset.count == ids.count ? all : all.filter { subset.contains($0.zone) }
        }
        let results = TargetEvaluation.evaluate(planTargets, year: year, zones: zones) { subset in
            guard subset.count != ids.count else { return now }
            var d = Dataset(period: Period(year: year), returns: part(subset, now.returns), previous: part(subset, now.previous),
                            regional: regional, zones: subset)
            d.cube = now.cube
            return d
        }
        self.targets = results
        targetConf = TargetEvaluation.confidentiality(of: results, release: release, previous: releases[year - 1], zones: ids, data: now)
        self.directory = (directory ?? AgencyDirectory(returns: byYear[year] ?? [])).sortedByZoneAndName()
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
