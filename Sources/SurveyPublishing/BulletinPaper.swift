import Foundation
import SurveyCore
import SurveyStatistics

/// The quarterly performance bulletin (季度运营绩效评估): rendered from `bulletin.html` / `en/bulletin.html` and
/// `bulletin.xml`, the XML checked against `bulletin.xsd`, as the white paper is.
public enum BulletinPaper {
    public struct Output: Sendable {
        public let html: String
        public let xml: String
        public let view: BulletinView
    }

    public static func htmlTemplate(_ language: Language) -> String { language == .zh ? "bulletin.html" : "en/bulletin.html" }
    public static let xmlTemplate = "bulletin.xml"
    public static let schemaFile = "bulletin.xsd"

    public static func render(_ bulletin: QuarterlyBulletin, context: ReportContext, templates: TemplateSet) throws -> Output {
        var builder = BulletinBuilder(bulletin: bulletin, context: context)
        let view = builder.build()
        let (html, xml, _) = try templates.publish(html: htmlTemplate(context.language), xml: xmlTemplate, schema: schemaFile, model: view)
        return Output(html: html, xml: xml, view: view)
    }
}

/// One figure of the XML bulletin.
public struct BulletinFigureView: Sendable, Decodable {
    public let table: String
    public let zone: String
    /// quarter | to_date
    public let basis: String
    public let period: String
    public let indicator: String
    public let unit: String
    public let conf: String
    public let hasValue: Bool
    public let value: String
}

/// A target at the quarter's end, in the XML.
public struct BulletinTargetView: Sendable, Decodable {
    public let zone: String
    public let indicator: String
    public let op: String
    public let target: String
    public let deadline: String
    public let status: String
    public let hasActual: Bool
    public let actual: String
    public let hasProgress: Bool
    public let progress: String
    public let elapsed: String
    public let source: String
    public let quote: String
}

/// The bulletin as the templates see it.
public struct BulletinView: Sendable, Decodable {
    public let lang: String
    public let title: String
    public let runningHead: Markup
    public let scope: String
    public let period: String
    public let periodText: String
    public let year: String
    public let quarterEnd: String
    public let hasIssuer: Bool
    public let issuer: String
    public let hasContact: Bool
    public let contact: String
    public let date: String
    public let asOf: String
    public let asOfText: String
    /// Which quarters of the year, and of the year before, have returns: the year to date is theirs.
    public let quarters: String
    public let hasLastYear: Bool
    public let lastYear: String
    public let keyTable: TableView
    public let zoneTable: TableView
    public let hasZoneTable: Bool
    public let targetZones: [TargetZoneView]
    public let hasTargets: Bool
    public let grading: GradingView
    public let directory: [DirectoryZoneView]
    public let method: String
    public let disclosure: DisclosureView
    public let quality: QualityView
    public let provenance: ProvenanceView
    public let figures: [BulletinFigureView]
    public let targets: [BulletinTargetView]
}

struct BulletinBuilder {
    let bulletin: QuarterlyBulletin
    let context: ReportContext
    let format: NumberFormat
    let language: Language
    var figures: [BulletinFigureView] = []
    var recorded: Set<String> = []

    init(bulletin: QuarterlyBulletin, context: ReportContext) {
        self.bulletin = bulletin; self.context = context; self.language = context.language; self.format = NumberFormat(context.language)
    }

    var zh: Bool { language == .zh }
    func t(_ a: String, _ b: String) -> String { zh ? a : b }

    /// The quarter in words: `2025年第三季度`, `Q3 2025`.
    static func text(_ p: Period, _ language: Language) -> String {
        let q = p.quarter ?? 4
        return language == .zh ? "\(p.year)年第\(["一", "二", "三", "四"][q - 1])季度" : "Q\(q) \(p.year)"
    }

    /// The text of a cell, recorded for the XML.
    mutating func figure(_ cell: Cell, _ indicator: Indicator, style: WhitePaperBuilder.Style, table: String, zone: String, basis: String,
                         period: Period, xmlID: String? = nil) -> FigureView {
        let id = xmlID ?? indicator.id
        let key = [table, zone, basis, period.description, id].joined(separator: "\u{1}")
        if recorded.insert(key).inserted {
            let kind: ValueKind = style == .change ? .ratio : indicator.kind
            figures.append(BulletinFigureView(table: table, zone: zone, basis: basis, period: period.description, indicator: id,
                                              unit: style == .change ? "比例" : indicator.unit.zh, conf: cell.status.rawValue,
                                              hasValue: cell.published != nil, value: cell.published.map { NumberFormat.machine($0, kind) } ?? ""))
        }
        return WhitePaperBuilder.figureView(cell, indicator, style: style, format: format)
    }

    mutating func build() -> BulletinView {
        let b = bulletin
        let p = b.period, last = p.previousYear
        let periodText = Self.text(p, language)
        let zoneNames = b.filingZones.map { $0.name[language] }.joined(separator: zh ? "、" : ", ")
        let title = t("\(periodText)知识产权服务业集聚区运营绩效评估", "IP service cluster zones: performance bulletin, \(periodText)")
        let ytd = t("1—\(p.quarter! * 3)月", "Jan–\(["Mar", "Jun", "Sep", "Dec"][p.quarter! - 1])")

        // The key figures: one row per indicator; the quarter, the same quarter a year earlier, the change; the year to
        // date likewise.
        let headers = [
            HeaderView(label: t("本季度", "This quarter"), unit: ""),
            HeaderView(label: t("上年同季", "Same quarter \(last.year)"), unit: ""),
            HeaderView(label: t("同比", "Change"), unit: zh ? "（%）" : " (%)"),
            HeaderView(label: t("\(p.year)年\(ytd)累计", "\(ytd) \(p.year)"), unit: ""),
            HeaderView(label: t("上年同期累计", "\(ytd) \(last.year)"), unit: ""),
            HeaderView(label: t("累计同比", "Change"), unit: zh ? "（%）" : " (%)"),
        ]
        var rows: [RowView] = []
        for (id, toDate) in QuarterlyBulletin.indicators {
            let i = Catalogue.indicator(id)!
            let f = b.figures(id)
            let growth = Catalogue.indicator("\(id)_growth") ?? i
            var cells = [
                figure(f.quarter, i, style: .unit, table: "key", zone: "all", basis: "quarter", period: p),
                figure(f.quarterLastYear, i, style: .unit, table: "key", zone: "all", basis: "quarter", period: last),
                figure(f.quarterChange, growth, style: .change, table: "key", zone: "all", basis: "quarter", period: p, xmlID: "\(id)_growth"),
            ]
            if toDate == .none {
                let na = FigureView(text: t("不累计", "not added"), cls: "nodata", conf: "F", suppressed: false)
                cells += [na, na, na]
            } else {
                cells += [
                    figure(f.toDate, i, style: .unit, table: "key", zone: "all", basis: "to_date", period: p),
                    figure(f.toDateLastYear, i, style: .unit, table: "key", zone: "all", basis: "to_date", period: last),
                    figure(f.toDateChange, growth, style: .change, table: "key", zone: "all", basis: "to_date", period: p, xmlID: "\(id)_growth"),
                ]
            }
            let label = i.name[language] + (toDate == .atQuarterEnd && id != "agencies" ? t("（季末）", " (quarter end)") : "")
            rows.append(RowView(label: label, cells: cells, total: false))
        }
        let keyTable = TableView(caption: t("主要指标", "Key figures"), corner: t("指标", "Indicator"), headers: headers, rows: rows, language: language)

        // By zone: the zones with returns for the quarter.
        let revenue = Catalogue.indicator("revenue")!, growth = Catalogue.indicator("revenue_growth")!
        let agencies = Catalogue.indicator("agencies")!, staff = Catalogue.indicator("staff")!
        var zoneRows: [RowView] = []
        for z in b.filingZones {
            func f(_ id: String) -> QuarterlyBulletin.Figures { b.figures(id, zone: z.id) }
            zoneRows.append(RowView(label: z.name[language], cells: [
                figure(f("agencies").quarter, agencies, style: .plain, table: "zones", zone: z.id, basis: "quarter", period: p),
                figure(f("staff").quarter, staff, style: .plain, table: "zones", zone: z.id, basis: "quarter", period: p),
                figure(f("revenue").quarter, revenue, style: .plain, table: "zones", zone: z.id, basis: "quarter", period: p),
                figure(f("revenue").quarterChange, growth, style: .change, table: "zones", zone: z.id, basis: "quarter", period: p, xmlID: "revenue_growth"),
                figure(f("revenue").toDate, revenue, style: .plain, table: "zones", zone: z.id, basis: "to_date", period: p),
                figure(f("revenue").toDateChange, growth, style: .change, table: "zones", zone: z.id, basis: "to_date", period: p, xmlID: "revenue_growth"),
            ], total: false))
        }
        let zoneTable = TableView(caption: t("各集聚区", "By zone"), corner: t("集聚区", "Zone"), headers: [
            HeaderView(label: t("机构数", "Agencies"), unit: zh ? "（家）" : ""),
            HeaderView(label: t("从业人员", "Staff"), unit: zh ? "（人）" : ""),
            HeaderView(label: t("本季营业收入", "Revenue, quarter"), unit: zh ? "（万元）" : " (10k yuan)"),
            HeaderView(label: t("同比", "Change"), unit: zh ? "（%）" : " (%)"),
            HeaderView(label: t("累计营业收入", "Revenue, \(ytd)"), unit: zh ? "（万元）" : " (10k yuan)"),
            HeaderView(label: t("累计同比", "Change"), unit: zh ? "（%）" : " (%)"),
        ], rows: zoneRows, language: language)

        // Targets at the quarter's end.
        let text = TargetText(format: format, language: language)
        var targetZones: [TargetZoneView] = []
        var xmlTargets: [BulletinTargetView] = []
        for z in b.filingZones {
            let indexes = b.targets.indices.filter { b.targets[$0].target.zone == z.id }
            let results = indexes.map { (b.targets[$0], b.targetConf[$0]) }
            guard !results.isEmpty else { continue }
            let unmeasured = Bilingual("季度调查表不能计量（年度指标或不可累加），见年度白皮书", "not measured by quarterly returns (a yearly figure, or not additive): see the white paper")
            let views = indexes.map { text.view(b.targets[$0], conf: b.targetConf[$0], unmeasured: b.targetMeasurable[$0] ? nil : unmeasured) }
            let document = zh || z.planDocumentEn.isEmpty ? z.planDocument : z.planDocumentEn
            targetZones.append(TargetZoneView(name: z.name[language], plan: t("依据", "Under ") + WhitePaperBuilder.cited(document, zh: zh),
                                              period: "\(z.planStart)—\(z.planEnd)", hasPeriod: true, targets: views))
            for (r, conf) in results {
                let hidden = conf != .free, kind = r.indicator?.kind ?? .number
                xmlTargets.append(BulletinTargetView(
                    zone: z.id, indicator: r.target.indicator, op: r.target.op.description, target: NSDecimalNumber(decimal: r.target.value).stringValue,
                    deadline: r.target.deadline.description, status: hidden ? "confidential" : r.status.rawValue,
                    hasActual: !hidden && r.actual != nil, actual: hidden ? "" : (r.actual.map { NumberFormat.machine($0, kind) } ?? ""),
                    hasProgress: !hidden && r.progress != nil, progress: hidden ? "" : (r.progress.map { $0.fixed(4) } ?? ""),
                    elapsed: r.elapsed.map { $0.fixed(4) } ?? "", source: r.target.source, quote: r.target.quote))
            }
        }

        // Grades of the agencies filing for the quarter.
        let directory = WhitePaperBuilder.directory(zones: b.zones, agencies: b.directory, grading: context.grading, language: language)
        let grading = context.grading.map { GradingView(rules: $0.rules, grades: $0.grades, language: language) } ?? .none

        let quartersText = b.quartersWithReturns.map { "Q\($0)" }.joined(separator: zh ? "、" : ", ")
        let lastText = b.quartersLastYear.map { "Q\($0)" }.joined(separator: zh ? "、" : ", ")
        let method = t("""
            本公报依据宿区政办发〔2025〕5号“按季度开展集聚区运营绩效评估，通过官方网站公开发布评价结果”编制，数据来自各机构报送的季度统计调查表（统计期 YYYYQn）。\
            季度调查表填报本季度发生的流量（营业收入及其构成、涉外业务收入、质押融资额和项目数、交易额、新增从业人员、代理申请量、非正常专利申请）和季末时点的存量（从业人员、本科及以上学历人员、执业专利代理师）。\
            年初至本季末累计：流量为本年各季度之和，存量为本季末数，机构数为本季度报送的机构数；服务市场主体为去重的企业数，各季度之间有重复，只列本季度数、不累计。\
            同比为与上年同期相比。\(p.year)年已有季度数据：\(quartersText.isEmpty ? "无" : quartersText)；\(last.year)年：\(lastText.isEmpty ? "无（不计算同比）" : lastText)。\
            规划目标按累计数（存量为季末数）评价，序时进度为截至本季末（\(QuarterlyBulletin.end(of: p))）规划期已过的比例；按年度统计、季度调查表不能计量的目标列为无数据，见年度白皮书。
            """, """
            This bulletin answers 宿区政办发〔2025〕5号 (a quarterly performance evaluation of the zone, published on the official website), from the agencies' quarterly returns (period YYYYQn). \
            A quarterly return reports the flows of the quarter (revenue and its breakdown, foreign revenue, pledge financing and deals, transactions, new hires, filings, abnormal filings) and the stocks at its end (staff, staff with a degree, patent attorneys). \
            Year to date: a flow is the sum of the year's quarters, a stock its value at this quarter's end, agencies those filing for this quarter; clients served are distinct firms that recur between quarters, so they are shown for the quarter and never added up. \
            Changes are against the same period a year earlier. Quarters with returns in \(p.year): \(quartersText.isEmpty ? "none" : quartersText); in \(last.year): \(lastText.isEmpty ? "none (no changes)" : lastText). \
            Targets are judged on the year to date (stocks at the quarter's end), against the share of the plan period gone by the quarter's end (\(QuarterlyBulletin.end(of: p))); targets that quarterly returns cannot measure have no data here and are in the annual white paper.
            """)
        let d = context.disclosure
        let margin = d.narrowest.map { String(format: "%.1f", $0 * 100) }
        let rule = t("""
            数据保密：本季度的金额取自\(p)公布数据集，与统计查询同一套数据，按与年度白皮书相同的规则处理：参与机构少于\(d.minimumAgencies)家（A）或最大一家超过\(d.dominancePercent)%（O）的金额不予公布，\
            另隐去部分数据（D）使任何人推算出的区间至少达到真实值上下\(d.protectionPercent)%。同一年的年度数据和各季度数据相加相等，\
            因此年度数据集中隐去的数据在各季度同样隐去并受保护，其他季度和年度均已公布的数据不用于掩护；累计数为各季度已公布数据之和，任一季度隐去则累计数隐去。
            """, """
            Confidentiality: money figures of the quarter are from the release of \(p), the one every query reads, protected by the white paper's rule: fewer than \(d.minimumAgencies) agencies (A) or one above \(d.dominancePercent) % (O) are not published, \
            and further figures are withheld (D) so that anyone's interval reaches \(d.protectionPercent) % below and above each hidden value. A year's figures are the sums of its quarters', \
            so a cell hidden in the year's release is hidden and protected in every quarter, and a cell the year and the other quarters publish is never used to protect one; a year-to-date figure is the sum of published quarters, hidden when any of them is.
            """)
        let audit = t("""
            保密审核：\(d.period)公布数据集（截至 \(d.asOfText)，摘要 \(d.digest.prefix(12))）共 \(d.cells) 个金额单元，隐去 \(d.hidden) 个；对 \(d.audited) 个受主规则保护的单元逐一用线性规划求出可推算区间，\(margin.map { "最窄的一个达到真实值上下 \($0)%，" } ?? "")全部满足规则。
            """, """
            Disclosure audit: the release of \(d.period) (as of \(d.asOfText), digest \(d.digest.prefix(12))) holds \(d.cells) money cells, \(d.hidden) hidden; each of the \(d.audited) cells under the primary rule was checked by linear programming, \(margin.map { "the narrowest reaching \($0) % below and above its value, " } ?? "")all within the rule.
            """)
        let disclosure = DisclosureView(rule: rule, audit: audit, period: d.period, asOf: d.asOf, digest: d.digest, cells: "\(d.cells)", hidden: "\(d.hidden)",
                                        audited: "\(d.audited)", narrowest: d.narrowest.map { String(format: "%.4f", $0) } ?? "")
        let quality = WhitePaperBuilder.quality(context, format: format, lastPeriod: Self.text(p.previousPeriod, language))
        let provenance = WhitePaperBuilder.provenance(context)
        return BulletinView(
            lang: language.rawValue, title: title, runningHead: Markup(WhitePaperBuilder.cssString(title)), scope: zoneNames,
            period: p.description, periodText: periodText, year: "\(p.year)", quarterEnd: QuarterlyBulletin.end(of: p).description,
            hasIssuer: !context.settings.issuer[language].isEmpty, issuer: context.settings.issuer[language],
            hasContact: !context.settings.contact[language].isEmpty, contact: context.settings.contact[language],
            date: context.date, asOf: context.asOf, asOfText: context.asOfText,
            quarters: quartersText, hasLastYear: !b.quartersLastYear.isEmpty, lastYear: "\(last.year)",
            keyTable: keyTable, zoneTable: zoneTable, hasZoneTable: !zoneRows.isEmpty, targetZones: targetZones, hasTargets: !targetZones.isEmpty,
            grading: grading, directory: directory, method: method, disclosure: disclosure, quality: quality, provenance: provenance,
            figures: figures, targets: xmlTargets)
    }
}

