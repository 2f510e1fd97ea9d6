import Foundation
import SurveyCore
import SurveyStatistics

/// What the white paper says about where its figures came from, gathered by the command line (which reads the
/// archive and hashes the templates).
public struct ReportContext: Sendable {
    /// One archived file, for the data-quality and provenance sections.
    public struct File: Sendable {
        public let name: String
        public let kind: String
        public let encoding: String
        public let receivedAt: String
        /// The receipt time as people read it (China time).
        public let receivedAtText: String
        public let size: Int64
        public let sha256: String
        public let rows: Int
        public let accepted: Int
        public let rejected: Int
        public let warnings: Int
        public init(name: String, kind: String, encoding: String, receivedAt: String, receivedAtText: String, size: Int64, sha256: String,
                    rows: Int, accepted: Int, rejected: Int, warnings: Int) {
            self.name = name; self.kind = kind; self.encoding = encoding; self.receivedAt = receivedAt; self.receivedAtText = receivedAtText; self.size = size
            self.sha256 = sha256; self.rows = rows; self.accepted = accepted; self.rejected = rejected; self.warnings = warnings
        }
    }

    /// The release the paper prints and what its audit found (computed by the workflow, formatted here).
    public struct Disclosure: Sendable {
        public let period: String
        public let asOf: String
        /// The as-of as people read it (China time).
        public let asOfText: String
        public let digest: String
        public let cells: Int
        public let hidden: Int
        public let audited: Int
        /// The narrowest protection the audit found (a fraction), nil when no cell needed protecting.
        public let narrowest: Double?
        public let protectionPercent: Int
        public let minimumAgencies: Int
        public let dominancePercent: Int
        public init(period: String, asOf: String, asOfText: String, digest: String, cells: Int, hidden: Int, audited: Int, narrowest: Double?,
                    protectionPercent: Int, minimumAgencies: Int, dominancePercent: Int) {
            self.period = period; self.asOf = asOf; self.asOfText = asOfText; self.digest = digest; self.cells = cells; self.hidden = hidden; self.audited = audited
            self.narrowest = narrowest; self.protectionPercent = protectionPercent; self.minimumAgencies = minimumAgencies
            self.dominancePercent = dominancePercent
        }
    }

    public let language: Language
    public let disclosure: Disclosure
    /// The archive state the report answers for (ISO 8601).
    public let asOf: String
    /// The as-of as people read it: `2026-04-30 17:05`, China time.
    public let asOfText: String
    /// The date printed on the cover (YYYY-MM-DD): from the as-of or SOURCE_DATE_EPOCH, never the wall clock.
    public let date: String
    public let files: [File]
    public let findings: [(code: String, severity: Severity, count: Int)]
    /// Template file name → SHA-256.
    public let templates: [(name: String, sha256: String)]
    public let toolVersion: String
    /// The options the report was made with, as given.
    public let options: [(name: String, value: String)]

    /// What the office wrote (input/publication/): the settings, this year's commentary, and the files they came from
    /// (name → SHA-256, for the provenance appendix).
    public var settings = Publication.Settings()
    public var commentary = Publication.Commentary()
    public var texts: [(name: String, sha256: String)] = []
    /// Who filed (FilingStatus, computed by the workflow): agencies expected from the year before, how many of them
    /// filed, and how many filed without a return for the year before.
    public var response: (expected: Int, received: Int, newFilers: Int, rate: Decimal)?
    /// The office's grading of agencies (input/grading.txt), when it grades them: the rules, and each agency's grade
    /// by credit code. Only the grade is printed, never the score.
    public var grading: (rules: GradingRules, grades: [String: GradingRules.Grade])?
    /// The most agencies the printed paper lists by name; above it the directory is a file of its own,
    /// `directoryFile` (see `DirectoryListingView`).
    public var directoryLimit = 1_000
    public var directoryFile = "directory.csv"

    public init(language: Language, disclosure: Disclosure, asOf: String, asOfText: String, date: String, files: [File], findings: [(code: String, severity: Severity, count: Int)],
                templates: [(name: String, sha256: String)], toolVersion: String, options: [(name: String, value: String)]) {
        self.language = language; self.disclosure = disclosure; self.asOf = asOf; self.asOfText = asOfText; self.date = date; self.files = files; self.findings = findings
        self.templates = templates; self.toolVersion = toolVersion; self.options = options
    }
}

/// Turns the computed report into the view model: formats every figure, draws the charts, and lists every
/// published figure once more for the XML. It computes nothing (shares and changes come from Statistics).
public struct WhitePaperBuilder {
    let report: AnnualReport
    let context: ReportContext
    let format: NumberFormat
    let language: Language
    var figures: [XMLFigureView] = []
    var recorded: Set<String> = []

    public init(report: AnnualReport, context: ReportContext) {
        self.report = report
        self.context = context
        self.language = context.language
        self.format = NumberFormat(context.language)
    }

    var zh: Bool { language == .zh }
    func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }
    func ind(_ id: String) -> Indicator { Catalogue.indicator(id)! }
    var year: String { "\(report.year)" }

    /// How a figure is written.
    enum Style { case plain, unit, change, points }

    /// The text of a cell, recording it for the XML when `table` is given.
    mutating func figure(_ cell: Cell?, _ indicator: Indicator, style: Style = .plain, table: String? = nil, zone: String = "all",
                         period: Int? = nil, dimension: String = "", category: String = "", xmlID: String? = nil,
                         xmlKind: ValueKind? = nil, xmlUnit: String? = nil) -> FigureView {
        let c = cell ?? Cell.noData
        if let table {
            let id = xmlID ?? indicator.id
            let key = [table, zone, "\(period ?? report.year)", id, dimension, category].joined(separator: "\u{1}")
            if !recorded.contains(key) {
                recorded.insert(key)
                let kind = xmlKind ?? indicator.kind
                figures.append(XMLFigureView(table: table, zone: zone, period: "\(period ?? report.year)", indicator: id,
                                             unit: xmlUnit ?? indicator.unit.zh, hasDimension: !dimension.isEmpty, dimension: dimension, category: category,
                                             hasValue: c.published != nil, value: c.published.map { NumberFormat.machine($0, kind) } ?? "",
                                             conf: c.status.rawValue))
            }
        }
        return Self.figureView(c, indicator, style: style, format: format)
    }

    /// A cell as every published table prints it: `—` when hidden, `…` without data, else in `style`.
    static func figureView(_ c: Cell, _ indicator: Indicator, style: Style, format: NumberFormat) -> FigureView {
        if c.status != .free {
            return FigureView(text: NumberFormat.suppressed, cls: "conf", conf: c.status.rawValue, suppressed: true)
        }
        guard let v = c.value else { return FigureView(text: NumberFormat.noData, cls: "nodata", conf: "F", suppressed: false) }
        switch style {
        case .plain: return FigureView(text: format.plain(v, indicator.kind), cls: "", conf: "F", suppressed: false)
        case .unit: return FigureView(text: format.withUnit(v, indicator), cls: "", conf: "F", suppressed: false, number: format.plain(v, indicator.kind))
        case .change: return FigureView(text: format.change(v), cls: v > 0 ? "up" : (v < 0 ? "down" : ""), conf: "F", suppressed: false,
                                        phrase: format.changePhrase(v))
        case .points: return FigureView(text: format.points(v), cls: v > 0 ? "up" : (v < 0 ? "down" : ""), conf: "F", suppressed: false,
                                        phrase: format.pointsPhrase(v))
        }
    }

    /// Text as a CSS string literal for a style sheet: every ASCII character but letters, digits and the space is
    /// written as a hex escape, so nothing in it can end the string or the `<style>` element (`"`, `\`, `<`).
    static func cssString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v >= 0x80 || (scalar.properties.isAlphabetic || (0x30...0x39).contains(v) || v == 0x20) && v >= 0x20 {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\" + String(v, radix: 16) + " "
            }
        }
        return out + "\""
    }

    /// A document as a sentence cites it: a document number (`宿区政办发〔2025〕5号`) stands as it is; a title goes in
    /// title marks (《…》, English “…”), which are never put round a number.
    static func cited(_ document: String, zh: Bool) -> String {
        func titled(_ title: String) -> String { zh ? "《\(title)》" : "“\(title)”" }
        let number = /[\p{Han}]+〔\d{4}〕\s*\d+号/
        if document.wholeMatch(of: number) != nil { return document }
        // `Title（宿区政办发〔2025〕5号）`: the title in marks, the number after it.
        if let m = document.wholeMatch(of: /(.+?)\s*[（(]([\p{Han}]+〔\d{4}〕\s*\d+号)[）)]/) {
            return titled(String(m.1)) + (zh ? "（\(m.2)）" : " (\(m.2))")
        }
        return titled(document)
    }

    /// A unit in brackets: `（万元）` in Chinese, ` (10k yuan)` in English.
    func bracketed(_ unit: String) -> String { unit.isEmpty ? "" : (zh ? "（\(unit)）" : " (\(unit))") }
    /// A column's header: the indicator and its unit. In English a count's unit is left out ("Agencies", not
    /// "Agencies (agencies)"): the label already says what is counted.
    func header(_ i: Indicator) -> HeaderView {
        if i.kind == .ratio { return HeaderView(label: i.name[language], unit: bracketed("%")) }
        if !zh && i.kind == .count { return HeaderView(label: i.name.en, unit: "") }
        return HeaderView(label: i.name[language], unit: bracketed(i.unit[language]))
    }
    func header(_ id: String) -> HeaderView { header(ind(id)) }

    /// A header written with its unit in the layout (`同比增长（%）`), cut before the unit's bracket.
    func split(_ header: String) -> HeaderView {
        for open in ["（", " ("] {
            if let r = header.range(of: open, options: .backwards), header.hasSuffix(open == "（" ? "）" : ")") {
                return HeaderView(label: String(header[..<r.lowerBound]), unit: String(header[r.lowerBound...]))
            }
        }
        return HeaderView(label: header, unit: "")
    }

    var zoneNames: [String: String] { Dictionary(uniqueKeysWithValues: report.zones.map { ($0.id, $0.name[language]) }) }
    func choice(_ domain: ChoiceDomain, _ id: String) -> String {
        domain.index(of: id).map { domain.options[$0].name[language] } ?? id
    }

    /// Any evaluated table of the layout: its rows labelled, every cell formatted and recorded for the XML.
    mutating func table(_ e: EvaluatedTable) -> TableView {
        let layout = e.layout
        let rows = e.rows.map { row -> RowView in
            var zone = "all", period: Int? = nil, dimension = "", category = "", label = layout.totalLabel[language]
            switch row.kind {
            case .zone(let id): zone = id; label = zoneNames[id] ?? id
            case .option(let breakdown, let id):
                dimension = breakdown.rawValue; category = id
                let domain = breakdown == .agency_kind ? Choices.agencyKind : (breakdown == .business_type ? Choices.businessType : Choices.brandLevel)
                label = choice(domain, id)
            case .year(let y): period = y; label = zh ? "\(y)年" : "\(y)"
            case .indicator(let id):
                dimension = "revenue_line"; category = id
                label = Form.revenueBreakdown.first { $0.field == id }.map { choice(Choices.businessType, $0.businessType) } ?? ind(id).name[language]
            case .remainder:
                dimension = "revenue_line"; category = "not_broken_down"
                label = t("未分业务板块的收入", "Revenue not broken down by line")
            case .total: break
            }
            let cells = row.cells.map { c in
                figure(c.cell, c.indicator, style: c.isChange ? .change : .plain, table: layout.id, zone: zone, period: period,
                       dimension: dimension, category: category, xmlID: c.xmlID, xmlKind: c.xmlKind, xmlUnit: c.xmlUnit)
            }
            return RowView(label: label, cells: cells, total: row.kind == .total)
        }
        let headers = layout.columns.map { column -> HeaderView in
            if let h = column.header { return split(h[language]) }
            switch column.figure {
            case .value(let id), .growth(let id): return header(id ?? "revenue")
            case .shareOfTotal(let id):
                return HeaderView(label: t("\(ind(id ?? "revenue").name.zh)占比", "Share of \(ind(id ?? "revenue").name.en.lowercased())"), unit: bracketed("%"))
            }
        }
        // A unit the caption states ("各集聚区营业收入构成（万元）") is not repeated in every column's header.
        let caption = layout.caption[language]
        let stated = headers.map { !$0.unit.isEmpty && caption.hasSuffix($0.unit.trimmingCharacters(in: .whitespaces)) ? HeaderView(label: $0.label, unit: "") : $0 }
        return TableView(caption: caption, corner: layout.corner[language], headers: stated, rows: rows, language: language)
    }

    public mutating func build() -> WhitePaperView {
        let h = report.headline, last = report.headlineLastYear
        func o(_ id: String, _ style: Style = .unit) -> FigureView { figure(h.cell(id), ind(id), style: style, table: "overview") }
        func change(_ id: String) -> FigureView {
            let c = h.cell(id).map { $0.change(since: last.cell(id)) }
            return figure(c, ind(id), style: .change, table: "overview", xmlID: "\(id)_change", xmlKind: .ratio, xmlUnit: "比例")
        }
        func points(_ id: String) -> FigureView {
            let c = h.cell(id).map { $0.difference(since: last.cell(id)) }
            return figure(c, ind(id), style: .points, table: "overview", xmlID: "\(id)_change", xmlKind: .ratio, xmlUnit: "比例")
        }
        // One money unit per sentence: the sums of a sentence are all in 亿元 (billion) when one of them reaches it.
        let financeSentence = ["pledge_financing", "transaction_value"]
        func inSentence(_ id: String, with ids: [String]) -> FigureView {
            let figure = o(id)
            guard let value = h.cell(id)?.published, !figure.suppressed else { return figure }
            let large = format.isLarge(ids.compactMap { h.cell($0)?.published })
            return FigureView(text: format.money(value, large: large), cls: figure.cls, conf: figure.conf, suppressed: false,
                              number: figure.number)
        }
        let overview = OverviewView(
            agencies: o("agencies"), agenciesChange: change("agencies"), brandAgencies: o("brand_agencies"),
            aboveScale: o("above_scale_agencies"), staff: o("staff"), staffChange: change("staff"),
            degreeShare: o("staff_degree_share"), patentAttorneys: o("patent_attorneys"), newHires: o("new_hires"),
            revenue: o("revenue"), revenueGrowth: o("revenue_growth", .change), revenueGrowthSameSample: o("revenue_growth_same_sample", .change),
            avgRevenue: o("avg_revenue"), revenuePerStaff: o("revenue_per_staff"), foreignRevenue: o("foreign_revenue"),
            cr5: o("cr5"), hhi: figure(h.cell("hhi"), ind("hhi"), style: .plain, table: "overview").withHHI(h.cell("hhi")),
            patentFilings: o("patent_filings"), patentFilingsGrowth: o("patent_filings_growth", .change),
            patentFilingsLocal: o("patent_filings_local"), inventionFilings: o("invention_filings"), pctFilings: o("pct_filings"),
            trademarkFilings: o("trademark_filings"), trademarkFilingsGrowth: o("trademark_filings_growth", .change),
            patentAgencyRate: o("patent_agency_rate"), patentAgencyRateChange: points("patent_agency_rate"),
            trademarkAgencyRate: o("trademark_agency_rate"), patentApplications: o("patent_applications"),
            trademarkApplications: o("trademark_applications"),
            pledgeFinancing: inSentence("pledge_financing", with: financeSentence), pledgeFinancingGrowth: o("pledge_financing_growth", .change),
            pledgeDeals: o("pledge_deals"), transactionValue: inSentence("transaction_value", with: financeSentence),
            transactionValueGrowth: o("transaction_value_growth", .change),
            clients: o("clients"), clientsGrowth: o("clients_growth", .change), clientsHightech: o("clients_hightech"),
            hightechShare: figure(h.cell("clients_hightech").map { $0.share(of: h.cell("clients")) }, ind("staff_degree_share"),
                                  style: .plain, table: "overview", xmlID: "clients_hightech_share", xmlUnit: "比例"),
            abnormalNotified: o("abnormal_notified"), abnormalWithdrawalRate: o("abnormal_withdrawal_rate"))

        let keyFigures: [KeyFigureView] = [
            KeyFigureView(label: t("服务机构", "Agencies"), value: overview.agencies, change: overview.agenciesChange, changeLabel: t("同比", "y/y")),
            KeyFigureView(label: t("从业人员", "Staff"), value: overview.staff, change: overview.staffChange, changeLabel: t("同比", "y/y")),
            KeyFigureView(label: t("营业收入", "Revenue"), value: overview.revenue, change: overview.revenueGrowth, changeLabel: t("同比", "y/y")),
            KeyFigureView(label: t("专利代理率", "Patent agency rate"), value: overview.patentAgencyRate, change: overview.patentAgencyRateChange, changeLabel: t("同比", "y/y")),
            KeyFigureView(label: t("知识产权质押融资额", "IP pledge financing"), value: overview.pledgeFinancing, change: overview.pledgeFinancingGrowth, changeLabel: t("同比", "y/y")),
            KeyFigureView(label: t("服务市场主体", "Clients served"), value: overview.clients, change: overview.clientsGrowth, changeLabel: t("同比", "y/y")),
        ]

        // Every table of the layout, in its order; the templates name them by id.
        var tables: [String: TableView] = [:]
        for e in report.evaluate(WhitePaperLayout.annual) { tables[e.layout.id] = table(e) }
        func named(_ id: String) -> TableView { tables[id] ?? TableView(caption: "", corner: "", headers: [], rows: []) }
        let kindTable = named("agency_kind"), businessTable = named("business_lines"), businessTypeTable = named("business_type")
        let brandTable = named("brand_level"), zoneBusinessTable = named("business_by_zone"), agencyTable = named("agency")
        let financeTable = named("finance"), innovatorTable = named("innovators"), zoneTable = named("zones"), trendTable = named("trend")

        let given = context.settings.title[language]
        let title = !given.isEmpty ? given : (zh ? "\(year)年知识产权服务业集聚区发展白皮书" : "IP Service Industry Cluster Zones: White Paper \(year)")
        return WhitePaperView(
            lang: zh ? "zh-CN" : "en",
            title: title,
            issuer: context.settings.issuer[language], contact: context.settings.contact[language],
            publicationDate: context.settings.date.map(format.date) ?? "",
            hasIssuer: !context.settings.issuer[language].isEmpty, hasContact: !context.settings.contact[language].isEmpty,
            hasPublicationDate: context.settings.date != nil, runningHead: Markup(Self.cssString(title)),
            commentary: CommentaryView(context.commentary),
            subtitle: report.zones.map { $0.name[language] }.joined(separator: zh ? "、" : ", "),
            year: year, lastYear: "\(report.year - 1)", hasLastYear: report.years.contains(report.year - 1), date: context.settings.date ?? context.date, asOf: context.asOf, asOfText: context.asOfText,
            scope: report.zones.map { $0.name[language] }.joined(separator: zh ? "、" : ", "),
            zoneCount: "\(report.zones.count)",
            zones: report.zones.map { z in
                ZoneView(id: z.id, name: z.name[language], nameZh: z.name.zh, nameEn: z.name.en, level: choice(Choices.zoneLevel, z.level),
                         divisionCode: z.divisionCode, plan: zh || z.planDocumentEn.isEmpty ? z.planDocument : z.planDocumentEn,
                         planCited: Self.cited(zh || z.planDocumentEn.isEmpty ? z.planDocument : z.planDocumentEn, zh: zh), planPeriod: "\(z.planStart)—\(z.planEnd)")
            },
            keyFigures: keyFigures, overview: overview,
            kindTable: kindTable, businessTable: businessTable, businessTypeTable: businessTypeTable,
            zoneBusinessTable: zoneBusinessTable, brandTable: brandTable, agencyTable: agencyTable, financeTable: financeTable,
            innovatorTable: innovatorTable, zoneTable: zoneTable, trendTable: trendTable,
            charts: charts(), targetZones: targetZones(), hasTargets: !report.targets.isEmpty,
            methodology: methodology(), disclosure: disclosure(), notes: notes(), quality: quality(), provenance: provenance(),
            directory: directory(), directoryListing: directoryListing(), grading: context.grading.map { GradingView(rules: $0.rules, grades: $0.grades, language: language) } ?? .none,
            figures: figures, targets: xmlTargets())
    }

    func bar(_ label: String, _ cell: Cell?, text: (Decimal) -> String, scale: Decimal = 1) -> SVGChart.Bar {
        guard let c = cell else { return SVGChart.Bar(label: label, value: nil, text: NumberFormat.noData) }
        if c.status != .free { return SVGChart.Bar(label: label, value: nil, text: NumberFormat.suppressed) }
        guard let v = c.value else { return SVGChart.Bar(label: label, value: nil, text: NumberFormat.noData) }
        return SVGChart.Bar(label: label, value: NSDecimalNumber(decimal: v * scale).doubleValue, text: text(v))
    }

    func chart(_ id: String, _ title: String, _ note: String, _ bars: [SVGChart.Bar], svg: Markup) -> ChartView {
        ChartView(id: id, title: title, svg: svg, note: note, points: bars.map { ChartPointView(label: $0.label, value: $0.text) })
    }

    /// One money unit for a whole chart — its labels, axis and note: 亿元 when the largest figure reaches 1 亿元, else
    /// 万元 (English: CNY billion from 1 billion, else CNY million), so a chart never labels in one unit and says another.
    func moneyUnit(_ cells: [Cell?]) -> (scale: Decimal, unit: String) {
        let largest = cells.compactMap { $0?.status == .free ? $0?.value : nil }.map { abs($0) }.max() ?? 0
        if zh { return largest >= 10_000 ? (Decimal(1) / 10_000, "亿元") : (1, "万元") }
        return largest >= 100_000 ? (Decimal(1) / 100_000, "CNY billion") : (Decimal(1) / 100, "CNY million")
    }

    func moneyBars(_ items: [(label: String, cell: Cell?)]) -> (bars: [SVGChart.Bar], unit: String) {
        let (scale, unit) = moneyUnit(items.map(\.cell))
        let bars = items.map { item in
            bar(item.label, item.cell, text: { NumberFormat.grouped($0 * scale, scale: 2) + (zh ? unit : "") }, scale: scale)
        }
        return (bars, unit)
    }

    func charts() -> ChartsView {
        var out: [ChartView] = []
        // The figures are numbered by the style sheet (a CSS counter), in the order the template places them.
        // 1. Revenue trend.
        let (trendBars, trendUnit) = moneyBars(zip(report.years, report.trend).map { y, table in (zh ? "\(y)年" : "\(y)", table.cell("revenue")) })
        out.append(chart("chart-trend", t("营业收入历年变化", "Revenue by year"), t("单位：\(trendUnit)", "Unit: \(trendUnit)"), trendBars,
                         svg: SVGChart.columns(id: "chart-trend", title: t("营业收入历年变化", "Revenue by year"),
                                               valueAxis: t("营业收入（\(trendUnit)）", "Revenue (\(trendUnit))"), categoryAxis: t("年份", "Year"), bars: trendBars)))
        // 2. Revenue by business line (share of total).
        let total = report.headline.cell("revenue")
        let lineBars = Form.revenueBreakdown.map { line in
            bar(choice(Choices.businessType, line.businessType), report.headline.cell(line.field).map { $0.share(of: total) },
                text: format.percent, scale: 100)
        }
        out.append(chart("chart-business", t("营业收入构成", "Revenue by business line"), t("占营业收入合计的比重", "Share of total revenue"), lineBars,
                         svg: SVGChart.bars(id: "chart-business", title: t("营业收入构成", "Revenue by business line"),
                                            valueAxis: t("占营业收入比重（%）", "Share of revenue (%)"), categoryAxis: t("业务板块", "Business line"), bars: lineBars)))
        // 3. Agencies by kind.
        let kindBars = Choices.agencyKind.options.filter { o in report.byKind.rows.contains { $0.key == [o.id] } }.map { o in
            bar(o.name[language], report.byKind.cell("agencies", key: [o.id]), text: { format.count($0) + t("家", "") })
        }
        out.append(chart("chart-kinds", t("按机构性质分机构数量", "Agencies by kind"), t("单位：家", "Unit: agencies"), kindBars,
                         svg: SVGChart.bars(id: "chart-kinds", title: t("按机构性质分机构数量", "Agencies by kind"),
                                            valueAxis: t("机构数量（家）", "Agencies"), categoryAxis: t("机构性质", "Kind of agency"), bars: kindBars)))
        // 4. Zone comparison: revenue.
        let (zoneBars, zoneUnit) = moneyBars(report.zones.map { z in (z.name[language], report.byZone.cell("revenue", key: [z.id])) })
        out.append(chart("chart-zones", t("各集聚区营业收入", "Revenue by zone"), t("单位：\(zoneUnit)", "Unit: \(zoneUnit)"), zoneBars,
                         svg: SVGChart.bars(id: "chart-zones", title: t("各集聚区营业收入", "Revenue by zone"),
                                            valueAxis: t("营业收入（\(zoneUnit)）", "Revenue (\(zoneUnit))"), categoryAxis: t("集聚区", "Zone"), bars: zoneBars)))
        // 5. Zone comparison: patent agency rate.
        let rateBars = report.zones.map { z in
            bar(z.name[language], report.byZone.cell("patent_agency_rate", key: [z.id]), text: format.percent, scale: 100)
        }
        out.append(chart("chart-rate", t("各集聚区专利代理率", "Patent agency rate by zone"),
                         t("区内机构代理的本区专利申请量 ÷ 本区专利申请总量", "Applications of the zone filed by its agencies ÷ all applications of the zone"), rateBars,
                         svg: SVGChart.bars(id: "chart-rate", title: t("各集聚区专利代理率", "Patent agency rate by zone"),
                                            valueAxis: t("专利代理率（%）", "Patent agency rate (%)"), categoryAxis: t("集聚区", "Zone"), bars: rateBars)))
        return ChartsView(trend: out[0], business: out[1], kinds: out[2], zones: out[3], rate: out[4])
    }

    func targetZones() -> [TargetZoneView] {
        var groups: [(String, String, [TargetView])] = report.zones.map { ($0.id, $0.name[language], []) }
        groups.append(("all", t("对全省目标的贡献（全省目标，不是集聚区自身的目标）", "Contribution to the province's goals (province-wide, not the zones' own targets)"), []))
        let text = TargetText(format: format, language: language)
        for (result, conf) in zip(report.targets, report.targetConf) {
            let view = text.view(result, conf: conf)
            if let i = groups.firstIndex(where: { $0.0 == result.target.zone }) { groups[i].2.append(view) }
        }
        return groups.filter { !$0.2.isEmpty }.map { id, name, targets in
            let zone = report.zones.first { $0.id == id }
            let plan = zone.map { Self.cited(zh || $0.planDocumentEn.isEmpty ? $0.planDocument : $0.planDocumentEn, zh: zh) }
            let period = zone.map { "\($0.planStart)—\($0.planEnd)" } ?? ""
            return TargetZoneView(name: name, plan: id == "all"
                ? t("“实际”为本白皮书所涵盖集聚区的合计，“完成进度”为其占全省目标的比例", "\"Actual\" is the total of the zones this paper covers; \"progress\" its share of the province's goal")
                : plan.map { t("依据\($0)", "Under \($0)") } ?? "", period: period, hasPeriod: !period.isEmpty, targets: targets)
        }
    }

    func xmlTargets() -> [XMLTargetView] {
        zip(report.targets, report.targetConf).map { result, conf in
            let t0 = result.target
            let kind = result.indicator?.kind ?? .number
            let hidden = conf != .free
            return XMLTargetView(zone: t0.zone, indicator: t0.indicator, op: t0.op.description,
                                 target: NSDecimalNumber(decimal: t0.value).stringValue,
                                 hasActual: !hidden && result.actual != nil, actual: hidden ? "" : (result.actual.map { NumberFormat.machine($0, kind) } ?? ""),
                                 hasProgress: !hidden && result.progress != nil, progress: hidden ? "" : (result.progress.map { $0.fixed(4) } ?? ""),
                                 status: hidden ? "confidential" : result.status.rawValue, deadline: t0.deadline.description, source: t0.source, quote: t0.quote)
        }
    }

    func methodology() -> [MethodView] {
        Catalogue.all.filter { !$0.id.hasSuffix("_growth") || $0.id == "revenue_growth" }.map { i in
            MethodView(id: i.id, idBreakable: .breakable(i.id, after: ["_"]), name: i.name[language], unit: i.unit[language], definition: i.definition[language], formula: i.formula,
                       denominator: i.denominator?[language] ?? "")
        }
    }

    func disclosure() -> DisclosureView {
        let d = context.disclosure
        let rule = t("""
            数据保密：各项金额按集聚区 × 机构性质 × 品牌级别（含各级合计）以及营业收入构成、涉外业务收入组成一套相互关联的表，\
            本白皮书、各集聚区分册、规划目标表和统计查询都取自本统计期同一套公布数据集，同一数据在各处同样隐去。\
            参与机构少于\(d.minimumAgencies)家（A），或最大一家超过合计的\(d.dominancePercent)%（O）的金额不予公布；\
            为防止由合计、分项和其他已公布数据推算，另隐去部分数据（D），使任何人仅凭已公布数据（计入四舍五入）推算出的区间\
            都至少达到真实值上下\(d.protectionPercent)%，单独构成另一保密数据的机构以本机构数据也推算不出，且已公布的合计不会暗含\
            不足\(d.minimumAgencies)家机构之和。由隐去数据计算的平均数、人均数、占比、增长率和目标实际值同样隐去。\
            机构数量、从业人员等计数不作保密处理；按业务类型的金额暂不公布。
            """, """
            Confidentiality: money figures form one set of linked tables — zone × kind of agency × brand level with all their \
            totals, the revenue breakdown and foreign revenue — and this paper, each zone's paper, the target table and every \
            statistics query print cells of the period's one release, so a figure hidden in one is hidden in all. A money figure \
            of fewer than \(d.minimumAgencies) agencies (A), or where one agency holds more than \(d.dominancePercent) % (O), is \
            not published; further figures are withheld (D) so that the interval anyone can derive from the published figures \
            (allowing for their rounding) reaches at least \(d.protectionPercent) % below and above each hidden value, also for an \
            agency that alone makes another hidden figure, and no published total implies a sum of fewer than \
            \(d.minimumAgencies) agencies. Averages, per-staff figures, shares, growth rates and target actuals of a hidden figure \
            are hidden with it. Counts (agencies, staff …) are not confidential; money by business type is not published.
            """)
        let margin = d.narrowest.map { String(format: "%.1f", $0 * 100) }
        let audit = t("""
            保密审核：\(d.period)年公布数据集（截至 \(d.asOfText)，摘要 \(d.digest.prefix(12))）\
            共 \(d.cells) 个金额单元，隐去 \(d.hidden) 个；对 \(d.audited) 个受主规则保护的单元逐一用线性规划求出可推算区间，\
            \(margin.map { "最窄的一个达到真实值上下 \($0)%，" } ?? "")全部满足规则。
            """, """
            Disclosure audit: the release of \(d.period) (as of \(d.asOfText), digest \(d.digest.prefix(12))) \
            holds \(d.cells) money cells, \(d.hidden) of them hidden; for each of the \(d.audited) cells under the primary rule \
            the interval an attacker can derive was found by linear programming, \(margin.map { "the narrowest reaching \($0) % below and above its value, " } ?? "")\
            all within the rule.
            """)
        return DisclosureView(rule: rule, audit: audit, period: d.period, asOf: d.asOf, digest: d.digest, cells: "\(d.cells)", hidden: "\(d.hidden)",
                              audited: "\(d.audited)", narrowest: d.narrowest.map { String(format: "%.4f", $0) } ?? "")
    }

    func notes() -> [NoteView] {
        [NoteView(sign: NumberFormat.suppressed, text: t("数据保密：少于3家机构填报（XML 中 conf_status 为 A），或单家机构占比超过85%（O），或可由合计推算出保密数据（D）",
                                                         "confidential: fewer than 3 agencies (conf_status A in the XML), one agency above 85 % (O), or a cell a total would reveal (D)")),
         NoteView(sign: NumberFormat.noData, text: t("无数据：无机构填报，或分母为零", "no data: nothing reported, or a zero denominator"))]
    }

    func quality() -> QualityView { Self.quality(context, format: format, lastPeriod: "\(report.year - 1)") }

    /// The data-quality section of any published output: the files it rests on, their rows, the findings by rule, and
    /// the response rate against `lastPeriod`'s filers.
    static func quality(_ context: ReportContext, format: NumberFormat, lastPeriod: String) -> QualityView {
        let language = context.language
        func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }
        let files = context.files
        var view = QualityView(
            files: files.map { f in
                FileView(name: f.name, nameBreakable: .breakable(f.name, after: ["/"]), kind: FileKind(rawValue: f.kind)?.name[language] ?? f.kind, encoding: f.encoding.uppercased(), receivedAt: f.receivedAtText,
                         rows: format.count(Decimal(f.rows)), accepted: format.count(Decimal(f.accepted)),
                         rejected: format.count(Decimal(f.rejected)), warnings: format.count(Decimal(f.warnings)))
            },
            fileCount: "\(files.count)",
            rows: format.count(Decimal(files.reduce(0) { $0 + $1.rows })),
            accepted: format.count(Decimal(files.reduce(0) { $0 + $1.accepted })),
            rejected: format.count(Decimal(files.reduce(0) { $0 + $1.rejected })),
            warnings: format.count(Decimal(files.reduce(0) { $0 + $1.warnings })),
            rowsValue: "\(files.reduce(0) { $0 + $1.rows })", acceptedValue: "\(files.reduce(0) { $0 + $1.accepted })",
            rejectedValue: "\(files.reduce(0) { $0 + $1.rejected })", warningsValue: "\(files.reduce(0) { $0 + $1.warnings })",
            findings: context.findings.map { FindingCountView(code: $0.code, rule: Rulebook.describe($0.code)?[language] ?? $0.code, severity: $0.severity == .error ? t("错误", "error") : t("提示", "warning"),
                                                              severityID: $0.severity.rawValue, count: format.count(Decimal($0.count)), number: "\($0.count)") })
        if let r = context.response {
            view.hasResponse = true
            view.expected = format.count(Decimal(r.expected)); view.received = format.count(Decimal(r.received))
            view.newFilers = format.count(Decimal(r.newFilers))
            view.responseRate = format.percent(r.rate)
            view.lastYear = lastPeriod
        }
        return view
    }

    func provenance() -> ProvenanceView { Self.provenance(context) }

    /// The provenance of any published output: tool, as-of, options, and every input, template and text file's SHA-256.
    static func provenance(_ context: ReportContext) -> ProvenanceView {
        ProvenanceView(
            tool: "ipsurvey", version: context.toolVersion, asOf: context.asOf,
            options: context.options.map { OptionView(name: $0.name, value: $0.value) },
            inputs: context.files.map { HashView(name: $0.name, sha256: $0.sha256, detail: "\($0.size) B · \($0.receivedAt)") },
            templates: context.templates.map { HashView(name: $0.name, sha256: $0.sha256, detail: "") },
            texts: context.texts.map { HashView(name: $0.name, sha256: $0.sha256, detail: "") }, hasTexts: !context.texts.isEmpty)
    }

    var directoryLimit: Int { context.settings.directoryLimit ?? context.directoryLimit }
    var listsDirectory: Bool { report.directory.count <= directoryLimit }

    func directory() -> [DirectoryZoneView] {
        Self.directory(zones: report.zones, agencies: report.directory, grading: context.grading, language: language, names: listsDirectory)
    }

    func directoryListing() -> DirectoryListingView {
        let total = report.directory.count, limit = directoryLimit, file = context.directoryFile
        let grades = context.grading != nil
        let rule = listsDirectory
            ? t("名录：附录三列出报送有效统计调查表的全部机构（\(format.count(Decimal(total)))家）；机构超过\(format.count(Decimal(limit)))家时，附录三只列各集聚区按品牌级别的机构数，完整名录另行发布。",
                "Directory: Appendix C lists every agency with an accepted return (\(format.count(Decimal(total)))); above \(format.count(Decimal(limit))) agencies it gives their count by zone and brand level only, and the full list is published as a file of its own.")
            : t("名录：本年报送有效统计调查表的机构共\(format.count(Decimal(total)))家，超过印刷版名录上限（\(format.count(Decimal(limit)))家），附录三只列各集聚区按品牌级别的机构数；完整名录另行发布为 \(file)（机构名称、所在集聚区、品牌级别\(grades ? "、分级评价等级" : "")，不含任何数据）。",
                "Directory: \(format.count(Decimal(total))) agencies sent an accepted return this year, more than a printed directory holds (\(format.count(Decimal(limit)))); Appendix C gives their count by zone and brand level, and the full list is published as \(file) (agency name, zone, brand level\(grades ? ", grade" : ""); no figures).")
        return DirectoryListingView(listed: listsDirectory, total: format.count(Decimal(total)), totalValue: "\(total)", limit: format.count(Decimal(limit)), file: file, rule: rule)
    }

    /// The full directory as a file of its own (UTF-8 with BOM, every cell made safe for Excel), when the paper
    /// does not list it; nil when it does.
    func directoryFile() -> DirectoryFile? {
        guard !listsDirectory else { return nil }
        return DirectoryFile(zones: report.zones, directory: report.directory, grades: context.grading?.grades, language: language)
    }

    /// The agencies listed by zone, names with brand level and (when the office grades them) grade: never a figure.
    /// Without `names`, only the counts by brand level.
    static func directory(zones: [Zone], agencies listed: AgencyDirectory, grading: (rules: GradingRules, grades: [String: GradingRules.Grade])?,
                          language: Language, names: Bool = true) -> [DirectoryZoneView] {
        let runs = listed.runsByZone
        return zones.compactMap { z in
            guard let zoneRuns = runs[z.id] else { return nil }
            let count = zoneRuns.reduce(0) { $0 + $1.count }
            let perBrand = listed.brandCounts(at: zoneRuns)
            let brands = Choices.brandLevel.options.reversed().compactMap { o in
                perBrand[o.id].map { BrandCountView(brandID: o.id, brand: o.name[language], count: "\($0)") }
            }
            return DirectoryZoneView(name: z.name[language], count: "\(count)", agencies: !names ? [] : zoneRuns.flatMap { $0.map { listed[$0] } }.map {
                let grade = grading?.grades[$0.creditCode.text]
                let brand = Choices.brandLevel.index(of: $0.brandLevel).map { Choices.brandLevel.options[$0].name[language] } ?? $0.brandLevel
                return AgencyView(zone: $0.zone, brandID: $0.brandLevel, name: $0.name, hasBrand: $0.brandLevel != "none", brand: brand,
                                  hasGrade: grade != nil, gradeID: grade?.code ?? "", grade: grade.map { "\($0.code) \($0.name[language])" } ?? "")
            }, brands: brands)
        }
    }
}

extension FigureView {
    /// HHI is read as an index (0–1) with 4 decimals rather than as a percentage.
    func withHHI(_ cell: Cell?) -> FigureView {
        guard !suppressed, let v = cell?.value else { return self }
        return FigureView(text: v.fixed(4), cls: cls, conf: conf, suppressed: false)
    }
}

/// The full directory of a paper that lists too many agencies to print their names (CSV, UTF-8 with BOM), made
/// piece by piece as it is written: a national year's is 94 MB, which made whole and then copied into Data was
/// half of a 1M-return report's peak memory.
public struct DirectoryFile: Sendable {
    let zones: [Zone]
    let directory: AgencyDirectory
    let grades: [String: GradingRules.Grade]?
    let language: Language

    /// Hands the file's bytes to `sink` in order, in pieces of `pieceSize` bytes or a line more.
    public func write(pieceSize: Int = 1 << 20, _ sink: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let zh = language == .zh
        // Written as bytes, each zone's and brand level's cell made once, each name's bytes escaped where they lie:
        // a million agencies (building a line of strings for each was 12 s of a 1M-return report).
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(pieceSize + 4096)
        func line(_ cells: [String]) { out += cells.map(CSVText.cell).joined(separator: ",").utf8; out += [0x0D, 0x0A] }
        func flush() throws { try out.withUnsafeBufferPointer(sink); out.removeAll(keepingCapacity: true) }
        line([zh ? "所在集聚区" : "Zone", zh ? "机构名称" : "Agency", zh ? "品牌机构级别" : "Brand level"] + (grades != nil ? [zh ? "分级评价等级" : "Grade"] : []))
        let brandCell = Dictionary(uniqueKeysWithValues: Choices.brandLevel.options.map { ($0.id, Array(("," + CSVText.cell($0.name[language])).utf8)) })
        let runs = directory.runsByZone
        for z in zones {
            let zoneCell = Array((CSVText.cell(z.name[language]) + ",").utf8)
            for run in runs[z.id] ?? [] { for i in run {
                out += zoneCell
                directory.withName(at: i) { CSVText.appendCell($0, to: &out) }
                let brand = directory.brandLevel(at: i)
                out += brandCell[brand] ?? Array(("," + CSVText.cell(brand)).utf8)
                if let grades { out += ("," + CSVText.cell(grades[directory.code(at: i).text].map { "\($0.code) \($0.name[language])" } ?? "")).utf8 }
                out += [0x0D, 0x0A]
                if out.count >= pieceSize { try flush() }
            } }
        }
        try flush()
    }

    /// The whole file's bytes (for a test; `write` makes them a piece at a time).
    public var bytes: Data {
        var data = Data()
        try? write { data.append($0) }     // the sink here never throws
        return data
    }
}
