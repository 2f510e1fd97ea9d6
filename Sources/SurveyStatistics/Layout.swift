import Foundation
import SurveyCore

/// A table of a published paper, as data: which rows (zones, the options of a breakdown, years, or indicators),
/// which columns (indicators, or figures derived from them), and its titles. `AnnualReport` evaluates every
/// table of a layout against the period's release, so Publishing renders any table — and its XML — with one
/// loop, and never decides which figures exist.
public struct TableLayout: Sendable {
    /// What the rows of a table are.
    public enum Rows: Sendable {
        /// One row per zone of the paper, then (with more than one zone) the total.
        case zones
        /// One row per option of the breakdown present in the data, then the total when `total` is set.
        case options(Breakdown, total: Bool)
        /// One row per year with returns up to the paper's year.
        case years
        /// One row per indicator (the revenue breakdown), then the row of `total`.
        case indicators([String], total: String)
    }

    /// What a column shows for a row.
    public enum Figure: Sendable {
        /// The indicator's value for the row's group (for `.indicators` rows, `nil` means the row's indicator).
        case value(String?)
        /// The row's value of the indicator as a share of the total row's (营业收入占比).
        case shareOfTotal(String?)
        /// The growth rate of the indicator (its `_growth` companion) for the row's group.
        case growth(String?)
    }

    public struct Column: Sendable {
        public let figure: Figure
        /// The header; nil: the indicator's name and unit.
        public let header: Bilingual?
        public init(_ figure: Figure, header: Bilingual? = nil) { self.figure = figure; self.header = header }
    }

    /// The table's id (the XML `table` attribute).
    public let id: String
    public let caption: Bilingual
    public let corner: Bilingual
    public let rows: Rows
    public let columns: [Column]
    /// The label of the total row.
    public let totalLabel: Bilingual

    public init(_ id: String, caption: Bilingual, corner: Bilingual, rows: Rows, columns: [Column],
                totalLabel: Bilingual = Bilingual("合计", "Total")) {
        self.id = id; self.caption = caption; self.corner = corner; self.rows = rows; self.columns = columns; self.totalLabel = totalLabel
    }

    /// The indicators the table needs computed per group (derived figures included).
    var indicatorIDs: [String] {
        var out: [String] = []
        func add(_ id: String) { if !out.contains(id) { out.append(id) } }
        let rowIDs: [String]
        if case .indicators(let ids, let total) = rows { rowIDs = ids + [total] } else { rowIDs = [] }
        for c in columns {
            switch c.figure {
            case .value(let id), .shareOfTotal(let id):
                if let id { add(id) } else { rowIDs.forEach(add) }
            case .growth(let id):
                if let id { add("\(id)_growth") } else { rowIDs.forEach { add("\($0)_growth") } }
            }
        }
        return out
    }
}

/// The tables of the annual white paper (年度发展白皮书), in the order of the paper.
public enum WhitePaperLayout {
    static func values(_ ids: [String]) -> [TableLayout.Column] { ids.map { .init(.value($0)) } }

    /// The indicators the tables `matching` need per group.
    static func indicators(_ matching: (TableLayout) -> Bool) -> Set<String> {
        Set(annual.filter(matching).flatMap(\.indicatorIDs))
    }

    public static let annual: [TableLayout] = [
        TableLayout("trend", caption: Bilingual("历年主要指标", "Main figures by year"), corner: Bilingual("年份", "Year"), rows: .years,
                    columns: values(["agencies", "staff", "revenue", "patent_filings", "pledge_financing"])),
        TableLayout("agency_kind", caption: Bilingual("按机构性质分", "By kind of agency"), corner: Bilingual("机构性质", "Kind of agency"),
                    rows: .options(.agency_kind, total: true),
                    columns: values(["agencies", "staff", "revenue", "revenue_per_staff"])
                        + [.init(.shareOfTotal("revenue"), header: Bilingual("营业收入占比（%）", "Share of revenue (%)"))]),
        TableLayout("business_lines", caption: Bilingual("营业收入构成", "Revenue by business line"), corner: Bilingual("业务板块", "Business line"),
                    rows: .indicators(Form.revenueBreakdown.map(\.field), total: "revenue"),
                    columns: [.init(.value(nil), header: Bilingual("营业收入（万元）", "Revenue (10k yuan)")),
                              .init(.shareOfTotal(nil), header: Bilingual("占比（%）", "Share (%)")),
                              .init(.growth(nil), header: Bilingual("同比增长（%）", "Growth y/y (%)"))],
                    totalLabel: Bilingual("营业收入合计", "Total revenue")),
        TableLayout("business_type", caption: Bilingual("按业务类型分机构数量与从业人员（一家机构计入其每一种业务类型）",
                                                        "Agencies and staff by business type (an agency counts in each of its types)"),
                    corner: Bilingual("业务类型", "Business type"), rows: .options(.business_type, total: false), columns: values(["agencies", "staff"])),
        TableLayout("business_by_zone", caption: Bilingual("各集聚区营业收入构成（万元）", "Revenue by business line and zone (10k yuan)"),
                    corner: Bilingual("集聚区", "Zone"), rows: .zones, columns: values(["revenue"] + Form.revenueBreakdown.map(\.field))),
        TableLayout("brand_level", caption: Bilingual("按品牌级别分机构数量", "Agencies by brand level"), corner: Bilingual("品牌级别", "Brand level"),
                    rows: .options(.brand_level, total: false), columns: values(["agencies"])),
        TableLayout("agency", caption: Bilingual("专利与商标代理", "Patent and trademark agency"), corner: Bilingual("集聚区", "Zone"), rows: .zones,
                    columns: values(["patent_filings", "patent_filings_local", "invention_filings", "trademark_filings", "patent_agency_rate", "trademark_agency_rate"])),
        TableLayout("finance", caption: Bilingual("知识产权金融服务", "IP finance"), corner: Bilingual("集聚区", "Zone"), rows: .zones,
                    columns: values(["pledge_financing", "pledge_deals", "transaction_value"])),
        TableLayout("innovators", caption: Bilingual("服务创新主体", "Service to innovators"), corner: Bilingual("集聚区", "Zone"), rows: .zones,
                    columns: values(["clients", "clients_hightech", "abnormal_withdrawal_rate"])),
        TableLayout("zones", caption: Bilingual("集聚区比较", "Zone comparison"), corner: Bilingual("集聚区", "Zone"), rows: .zones,
                    columns: values(["agencies", "brand_agencies", "above_scale_agencies", "staff", "patent_attorneys", "revenue", "revenue_growth", "revenue_per_staff"])),
    ]
}

/// A table of a layout evaluated for a paper: every cell with its status from the release.
public struct EvaluatedTable: Sendable {
    /// Who a row stands for.
    public enum RowKind: Sendable, Hashable {
        case zone(String)
        case option(Breakdown, String)
        case year(Int)
        case indicator(String)
        /// What the indicator rows leave of the total: revenue not broken down by business line (未分项).
        case remainder
        case total
    }

    public struct Row: Sendable {
        public let kind: RowKind
        public let cells: [EvaluatedCell]
    }

    public let layout: TableLayout
    public let rows: [Row]
}

/// One cell of an evaluated table: the figure, the indicator it is of, and how it is named in the XML.
public struct EvaluatedCell: Sendable {
    public let cell: Cell
    /// The indicator whose unit and kind the value has.
    public let indicator: Indicator
    /// The XML id of the figure (`revenue_share` for a share), and its kind and unit there.
    public let xmlID: String
    public let xmlKind: ValueKind
    public let xmlUnit: String
    /// A growth rate (printed as a change).
    public let isChange: Bool
}

extension AnnualReport {
    /// Evaluates the tables of `layout` from this report's protected tables.
    public func evaluate(_ layout: [TableLayout]) -> [EvaluatedTable] {
        layout.map(evaluate)
    }

    func evaluate(_ t: TableLayout) -> EvaluatedTable {
        func indicator(_ id: String) -> Indicator { Catalogue.indicator(id)! }
        let share = Catalogue.indicator("staff_degree_share")!      // a fraction, like every share
        func cells(_ lookup: (String) -> Cell?, total: (String) -> Cell?, rowIndicator: String?) -> [EvaluatedCell] {
            t.columns.map { column in
                switch column.figure {
                case .value(let id):
                    let i = indicator(id ?? rowIndicator!)
                    return EvaluatedCell(cell: lookup(i.id) ?? .noData, indicator: i, xmlID: i.id, xmlKind: i.kind, xmlUnit: i.unit.zh, isChange: false)
                case .shareOfTotal(let id):
                    let i = id ?? rowIndicator!
                    let c = (lookup(i) ?? .noData).share(of: total(id ?? "revenue"))
                    return EvaluatedCell(cell: c, indicator: share, xmlID: "revenue_share", xmlKind: .ratio, xmlUnit: "比例", isChange: false)
                case .growth(let id):
                    let g = indicator("\(id ?? rowIndicator!)_growth")
                    return EvaluatedCell(cell: lookup(g.id) ?? .noData, indicator: g, xmlID: g.id, xmlKind: g.kind, xmlUnit: g.unit.zh, isChange: true)
                }
            }
        }
        let whole = { (id: String) in headline.cell(id) }
        var rows: [EvaluatedTable.Row] = []
        switch t.rows {
        case .zones:
            let source = t.id == "business_by_zone" ? businessByZone : byZone
            for z in zones {
                rows.append(.init(kind: .zone(z.id), cells: cells({ source.cell($0, key: [z.id]) ?? byZone.cell($0, key: [z.id]) }, total: whole, rowIndicator: nil)))
            }
            if zones.count > 1 { rows.append(.init(kind: .total, cells: cells(whole, total: whole, rowIndicator: nil))) }
        case .options(let breakdown, let total):
            let source: StatTable
            let domain: ChoiceDomain
            switch breakdown {
            case .agency_kind: source = byKind; domain = Choices.agencyKind
            case .business_type: source = byBusinessType; domain = Choices.businessType
            default: source = byBrand; domain = Choices.brandLevel
            }
            for option in domain.options where source.rows.contains(where: { $0.key == [option.id] }) {
                rows.append(.init(kind: .option(breakdown, option.id), cells: cells({ source.cell($0, key: [option.id]) }, total: whole, rowIndicator: nil)))
            }
            if total { rows.append(.init(kind: .total, cells: cells(whole, total: whole, rowIndicator: nil))) }
        case .years:
            for (y, table) in zip(years, trend) {
                rows.append(.init(kind: .year(y), cells: cells({ table.cell($0) }, total: { table.cell($0) }, rowIndicator: nil)))
            }
        case .indicators(let ids, let totalID):
            for id in ids { rows.append(.init(kind: .indicator(id), cells: cells(whole, total: whole, rowIndicator: id))) }
            // The lines need not add up to the total (an agency may report its revenue without the breakdown): the rest
            // is a row of its own, so that the shares shown add up to the 100 % of the total row. It is the total minus
            // the lines, so it tells nothing the table does not; when a line is hidden it is hidden too, since it would
            // give that line away.
            func rest(_ lookup: (String) -> Cell?) -> Cell {
                guard let total = lookup(totalID), let value = total.value else { return .noData }
                if total.status != .free { return Cell(value: nil, reporting: 0, status: total.status) }
                var lines = Decimal(0)
                for id in ids {
                    guard let c = lookup(id) else { continue }
                    if c.status != .free { return Cell(value: nil, reporting: 0, status: .secondary) }
                    lines += c.value ?? 0
                }
                return Cell(value: value - lines, reporting: total.reporting)
            }
            let now = rest(whole), before = rest { headlineLastYear.cell($0) }
            // In the XML it is `revenue_not_broken_down` (and `…_growth`), never `revenue`: it is not the total.
            let restCells = t.columns.map { column -> EvaluatedCell in
                let i = indicator(totalID)
                switch column.figure {
                case .value:
                    return EvaluatedCell(cell: now, indicator: i, xmlID: "\(i.id)_not_broken_down", xmlKind: i.kind, xmlUnit: i.unit.zh, isChange: false)
                case .shareOfTotal:
                    return EvaluatedCell(cell: now.share(of: whole(totalID)), indicator: share, xmlID: "revenue_share", xmlKind: .ratio, xmlUnit: "比例", isChange: false)
                case .growth:
                    let g = indicator("\(totalID)_growth")
                    return EvaluatedCell(cell: now.change(since: before), indicator: g, xmlID: "\(totalID)_not_broken_down_growth", xmlKind: g.kind,
                                         xmlUnit: g.unit.zh, isChange: true)
                }
            }
            rows.append(.init(kind: .remainder, cells: restCells))
            rows.append(.init(kind: .total, cells: cells(whole, total: whole, rowIndicator: totalID)))
        }
        return EvaluatedTable(layout: t, rows: rows)
    }
}
