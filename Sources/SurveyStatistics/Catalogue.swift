import SurveyCore

/// The indicator catalogue (指标目录), as data: the white paper's methodology appendix, `query --list` and the
/// targets are all read from it.
public enum Catalogue {
    static let wan = Bilingual("万元", "10k yuan")
    static let firms = Bilingual("家", "agencies")
    static let fraction = Bilingual("比例", "fraction")

    static func sum(_ field: String, flow: Bool, money: Bool) -> Indicator {
        let f = Form.returns[field]
        return Indicator(id: field, name: f.title, unit: f.unit ?? Bilingual("", ""), kind: money ? .money : .count,
                         definition: Bilingual("有效调查表中「\(f.title.zh)」之和（未填报的不计入）",
                                               "Sum of \"\(f.title.en)\" over accepted returns (not reported: left out)"),
                         formula: "Σ \(field)", denominator: nil, source: .returns, isFlow: flow,
                         protectedBy: money ? field : nil, computation: .sum(field))
    }

    static func growth(_ base: Indicator) -> Indicator {
        Indicator(id: "\(base.id)_growth", name: Bilingual("\(base.name.zh)同比增长率", "\(base.name.en), year-on-year growth"),
                  unit: fraction, kind: .ratio,
                  definition: Bilingual("（本期「\(base.name.zh)」合计 − 上年同期合计）÷ 上年同期合计", "(this period's total − the total a year earlier) ÷ the total a year earlier"),
                  formula: "(\(base.id)[t] − \(base.id)[t−1]) / \(base.id)[t−1]",
                  denominator: Bilingual("上年同期合计", "the total a year earlier"), source: base.source, isFlow: false,
                  protectedBy: base.protectedBy, computation: .growth(of: base.id))
    }

    /// Every indicator, in the order of the report.
    public static let all: [Indicator] = {
        var list: [Indicator] = [
            Indicator(id: "agencies", name: Bilingual("机构数量", "Agencies"), unit: firms, kind: .count,
                      definition: Bilingual("有有效调查表的机构数（按统一社会信用代码去重）；按业务类型分组时，一家机构计入其每一种业务类型",
                                            "Agencies with an accepted return (distinct credit codes); by business type an agency counts in each of its types"),
                      formula: "count(distinct credit_code)", denominator: nil, source: .returns, isFlow: false, protectedBy: nil,
                      computation: .agencies),
            Indicator(id: "brand_agencies", name: Bilingual("品牌机构数量", "Brand agencies"), unit: firms, kind: .count,
                      definition: Bilingual("品牌机构级别为省级或国家级的机构数", "Agencies whose brand level is provincial or national"),
                      formula: "count(brand_level ∈ {provincial, national})", denominator: nil, source: .returns, isFlow: false,
                      protectedBy: nil, computation: .brandAgencies),
            Indicator(id: "leading_agencies", name: Bilingual("龙头服务机构数量", "Leading agencies (provincial designation)"), unit: firms, kind: .count,
                      definition: Bilingual("调查表“省级培育类别”为龙头服务机构的机构数（江苏省知识产权局2025年若干措施所称龙头服务机构，不同于品牌机构）；无调查表填报该项时为无数据",
                                            "Agencies whose return gives the province's designation \"leading agency\" (the 2025 provincial measures; not a brand level); no data when no return reports it"),
                      formula: "count(province_designation = leading)", denominator: nil, source: .returns, isFlow: false,
                      protectedBy: nil, computation: .designated("leading")),
            Indicator(id: "above_scale_agencies", name: Bilingual("规模以上机构数量", "Above-scale agencies"), unit: firms, kind: .count,
                      definition: Bilingual("营业收入不低于1000万元的机构数", "Agencies with revenue of at least 10 million yuan (1000 × 10k yuan)"),
                      formula: "count(revenue ≥ 1000)", denominator: nil, source: .returns, isFlow: false, protectedBy: nil,
                      computation: .agenciesWithRevenueAtLeast(10_000_000)),
            sum("staff", flow: false, money: false),
            Indicator(id: "staff_degree_share", name: Bilingual("本科及以上学历人员占比", "Share of staff with a degree"), unit: fraction, kind: .ratio,
                      definition: Bilingual("本科及以上学历人数 ÷ 从业人员数（仅计两项均填报的机构）", "Staff with a bachelor's degree or higher ÷ staff (agencies that reported both)"),
                      formula: "Σ staff_degree / Σ staff", denominator: Bilingual("填报学历的机构的从业人员", "staff of agencies that reported degrees"),
                      source: .returns, isFlow: false, protectedBy: nil, computation: .fieldRatio(numerator: "staff_degree", denominator: "staff")),
            sum("patent_attorneys", flow: false, money: false),
            sum("new_hires", flow: true, money: false),
            sum("new_graduates", flow: true, money: false),
            sum("revenue", flow: true, money: true),
        ]
        list += Form.revenueBreakdown.map { sum($0.field, flow: true, money: true) }
        list += [
            sum("foreign_revenue", flow: true, money: true),
            Indicator(id: "avg_revenue", name: Bilingual("机构平均营业收入", "Average revenue per agency"), unit: Bilingual("万元/家", "10k yuan/agency"),
                      kind: .moneyRatio, definition: Bilingual("营业收入合计 ÷ 机构数", "Total revenue ÷ agencies"),
                      formula: "Σ revenue / agencies", denominator: Bilingual("机构数", "agencies"), source: .returns, isFlow: false,
                      protectedBy: "revenue", computation: .average("revenue")),
            Indicator(id: "revenue_per_staff", name: Bilingual("人均营业收入", "Revenue per staff member"), unit: Bilingual("万元/人", "10k yuan/person"),
                      kind: .moneyRatio, definition: Bilingual("营业收入合计 ÷ 从业人员合计（仅计两项均填报的机构）", "Total revenue ÷ total staff (agencies that reported both)"),
                      formula: "Σ revenue / Σ staff", denominator: Bilingual("从业人员", "staff"), source: .returns, isFlow: false,
                      protectedBy: "revenue", computation: .fieldRatio(numerator: "revenue", denominator: "staff")),
            Indicator(id: "revenue_growth_same_sample", name: Bilingual("营业收入同口径增长率", "Revenue growth, same sample"), unit: fraction, kind: .ratio,
                      definition: Bilingual("仅计两年均填报营业收入的机构：（本期合计 − 上年合计）÷ 上年合计", "Agencies that reported revenue in both years only: (this year − last year) ÷ last year"),
                      formula: "(Σ revenue[t] − Σ revenue[t−1]) / Σ revenue[t−1], same agencies",
                      denominator: Bilingual("同一批机构的上年营业收入", "last year's revenue of the same agencies"), source: .returns, isFlow: false,
                      protectedBy: "revenue", computation: .sameSampleGrowth(field: "revenue")),
            sum("patent_filings", flow: true, money: false),
            sum("patent_filings_local", flow: true, money: false),
            sum("invention_filings", flow: true, money: false),
            sum("pct_filings", flow: true, money: false),
            sum("trademark_filings", flow: true, money: false),
            sum("trademark_filings_local", flow: true, money: false),
            Indicator(id: "patent_agency_rate", name: Bilingual("专利代理率", "Patent agency rate"), unit: fraction, kind: .ratio,
                      definition: Bilingual("区内机构代理的本区申请人专利申请量 ÷ 本区专利申请总量", "Patent applications of applicants in the zone filed by its agencies ÷ all patent applications of the zone"),
                      formula: "Σ patent_filings_local / regional patent_applications", denominator: Bilingual("本区专利申请总量（区域统计）", "the zone's patent applications (regional statistics)"),
                      source: .returns, isFlow: false, protectedBy: nil,
                      computation: .regionalRatio(numerator: "patent_filings_local", regional: "patent_applications")),
            Indicator(id: "trademark_agency_rate", name: Bilingual("商标代理率", "Trademark agency rate"), unit: fraction, kind: .ratio,
                      definition: Bilingual("区内机构代理的本区申请人商标申请量 ÷ 本区商标注册申请总量", "Trademark applications of applicants in the zone filed by its agencies ÷ all trademark applications of the zone"),
                      formula: "Σ trademark_filings_local / regional trademark_applications", denominator: Bilingual("本区商标注册申请总量（区域统计）", "the zone's trademark applications (regional statistics)"),
                      source: .returns, isFlow: false, protectedBy: nil,
                      computation: .regionalRatio(numerator: "trademark_filings_local", regional: "trademark_applications")),
            sum("pledge_financing", flow: true, money: true),
            sum("pledge_deals", flow: true, money: false),
            sum("transaction_value", flow: true, money: true),
            sum("clients", flow: true, money: false),
            sum("clients_hightech", flow: true, money: false),
            sum("abnormal_notified", flow: true, money: false),
            Indicator(id: "abnormal_withdrawal_rate", name: Bilingual("非正常专利申请撤回率", "Withdrawal rate of abnormal applications"), unit: fraction, kind: .ratio,
                      definition: Bilingual("已撤回的被通报非正常专利申请 ÷ 被通报非正常专利申请", "Abnormal patent applications withdrawn ÷ notified"),
                      formula: "Σ abnormal_withdrawn / Σ abnormal_notified", denominator: Bilingual("被通报非正常专利申请", "abnormal applications notified"),
                      source: .returns, isFlow: false, protectedBy: nil,
                      computation: .fieldRatio(numerator: "abnormal_withdrawn", denominator: "abnormal_notified")),
            Indicator(id: "cr5", name: Bilingual("行业集中度CR5", "Concentration CR5"), unit: fraction, kind: .ratio,
                      definition: Bilingual("营业收入最高的5家机构占营业收入合计的比重", "Share of the five largest agencies in total revenue"),
                      formula: "Σ top-5 revenue / Σ revenue", denominator: Bilingual("营业收入合计", "total revenue"), source: .returns, isFlow: false,
                      protectedBy: "revenue", computation: .concentrationTop5),
            Indicator(id: "hhi", name: Bilingual("赫芬达尔指数HHI", "Herfindahl–Hirschman index"), unit: fraction, kind: .ratio,
                      definition: Bilingual("各机构营业收入份额的平方和（0–1）", "Sum of squared revenue shares (0–1)"),
                      formula: "Σ (revenue_i / Σ revenue)²", denominator: Bilingual("营业收入合计", "total revenue"), source: .returns, isFlow: false,
                      protectedBy: "revenue", computation: .herfindahl),
        ]
        let flows = list.filter(\.isFlow)
        list += flows.map(growth)
        list += regionalIndicators.map { id, zh, en, unit in
            Indicator(id: id, name: Bilingual(zh, en), unit: unit, kind: .number,
                      definition: Bilingual("区域统计数据：\(zh)（来源见区域统计文件）", "Regional statistics: \(en) (source in the regional file)"),
                      formula: "regional \(id)", denominator: nil, source: .regional, isFlow: false, protectedBy: nil,
                      computation: .regional(id))
        }
        return list
    }()

    /// Regional indicators agencies do not report.
    static let regionalIndicators: [(String, String, String, Bilingual)] = [
        ("patent_applications", "专利申请总量", "Patent applications", Bilingual("件", "filings")),
        ("trademark_applications", "商标注册申请总量", "Trademark applications", Bilingual("件", "filings")),
        ("invention_grants", "发明专利授权量", "Invention patents granted", Bilingual("件", "patents")),
        ("valid_inventions", "有效发明专利量", "Valid invention patents", Bilingual("件", "patents")),
        ("pct_applications", "PCT国际专利申请量", "PCT applications", Bilingual("件", "filings")),
        ("gdp_growth", "地区生产总值增速", "GDP growth", Bilingual("%", "%")),
        ("tertiary_growth", "第三产业增加值增速", "Tertiary sector growth", Bilingual("%", "%")),
        ("province_abnormal_withdrawal_rate", "全省非正常专利申请撤回率", "Province: withdrawal rate of abnormal applications", Bilingual("比例", "fraction")),
        ("service_platforms", "知识产权公共服务平台", "Public IP service platforms", Bilingual("个", "platforms")),
        ("info_outlets", "知识产权信息服务网点", "IP information outlets", Bilingual("个", "outlets")),
        ("training_bases", "知识产权人才培训基地", "IP training bases", Bilingual("个", "bases")),
        // What the zone plans set targets on and the office records (issue 15): 徐政办发〔2024〕8号, the Binhu plan.
        ("info_institutions", "国家级、省级知识产权信息公共服务机构", "National and provincial IP information service institutions", Bilingual("家", "institutions")),
        ("ip_talents", "知识产权服务业复合型人才", "IP service professionals (multi-skilled)", Bilingual("名", "people")),
        ("innovators_served", "服务的创新主体", "Innovators served", Bilingual("个", "innovators")),
        ("tech_invention_applications", "科技创新企业发明专利申请量", "Invention applications of tech enterprises", Bilingual("件", "filings")),
        ("trademark_enterprises", "万企有效注册商标企业", "Enterprises with a valid registered trademark", Bilingual("家", "enterprises")),
        ("culture_streets", "知识产权街区或文化长廊", "IP streets and culture corridors", Bilingual("处", "sites")),
        ("public_lectures", "知识产权公益讲座", "Public IP lectures", Bilingual("期", "lectures")),
        ("school_trainings", "中小学校知识产权培训", "IP trainings in schools", Bilingual("次", "sessions")),
        ("norm_agencies", "贯彻服务业管理规范的服务机构", "Agencies implementing the service standards", Bilingual("家", "agencies")),
    ]

    static let byID: [String: Indicator] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func indicator(_ id: String) -> Indicator? { byID[id] }
}
