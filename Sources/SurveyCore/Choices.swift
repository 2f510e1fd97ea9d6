/// One allowed value of an enumerated field: its id, its Chinese and English names, and other spellings accepted.
public struct ChoiceOption: Sendable, Hashable {
    public let id: String
    public let name: Bilingual
    public let aliases: [String]
    public init(_ id: String, _ zh: String, _ en: String, aliases: [String] = []) {
        self.id = id; self.name = Bilingual(zh, en); self.aliases = aliases
    }
}

/// The allowed values of an enumerated field (机构性质, 业务类型, 品牌机构级别 …), matched by id or name.
public struct ChoiceDomain: Sendable, Hashable {
    public let id: String
    public let options: [ChoiceOption]
    /// Every accepted spelling (id, Chinese name, alias; ids case-insensitive) with the option's index.
    let spellings: Spellings

    public init(id: String, _ options: [ChoiceOption]) {
        self.id = id
        self.options = options
        var s: [([UInt8], Int)] = []
        for (i, o) in options.enumerated() {
            for text in [o.id, o.name.zh] + o.aliases { s.append((Array(text.utf8), i)) }
        }
        self.spellings = Spellings(s)
    }

    /// The index of the option spelled by `bytes` (already trimmed), if any.
    @inline(__always)
    public func match(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? { spellings.match(bytes) }

    public func match(_ text: String) -> Int? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { match(UnsafeBufferPointer($0)) }
    }

    public func index(of id: String) -> Int? { options.firstIndex { $0.id == id } }

    public static func == (a: ChoiceDomain, b: ChoiceDomain) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// `patent_agency 专利代理机构, …` for messages.
    public func listing(_ language: Language) -> String {
        options.map { language == .zh ? "\($0.name.zh)(\($0.id))" : "\($0.id) (\($0.name.zh))" }
            .joined(separator: language == .zh ? "、" : ", ")
    }
}

/// The enumerations of the survey, as data.
public enum Choices {
    /// 机构性质.
    public static let agencyKind = ChoiceDomain(id: "agency_kind", [
        ChoiceOption("patent_agency", "专利代理机构", "Patent agency"),
        ChoiceOption("trademark_agency", "商标代理机构", "Trademark agency"),
        ChoiceOption("law_firm", "律师事务所", "Law firm"),
        ChoiceOption("enterprise", "其他企业", "Other enterprise", aliases: ["企业"]),
        ChoiceOption("public", "事业单位/社会组织", "Public institution / association",
                     aliases: ["事业单位", "社会组织", "事业单位或社会组织"]),
    ])
    /// 业务类型 (a return may name several).
    public static let businessType = ChoiceDomain(id: "business_type", [
        ChoiceOption("agency", "代理服务", "Agency services", aliases: ["代理"]),
        ChoiceOption("legal", "法律服务", "Legal services", aliases: ["法律"]),
        ChoiceOption("information", "信息服务", "Information services", aliases: ["信息"]),
        ChoiceOption("consulting", "咨询服务", "Consulting services", aliases: ["咨询"]),
        ChoiceOption("operation", "运营服务", "Operation services", aliases: ["运营"]),
        ChoiceOption("training", "培训服务", "Training services", aliases: ["培训"]),
        ChoiceOption("other", "其他服务", "Other services", aliases: ["其他"]),
    ])
    /// 品牌机构级别.
    public static let brandLevel = ChoiceDomain(id: "brand_level", [
        ChoiceOption("none", "无", "None"),
        ChoiceOption("municipal", "市级", "Municipal"),
        ChoiceOption("provincial", "省级", "Provincial"),
        ChoiceOption("national", "国家级", "National"),
    ])
    /// 集聚区级别.
    public static let zoneLevel = ChoiceDomain(id: "zone_level", [
        ChoiceOption("provincial", "省级知识产权服务业集聚发展区", "Provincial cluster zone", aliases: ["省级"]),
        ChoiceOption("national_pilot", "国家知识产权服务业高质量集聚发展试验区", "National pilot zone", aliases: ["国家级试验区", "试验区"]),
        ChoiceOption("national_demo", "国家知识产权服务业高质量集聚发展示范区", "National demonstration zone", aliases: ["国家级示范区", "示范区"]),
    ])
    /// Comparison of a target (`>=ref:INDICATOR` is handled by `TargetOperator`).
    /// The province's designation of an agency (江苏省知识产权局《关于加快推进知识产权服务业高质量发展的若干措施》
    /// (2025): 龙头服务机构 / 特色服务机构). Not a brand level: 龙头 is not 品牌. Empty is "not reported".
    public static let provinceDesignation = ChoiceDomain(id: "province_designation", [
        ChoiceOption("leading", "龙头服务机构", "leading agency"),
        ChoiceOption("specialty", "特色服务机构", "specialty agency"),
        ChoiceOption("none", "无", "none"),
    ])

    public static let targetOp = ChoiceDomain(id: "target_op", [
        ChoiceOption(">=", "不低于", "at least"),
        ChoiceOption(">", "高于", "above"),
        ChoiceOption("<=", "不高于", "at most"),
        ChoiceOption("<", "低于", "below"),
        ChoiceOption("~", "左右", "about"),
        ChoiceOption("+>=", "新增不少于", "increase of at least"),
        ChoiceOption("growth>=", "增长不低于", "growth of at least"),
    ])
}

/// The operator of a target row — the kinds of target the plans use (SPEC.md "Targets"):
/// - `>=` `>` `<=` `<`: a bound (从业人员超100人 is `>`, 专利代理率达85%以上 is `>=`);
/// - `~`: about (机构25户左右): met within the row's `tolerance` (a fraction, ±10 % when empty), deviation shown;
/// - `+>=`: an increase since the base year of at least `value` (新增…网点30家以上);
/// - `growth>=`: growth since the base year of at least `value`, a fraction (发明专利申请增长30%以上 is 0.30);
/// - `>=ref:X`: at least indicator X, plus `value` as a margin when given (超过全省平均水平: empty value).
public enum TargetOperator: Sendable, Hashable, CustomStringConvertible {
    case atLeast, above, atMost, below
    case about, increaseAtLeast, growthAtLeast
    case atLeastIndicator(String)

    /// Whether the target compares with another indicator (`>=ref:X`).
    public var isReference: Bool { if case .atLeastIndicator = self { return true } else { return false } }

    /// Whether the target compares with the indicator's value in a base year (`base_year` of the row).
    public var needsBase: Bool { self == .increaseAtLeast || self == .growthAtLeast }

    public init?(_ text: String) {
        let t = text.trimmingASCIIAndIdeographicSpace()
        if t.hasPrefix(">=ref:") {
            let id = String(t.dropFirst(6))
            guard id.isIdentifier else { return nil }
            self = .atLeastIndicator(id); return
        }
        switch Choices.targetOp.match(t).map({ Choices.targetOp.options[$0].id }) {
        case ">=": self = .atLeast
        case ">": self = .above
        case "<=": self = .atMost
        case "<": self = .below
        case "~": self = .about
        case "+>=": self = .increaseAtLeast
        case "growth>=": self = .growthAtLeast
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .atLeast: ">="
        case .above: ">"
        case .atMost: "<="
        case .below: "<"
        case .about: "~"
        case .increaseAtLeast: "+>="
        case .growthAtLeast: "growth>="
        case .atLeastIndicator(let id): ">=ref:\(id)"
        }
    }
}

extension String {
    /// `[a-z][a-z0-9_]*`: the form of ids (zones, indicators).
    public var isIdentifier: Bool {
        guard let first = utf8.first, first >= 0x61 && first <= 0x7A else { return false }
        return utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    /// Drops spaces, tabs and the ideographic space (U+3000) at both ends.
    public func trimmingASCIIAndIdeographicSpace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return String(self[start...end])
    }
}
