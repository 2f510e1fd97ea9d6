/// How the text of a cell is read.
public enum FieldType: Sendable, Hashable {
    /// Free text of at most `maxLength` characters.
    case text(maxLength: Int)
    /// A unified social credit code.
    case creditCode
    /// A zone by id or name, looked up in the zones file.
    case zoneRef
    /// `YYYY` or `YYYYQn`.
    case period
    /// One option of a domain.
    case choice(ChoiceDomain)
    /// One or more options of a domain, separated by `;` `；` or `、`.
    case choices(ChoiceDomain)
    /// 万元, at most four decimals, ≥ 0.
    case money
    /// A whole number ≥ 0.
    case count
    /// A decimal number, possibly negative (regional figures, target values).
    case decimal
    /// A calendar date.
    case date
    /// `[a-z][a-z0-9_]*`.
    case identifier
    /// A six-digit administrative division code (行政区划代码).
    case divisionCode
    /// `>=`, `>`, `<=`, `<` or `>=ref:INDICATOR`.
    case targetOperator
}

/// One column of a form: its id, titles, unit, type and whether it must be filled.
public struct Field: Sendable, Hashable {
    public let id: String
    public let title: Bilingual
    /// The unit in Chinese and English (万元 / 10k yuan), or nil.
    public let unit: Bilingual?
    public let type: FieldType
    public let required: Bool
    /// Personal data (联系人, 联系电话, 填报日期): archived, never shown in a report or query.
    public let personal: Bool

    public init(_ id: String, _ zh: String, _ en: String, _ type: FieldType, unit: Bilingual? = nil,
                required: Bool = false, personal: Bool = false) {
        self.id = id; self.title = Bilingual(zh, en); self.unit = unit; self.type = type
        self.required = required; self.personal = personal
    }

    /// The column title as printed on the blank form: `营业收入（万元）` or `revenue`.
    public func header(_ language: Language) -> String {
        guard language == .zh else { return id }
        return unit.map { "\(title.zh)（\($0.zh)）" } ?? title.zh
    }

    /// `营业收入（万元）` / `Revenue (10k yuan)` for messages.
    public func label(_ language: Language) -> String {
        let u = unit.map { language == .zh ? "（\($0.zh)）" : " (\($0.en))" } ?? ""
        return title[language] + u
    }
}

/// A rule that relates several fields of one row.
public enum CrossRule: Sendable, Hashable {
    /// `part` must not exceed `whole` (其中项不大于总量).
    case notGreaterThan(part: String, whole: String)
    /// The parts must not add up to more than `whole` (error), and should reach `share`% of it (warning).
    case breakdown(parts: [String], whole: String, minimumPercent: Int)
    /// `field` must be > 0 when `when` is > 0 (质押融资额 > 0 needs 项目数).
    case positiveWhenPositive(field: String, when: String)
    /// The credit code's division code should be the zone's (warning).
    case divisionMatchesZone(code: String, zone: String)
    /// One row per `keys` inside a file.
    case uniqueInFile(keys: [String])
    /// `field` is required unless the operator in `op` compares with another indicator (a target's value).
    case requiredUnlessReference(field: String, op: String)
}

/// The kinds of CSV file ipsurvey reads.
public enum FileKind: String, Sendable, CaseIterable {
    case returns, zones, regional, targets
    /// 入驻机构名录: the agencies resident in a zone, expected to file whether or not they filed before.
    case agencies

    /// What the office calls such a file.
    public var name: Bilingual {
        switch self {
        case .returns: Bilingual("调查表", "returns")
        case .zones: Bilingual("集聚区名录", "zones")
        case .regional: Bilingual("区域统计", "regional")
        case .targets: Bilingual("规划目标", "targets")
        case .agencies: Bilingual("入驻机构名录", "agencies")
        }
    }
}

/// A form: the columns of one kind of CSV file, with the rules between them.
public struct Form: Sendable {
    public let kind: FileKind
    public let fields: [Field]
    public let rules: [CrossRule]
    /// Field index by id.
    public let index: [String: Int]

    public init(kind: FileKind, fields: [Field], rules: [CrossRule]) {
        self.kind = kind; self.fields = fields; self.rules = rules
        var index: [String: Int] = [:]
        for (i, f) in fields.enumerated() { index[f.id] = i }
        self.index = index
    }

    public subscript(id: String) -> Field { fields[index[id]!] }
}

extension Form {
    static let wan = Bilingual("万元", "10k yuan")
    static let persons = Bilingual("人", "persons")
    static let items = Bilingual("件", "filings")
    static let firms = Bilingual("家", "firms")
    static let deals = Bilingual("项", "deals")

    /// The revenue breakdown columns, in form order, with the business type each belongs to.
    public static let revenueBreakdown: [(field: String, businessType: String)] = [
        ("revenue_agency", "agency"), ("revenue_legal", "legal"), ("revenue_information", "information"),
        ("revenue_consulting", "consulting"), ("revenue_operation", "operation"),
        ("revenue_training", "training"), ("revenue_other", "other"),
    ]

    /// 统计调查表: one row per agency and period.
    public static let returns = Form(kind: .returns, fields: [
        Field("credit_code", "统一社会信用代码", "Unified social credit code", .creditCode, required: true),
        Field("agency_name", "机构名称", "Agency name", .text(maxLength: 100), required: true),
        Field("zone", "所在集聚区", "Cluster zone", .zoneRef, required: true),
        Field("period", "统计期", "Period", .period, required: true),
        Field("agency_kind", "机构性质", "Kind of agency", .choice(Choices.agencyKind), required: true),
        Field("business_types", "业务类型", "Business types", .choices(Choices.businessType), required: true),
        Field("brand_level", "品牌机构级别", "Brand level", .choice(Choices.brandLevel)),
        Field("revenue", "营业收入", "Revenue", .money, unit: wan, required: true),
        Field("revenue_agency", "代理服务收入", "Revenue from agency services", .money, unit: wan),
        Field("revenue_legal", "法律服务收入", "Revenue from legal services", .money, unit: wan),
        Field("revenue_information", "信息服务收入", "Revenue from information services", .money, unit: wan),
        Field("revenue_consulting", "咨询服务收入", "Revenue from consulting services", .money, unit: wan),
        Field("revenue_operation", "运营服务收入", "Revenue from operation services", .money, unit: wan),
        Field("revenue_training", "培训服务收入", "Revenue from training services", .money, unit: wan),
        Field("revenue_other", "其他服务收入", "Revenue from other services", .money, unit: wan),
        Field("foreign_revenue", "涉外业务收入", "Foreign-related revenue", .money, unit: wan),
        Field("pledge_financing", "促成知识产权质押融资额", "IP pledge financing facilitated", .money, unit: wan),
        Field("pledge_deals", "质押融资项目数", "Pledge financing deals", .count, unit: deals),
        Field("transaction_value", "知识产权交易额", "IP transaction value", .money, unit: wan),
        Field("staff", "从业人员", "Staff", .count, unit: persons, required: true),
        Field("staff_degree", "本科及以上学历", "Staff with a bachelor's degree or higher", .count, unit: persons),
        Field("patent_attorneys", "执业专利代理师", "Practising patent attorneys", .count, unit: persons),
        Field("new_hires", "本期新增从业人员", "New hires in the period", .count, unit: persons),
        Field("new_graduates", "其中：应届毕业生", "of which: new graduates", .count, unit: persons),
        Field("patent_filings", "代理专利申请量", "Patent applications filed as agent", .count, unit: items),
        Field("patent_filings_local", "其中：本区申请人专利申请", "of which: for applicants in the zone", .count, unit: items),
        Field("invention_filings", "其中：发明专利", "of which: invention patents", .count, unit: items),
        Field("pct_filings", "代理PCT国际申请", "PCT applications filed as agent", .count, unit: items),
        Field("trademark_filings", "代理商标注册申请", "Trademark applications filed as agent", .count, unit: items),
        Field("trademark_filings_local", "其中：本区申请人商标申请", "of which: for applicants in the zone", .count, unit: items),
        Field("clients", "服务市场主体", "Clients served", .count, unit: firms),
        Field("clients_hightech", "其中：高新技术企业", "of which: high-tech enterprises", .count, unit: firms),
        Field("abnormal_notified", "被通报非正常专利申请", "Abnormal patent applications notified", .count, unit: items),
        Field("abnormal_withdrawn", "其中：已撤回", "of which: withdrawn", .count, unit: items),
        Field("contact", "联系人", "Contact person", .text(maxLength: 50), personal: true),
        Field("phone", "联系电话", "Phone", .text(maxLength: 50), personal: true),
        Field("submitted_on", "填报日期", "Date submitted", .date, personal: true),
        // Added 2026-12 (issue 15) as the last column, so every column of earlier forms keeps its position.
        Field("province_designation", "省级培育类别", "Provincial designation", .choice(Choices.provinceDesignation)),
    ], rules: [
        .breakdown(parts: revenueBreakdown.map(\.field), whole: "revenue", minimumPercent: 99),
        .notGreaterThan(part: "foreign_revenue", whole: "revenue"),
        .positiveWhenPositive(field: "pledge_deals", when: "pledge_financing"),
        .notGreaterThan(part: "staff_degree", whole: "staff"),
        .notGreaterThan(part: "patent_attorneys", whole: "staff"),
        .notGreaterThan(part: "new_hires", whole: "staff"),
        .notGreaterThan(part: "new_graduates", whole: "new_hires"),
        .notGreaterThan(part: "patent_filings_local", whole: "patent_filings"),
        .notGreaterThan(part: "invention_filings", whole: "patent_filings"),
        .notGreaterThan(part: "trademark_filings_local", whole: "trademark_filings"),
        .notGreaterThan(part: "clients_hightech", whole: "clients"),
        .notGreaterThan(part: "abnormal_withdrawn", whole: "abnormal_notified"),
        .divisionMatchesZone(code: "credit_code", zone: "zone"),
        .uniqueInFile(keys: ["credit_code", "period"]),
    ])

    /// 集聚区名录: `zones.csv`.
    public static let zones = Form(kind: .zones, fields: [
        Field("zone", "集聚区代码", "Zone id", .identifier, required: true),
        Field("name_zh", "中文名称", "Chinese name", .text(maxLength: 100), required: true),
        Field("name_en", "英文名称", "English name", .text(maxLength: 200), required: true),
        Field("level", "级别", "Level", .choice(Choices.zoneLevel), required: true),
        Field("city", "所在城市", "City", .text(maxLength: 50), required: true),
        Field("division_code", "行政区划代码", "Division code", .divisionCode, required: true),
        Field("plan_start", "规划起始日期", "Plan start", .date, required: true),
        Field("plan_end", "规划截止日期", "Plan end", .date, required: true),
        Field("plan_doc", "规划文件", "Plan document", .text(maxLength: 200)),
        // The plan's title in English, for the English white paper (the Chinese title is shown where it is empty).
        Field("plan_doc_en", "规划文件英文名称", "Plan document in English", .text(maxLength: 300)),
    ], rules: [.uniqueInFile(keys: ["zone"])])

    /// 区域统计数据: `regional/**.csv`, long format.
    public static let regional = Form(kind: .regional, fields: [
        Field("zone", "集聚区", "Zone", .zoneRef, required: true),
        Field("period", "统计期", "Period", .period, required: true),
        Field("indicator", "指标", "Indicator", .identifier, required: true),
        Field("value", "数值", "Value", .decimal, required: true),
        Field("source", "来源", "Source", .text(maxLength: 200)),
    ], rules: [.uniqueInFile(keys: ["zone", "period", "indicator"])])

    /// 规划目标: `targets.csv`.
    public static let targets = Form(kind: .targets, fields: [
        Field("zone", "集聚区", "Zone", .zoneRef, required: true),
        Field("indicator", "指标", "Indicator", .identifier, required: true),
        Field("op", "比较方式", "Comparison", .targetOperator, required: true),
        Field("value", "目标值", "Target value", .decimal),
        Field("deadline", "截止日期", "Deadline", .date, required: true),
        Field("source", "依据文件", "Source document", .text(maxLength: 200), required: true),
        Field("quote", "规划原文", "The plan's words", .text(maxLength: 500)),
        Field("base_year", "基期", "Base year", .period),
        Field("tolerance", "允许偏差", "Tolerance", .decimal),
    ], rules: [.requiredUnlessReference(field: "value", op: "op"), .uniqueInFile(keys: ["zone", "indicator", "op", "deadline"])])

    /// 入驻机构名录: `agencies.csv`, the agencies resident in each zone (`ipsurvey status` expects a return from each
    /// one resident during the period, besides those that filed for the period before). A date left empty is open.
    public static let agencies = Form(kind: .agencies, fields: [
        Field("credit_code", "统一社会信用代码", "Unified social credit code", .creditCode, required: true),
        Field("agency_name", "机构名称", "Agency name", .text(maxLength: 100), required: true),
        Field("zone", "所在集聚区", "Zone", .zoneRef, required: true),
        Field("entered_on", "入驻日期", "Resident from", .date),
        Field("left_on", "迁出日期", "Resident until", .date),
    ], rules: [.divisionMatchesZone(code: "credit_code", zone: "zone"), .uniqueInFile(keys: ["credit_code"])])

    public static func of(_ kind: FileKind) -> Form {
        switch kind {
        case .returns: returns
        case .zones: zones
        case .regional: regional
        case .targets: targets
        case .agencies: agencies
        }
    }
}
