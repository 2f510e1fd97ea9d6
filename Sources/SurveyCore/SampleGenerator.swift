import Foundation

/// A small, fast, seedable random number generator (SplitMix64), so that samples are the same on every machine.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes synthetic, realistic survey data (示例数据): zones, targets, regional statistics and returns.
///
/// Agencies have a kind, business lines, a size that grows year by year, and may enter or leave; every figure
/// obeys the form's rules, so a generated file validates without findings unless errors are planted on purpose.
public struct SampleGenerator {
    public let seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    /// The demo zones: the three zones of SPEC.md with their real division codes and plan periods.
    public static let zonesCSV = """
    zone,name_zh,name_en,level,city,division_code,plan_start,plan_end,plan_doc,plan_doc_en
    sucheng,宿迁市宿城区,"Sucheng District, Suqian",provincial,宿迁市,321302,2025-01-01,2027-12-31,宿迁市宿城区省级知识产权服务业集聚发展区建设工作方案（宿区政办发〔2025〕5号）,Work Plan for Building the Provincial IP Service Industry Cluster Development Zone of Sucheng District (宿区政办发〔2025〕5号)
    binhu,无锡市滨湖区,"Binhu District, Wuxi",national_demo,无锡市,320211,2024-01-01,2026-12-31,无锡市滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,"Plan for Building the National Demonstration Zone for High-Quality Clustering of IP Services in Binhu District, Wuxi (2024–2026)"
    quanshan,徐州市泉山区,"Quanshan District, Xuzhou",national_pilot,徐州市,320311,2024-01-01,2026-12-31,徐州市泉山区建设国家知识产权服务业高质量集聚发展试验区实施方案（徐政办发〔2024〕8号）,"Implementation Plan for Building the National Pilot Zone for High-Quality Clustering of IP Services in Quanshan District, Xuzhou (徐政办发〔2024〕8号)"

    """

    /// Every numeric target of the three zone plans in `../shared/seeds/`, with the plan's words (input/README.md
    /// lists where each comes from); the 2017 scheme's condition for a provincial zone (15 agencies); and, as zone
    /// `all`, the 2025 measures' province-wide goals, shown as the zones' contribution.
    public static let targetsCSV = """
    zone,indicator,op,value,deadline,source,quote,base_year,tolerance
    sucheng,agencies,~,25,2026-12-31,宿区政办发〔2025〕5号,集聚各类高水平服务机构25户左右,,0.1
    sucheng,staff,>,100,2026-12-31,宿区政办发〔2025〕5号,从业人员超100人,,
    sucheng,revenue,>=,7000,2026-12-31,宿区政办发〔2025〕5号,实现年销售额7000万元以上,,
    sucheng,clients,>=,400,2026-12-31,宿区政办发〔2025〕5号,直接服务各类市场主体400户以上,,
    sucheng,clients_hightech,>,100,2026-12-31,宿区政办发〔2025〕5号,服务高新技术企业超过100家,,
    sucheng,abnormal_withdrawal_rate,>=ref:province_abnormal_withdrawal_rate,,2026-12-31,宿区政办发〔2025〕5号,非正常专利申请撤回率超过全省平均水平,,
    binhu,brand_agencies,>=,5,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,发展5家知识产权与多领域融合发展的品牌服务机构,,
    binhu,service_platforms,>=,10,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,建成10家以上针对重点产业深度赋能的知识产权服务平台,,
    binhu,agencies,>=,100,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,集聚100家以上服务能力卓越、品牌效应显著的优质知识产权服务机构,,
    binhu,ip_talents,>=,1000,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,引培1000名以上专业能力突出、引领作用明显的知识产权服务业复合型人才,,
    binhu,innovators_served,>=,10000,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,服务1万个以上创新能力强、发展潜力大、带动作用明显的创新主体,,
    binhu,info_outlets,+>=,30,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,新增知识产权信息公共服务网点30家以上,2023,
    binhu,revenue_growth,>=ref:gdp_growth,,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,推动区域知识产权服务业营业收入持续增长，增长速度超过区域国内生产总值和第三产业增长速度,,
    binhu,revenue_growth,>=ref:tertiary_growth,,2026-12-31,滨湖区国家知识产权服务业高质量集聚发展示范区建设方案（2024—2026年）,推动区域知识产权服务业营业收入持续增长，增长速度超过区域国内生产总值和第三产业增长速度,,
    quanshan,brand_agencies,>=,3,2026-12-31,徐政办发〔2024〕8号,建设期内，培育省级以上知识产权品牌服务机构3家以上,,
    quanshan,training_bases,+>=,2,2026-12-31,徐政办发〔2024〕8号,新增国家级、省级知识产权培训基地2家,2023,
    quanshan,info_institutions,+>=,5,2026-12-31,徐政办发〔2024〕8号,新增国家级、省级知识产权信息公共服务机构5家,2023,
    quanshan,patent_agency_rate,>=,0.85,2026-12-31,徐政办发〔2024〕8号,专利代理率达85%以上,,
    quanshan,agencies,>=,150,2026-12-31,徐政办发〔2024〕8号,到2026年底，在集聚区内累计集聚服务机构150家,,
    quanshan,staff,>=,3500,2026-12-31,徐政办发〔2024〕8号,知识产权从业人员3500人,,
    quanshan,tech_invention_applications,growth>=,0.30,2026-12-31,徐政办发〔2024〕8号,实现科技创新企业发明专利申请增长30%以上,2023,
    quanshan,invention_grants,growth>=,0.20,2026-12-31,徐政办发〔2024〕8号,新增发明专利授权增长20%以上,2023,
    quanshan,valid_inventions,>=,6000,2026-12-31,徐政办发〔2024〕8号,到2026年底实现有效发明专利授权量达到6000件,,
    quanshan,invention_grants,>=,800,2026-12-31,徐政办发〔2024〕8号,年度发明专利授权量达800件,,
    quanshan,pct_applications,>=,500,2026-12-31,徐政办发〔2024〕8号,PCT专利申请量达到500件,,
    quanshan,trademark_enterprises,>=,1050,2026-12-31,徐政办发〔2024〕8号,万企有效注册商标企业1050家,,
    quanshan,revenue,>=,100000,2026-12-31,徐政办发〔2024〕8号,知识产权服务收入达到10亿元,,
    quanshan,pledge_financing,>=,100000,2026-12-31,徐政办发〔2024〕8号,知识产权质押融资额度达到10亿元,,
    quanshan,transaction_value,>=,10000,2026-12-31,徐政办发〔2024〕8号,知识产权交易额度达到1亿元,,
    quanshan,culture_streets,>=,3,2026-12-31,徐政办发〔2024〕8号,建成文亭街老字号商业区等城市标志性的知识产权街区或文化长廊3处,,
    quanshan,public_lectures,>=,10,2026-12-31,徐政办发〔2024〕8号,举办知识产权公益讲座10期,,
    quanshan,school_trainings,>=,10,2026-12-31,徐政办发〔2024〕8号,深入中小学校开展知识产权培训10次,,
    quanshan,norm_agencies,>=,5,2026-12-31,徐政办发〔2024〕8号,引导5家以上知识产权服务机构贯彻服务业管理规范,,
    sucheng,agencies,>=,15,2027-12-31,苏知发〔2017〕139号,区内知识产权服务初具规模，已有知识产权服务机构15家以上,,
    all,leading_agencies,>=,20,2027-12-31,江苏省知识产权局《关于加快推进知识产权服务业高质量发展的若干措施》（2025年）,到2027年，全省培育20家知识产权服务龙头机构,,
    all,above_scale_agencies,>=,100,2027-12-31,江苏省知识产权局《关于加快推进知识产权服务业高质量发展的若干措施》（2025年）,到2027年，全省培育……100家规模以上服务机构,,

    """

    struct ZoneModel {
        let id: String, city: String, division: String
        let agencies2025: Int
        let regionalScale: Double
    }

    static let zoneModels = [
        ZoneModel(id: "sucheng", city: "宿迁", division: "321302", agencies2025: 25, regionalScale: 0.15),
        ZoneModel(id: "binhu", city: "无锡", division: "320211", agencies2025: 150, regionalScale: 1.0),
        ZoneModel(id: "quanshan", city: "徐州", division: "320311", agencies2025: 100, regionalScale: 0.6),
    ]

    /// One synthetic agency and its life.
    struct Agency {
        var code: String
        var name: String
        var zone: Int
        var kind: Int          // index in Choices.agencyKind
        var types: [Int]       // indexes in Choices.businessType
        var brand: Int
        var revenue2023: Int64 // yuan
        var growth: Double
        var firstYear: Int
        var lastYear: Int
        var contact: String
        var phone: String
    }

    static let nameWords = ["慧衡", "华诚", "智汇", "博睿", "正源", "恒信", "明理", "睿创", "卓越", "鼎新", "汇智", "知联",
                            "致远", "远航", "启明", "天成", "长风", "清源", "同创", "佳诚", "立信", "方圆", "盛世", "开元",
                            "嘉和", "泰和", "德信", "弘毅", "思源", "精诚", "中正", "弘知", "科信", "创新", "瑞丰", "金桥"]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高").map(String.init)
    static let given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂").map(String.init)
    static let kindSuffix = ["知识产权代理有限公司", "商标代理有限公司", "律师事务所", "信息科技有限公司", "知识产权服务中心"]

    static func makeAgencies(count: Int, zone: Int, rng: inout SplitMix64, serial: inout Int) -> [Agency] {
        let model = zoneModels[zone]
        var out: [Agency] = []
        for _ in 0..<count {
            serial += 1
            let r = Double.random(in: 0..<1, using: &rng)
            let kind = r < 0.40 ? 0 : r < 0.58 ? 1 : r < 0.68 ? 2 : r < 0.93 ? 3 : 4
            var types: Set<Int>
            switch kind {
            case 0: types = [0]; if Bool.random(using: &rng) { types.insert(3) }; if Double.random(in: 0..<1, using: &rng) < 0.3 { types.insert(4) }
            case 1: types = [0]; if Double.random(in: 0..<1, using: &rng) < 0.3 { types.insert(1) }
            case 2: types = [1]; if Double.random(in: 0..<1, using: &rng) < 0.5 { types.insert(0) }
            case 3: types = [[2], [3], [4], [2, 3], [3, 4], [5, 3], [2, 4], [6]][Int.random(in: 0..<8, using: &rng)]
            default: types = [[5], [4, 5], [2, 5], [4]][Int.random(in: 0..<4, using: &rng)]
            }
            // Size: log-normal around 260 万元, a few large firms.
            let z = (0..<4).map { _ in Double.random(in: -1...1, using: &rng) }.reduce(0, +) * 0.9
            let wan = max(8.0, 260.0 * exp(z)) * (kind == 2 ? 1.4 : 1.0)
            let b = Double.random(in: 0..<1, using: &rng)
            let brand = wan > 900 && b < 0.55 ? (b < 0.15 ? 3 : 2) : (b < 0.12 ? 1 : 0)
            var first17 = Array("91\(model.division)".utf8)
            for _ in 0..<9 { first17.append(CreditCode.alphabet[Int.random(in: 0..<CreditCode.alphabet.count, using: &rng)]) }
            first17[8] = CreditCode.alphabet[10 + serial % 20]       // keeps codes varied and unique enough
            let code = String(decoding: first17 + [CreditCode.checkCharacter(for: first17)], as: UTF8.self)
            let word = nameWords[Int.random(in: 0..<nameWords.count, using: &rng)] + nameWords[Int.random(in: 0..<nameWords.count, using: &rng)]
            let name = "\(model.city)示例\(word)\(kindSuffix[kind])（第\(serial)号）"
            let enter = Double.random(in: 0..<1, using: &rng)
            let leave = Double.random(in: 0..<1, using: &rng)
            let contact = surnames[Int.random(in: 0..<surnames.count, using: &rng)] + given[Int.random(in: 0..<given.count, using: &rng)]
            let phone = "199" + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &rng))
            out.append(Agency(code: code, name: name, zone: zone, kind: kind, types: types.sorted(), brand: brand,
                              revenue2023: Int64(wan * 10_000), growth: Double.random(in: -0.05...0.22, using: &rng),
                              firstYear: enter < 0.12 ? 2025 : enter < 0.25 ? 2024 : 2023,
                              lastYear: enter >= 0.25 && leave < 0.05 ? 2023 : enter >= 0.12 && leave < 0.10 ? 2024 : 2025,
                              contact: contact, phone: phone))
        }
        return out
    }

    /// The cells of one return, in form order (ids as in `Form.returns`).
    /// The columns the generated returns have: the form's, but for the province's designation (added to the form in
    /// 2026-12): the demo's returns of 2023–2025 were sent on the form before it, so its 龙头 count is "no data".
    static let writtenFields = Form.returns.fields.filter { $0.id != "province_designation" }

    static func returnRow(_ a: Agency, year: Int, rng: inout SplitMix64, revision: Bool = false) -> [String] {
        func wan(_ yuan: Int64) -> String { Money(yuan: yuan).wanExact }
        func frac(_ lo: Double, _ hi: Double) -> Double { Double.random(in: lo...hi, using: &rng) }
        var revenue = Double(a.revenue2023) * pow(1 + a.growth, Double(year - 2023)) * frac(0.97, 1.03)
        if revision { revenue *= 1.02 }
        let rev = Int64(revenue.rounded())
        // Breakdown: split revenue over the agency's lines exactly (in yuan); 15 % leave it blank.
        var breakdown = [String](repeating: "", count: 7)
        if frac(0, 1) > 0.15 {
            var left = rev
            for (i, t) in a.types.enumerated() {
                let share = i == a.types.count - 1 ? left : Int64(Double(left) * frac(0.5, 0.8))
                breakdown[t] = wan(share)
                left -= share
            }
        }
        let foreign = frac(0, 1) < 0.3 ? wan(Int64(Double(rev) * frac(0.02, 0.25))) : ""
        var pledge = "", deals = ""
        if a.types.contains(4) || a.types.contains(3), frac(0, 1) < 0.5 {
            let amount = Int64(frac(300, 12_000) * 10_000)
            pledge = wan(amount); deals = "\(Int(frac(1, 18)))"
        }
        let transaction = a.types.contains(4) && frac(0, 1) < 0.6 ? wan(Int64(frac(50, 3_000) * 10_000)) : ""
        let staff = max(2, Int(revenue / 10_000 / frac(22, 48)))
        let degree = Int(Double(staff) * frac(0.65, 0.95))
        let attorneys = a.kind == 0 ? max(1, Int(Double(staff) * frac(0.15, 0.45))) : (a.types.contains(0) ? Int(Double(staff) * frac(0, 0.1)) : 0)
        let hires = Int(Double(staff) * frac(0.05, 0.25))
        let grads = Int(Double(hires) * frac(0.1, 0.6))
        let patentAgent = a.types.contains(0) && a.kind != 1
        let filings = patentAgent ? Int(Double(staff) * frac(25, 70)) : 0
        let local = Int(Double(filings) * frac(0.35, 0.75))
        let inventions = Int(Double(filings) * frac(0.2, 0.5))
        let pct = patentAgent ? Int(Double(filings) * frac(0, 0.03)) : 0
        let tmAgent = a.kind == 1 || (a.types.contains(0) && frac(0, 1) < 0.3)
        let tm = tmAgent ? Int(Double(staff) * frac(30, 120)) : 0
        let tmLocal = Int(Double(tm) * frac(0.3, 0.7))
        let clients = max(3, Int(Double(staff) * frac(3, 15)))
        let hightech = Int(Double(clients) * frac(0.1, 0.4))
        let notified = patentAgent && frac(0, 1) < 0.25 ? Int(frac(1, 12)) : 0
        let withdrawn = Int(Double(notified) * frac(0.6, 1.0))
        let day = SimpleDate(year: year + 1, month: revision ? 4 : Int(frac(1, 3.99)), day: Int(frac(1, 28.99)))!
        return [a.code, a.name, zoneModels[a.zone].id, "\(year)", Choices.agencyKind.options[a.kind].id,
                a.types.map { Choices.businessType.options[$0].id }.joined(separator: ";"),
                Choices.brandLevel.options[a.brand].id, wan(rev)] + breakdown +
            [foreign, pledge, deals, transaction, "\(staff)", "\(degree)", "\(attorneys)", "\(hires)", "\(grads)",
             patentAgent ? "\(filings)" : "", patentAgent ? "\(local)" : "", patentAgent ? "\(inventions)" : "",
             patentAgent ? "\(pct)" : "", tmAgent ? "\(tm)" : "", tmAgent ? "\(tmLocal)" : "", "\(clients)", "\(hightech)",
             patentAgent ? "\(notified)" : "", patentAgent ? "\(withdrawn)" : "", a.contact, a.phone, day.description]
    }

    static func csvLine(_ cells: [String]) -> String {
        cells.map { c in
            c.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + c.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : c
        }.joined(separator: ",")
    }

    /// Regional statistics consistent with the returns: patent applications are set so that the patent
    /// agency rate (本区申请人代理量 ÷ 专利申请总量) lands near `rate`.
    static func regionalRows(zone: Int, year: Int, localPatents: Int, localTrademarks: Int, rng: inout SplitMix64) -> [[String]] {
        let z = zoneModels[zone]
        let rate = [0.62, 0.70, 0.78][year - 2023] + (zone == 2 ? 0.05 : zone == 0 ? -0.1 : 0.0)
        let applications = Int(Double(max(localPatents, 1)) / rate)
        let tmApplications = Int(Double(max(localTrademarks, 1)) / (rate - 0.1))
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        let source = "示例数据：\(z.city)市统计局/市场监管局（合成）"
        return [
            ["patent_applications", "\(applications)"],
            ["trademark_applications", "\(tmApplications)"],
            ["invention_grants", "\(Int(Double(applications) * 0.12))"],
            ["valid_inventions", "\(Int(Double(applications) * (0.9 + 0.1 * Double(year - 2023))))"],
            ["pct_applications", "\(Int(Double(applications) * 0.008))"],
            ["gdp_growth", f(Double.random(in: 4.6...6.2, using: &rng))],
            ["tertiary_growth", f(Double.random(in: 5.0...7.2, using: &rng))],
            ["province_abnormal_withdrawal_rate", String(format: "%.2f", Double.random(in: 0.80...0.92, using: &rng))],
            ["service_platforms", "\(Int(z.regionalScale * 12) + year - 2022)"],
            // What the plans' targets count, growing year by year from 2023 (the base year of their 新增 and 增长
            // targets). Derived from the zone's scale and the year only, so the random stream — and with it every
            // return of the demo — is what it was before these rows were added.
            ["info_outlets", "\(Int(z.regionalScale * 8) + 1 + (year - 2023) * Int(z.regionalScale * 9))"],
            ["training_bases", "\(Int(z.regionalScale * 4) + 1 + (year - 2023))"],
            ["info_institutions", "\(Int(z.regionalScale * 5) + 2 + (year - 2023) * 2)"],
            ["ip_talents", "\(Int(z.regionalScale * 700) + (year - 2023) * Int(z.regionalScale * 120))"],
            ["innovators_served", "\(Int(z.regionalScale * 6500) + (year - 2023) * Int(z.regionalScale * 1200))"],
            ["tech_invention_applications", "\(Int(Double(applications) * 0.05))"],
            ["trademark_enterprises", "\(Int(z.regionalScale * 1500 * (0.85 + 0.05 * Double(year - 2023))))"],
            ["culture_streets", "\(Int(z.regionalScale * 2) + (year - 2023))"],
            ["public_lectures", "\(Int(z.regionalScale * 5) + (year - 2023) * 3)"],
            ["school_trainings", "\(Int(z.regionalScale * 4) + (year - 2023) * 3)"],
            ["norm_agencies", "\(Int(z.regionalScale * 3) + (year - 2023))"],
        ].map { [z.id, "\(year)", $0[0], $0[1], source] }
    }

    /// Files of a data set: relative path → bytes.
    public typealias Files = [(path: String, bytes: [UInt8])]

    /// The demo data set of `input/`: three zones, 2023–2025, about 25, 100 and 150 agencies; a few
    /// agencies entering and leaving; a few revisions; files in UTF-8, UTF-8 with BOM and CRLF, and GB18030;
    /// and one file with deliberately bad rows (documented in `input/README.md`).
    public func demo() -> Files {
        var rng = SplitMix64(seed: seed)
        var serial = 0
        var agencies: [[Agency]] = []
        for (z, model) in Self.zoneModels.enumerated() {
            agencies.append(Self.makeAgencies(count: model.agencies2025 * 100 / 92, zone: z, rng: &rng, serial: &serial))
        }
        var files: Files = []
        files.append(("zones.csv", Array(Self.zonesCSV.utf8)))
        files.append(("targets.csv", Array(Self.targetsCSV.utf8)))
        var regional: [String] = ["zone,period,indicator,value,source"]
        let idHeader = Self.writtenFields.map(\.id)
        let zhHeader = Self.writtenFields.map { $0.header(.zh) }
        var revisions: [[String]] = []
        for year in 2023...2025 {
            for (z, model) in Self.zoneModels.enumerated() {
                var rows: [[String]] = []
                for a in agencies[z] where a.firstYear <= year && year <= a.lastYear {
                    rows.append(Self.returnRow(a, year: year, rng: &rng))
                }
                let local = rows.reduce(0) { $0 + (Int($1[25]) ?? 0) }
                let tmLocal = rows.reduce(0) { $0 + (Int($1[29]) ?? 0) }
                regional += Self.regionalRows(zone: z, year: year, localPatents: local, localTrademarks: tmLocal, rng: &rng).map(Self.csvLine)
                if year == 2025 && z == 1 {
                    // Three binhu agencies send corrected returns in April.
                    for a in agencies[z].filter({ $0.lastYear == 2025 && $0.firstYear <= 2025 }).prefix(3) {
                        revisions.append(Self.returnRow(a, year: 2025, rng: &rng, revision: true))
                    }
                }
                let path = "returns/\(year)/\(model.id).csv"
                if model.id == "sucheng" && year >= 2024 {
                    // 宿城 also files quarterly (宿区政办发〔2025〕5号's quarterly evaluation), consistent with its annual returns.
                    let quarters = rows.map(Self.quarterlyRows)
                    for k in 0..<4 {
                        let text = ([zhHeader] + quarters.map { $0[k] }).map(Self.csvLine).joined(separator: "\r\n") + "\r\n"
                        files.append(("returns/\(year)/quarterly/sucheng-\(year)Q\(k + 1).csv", GB18030Transcoder.encode(text)))
                    }
                }
                switch model.id {
                case "binhu":     // Excel "CSV UTF-8": BOM and CRLF, English ids as header
                    let text = ([idHeader] + rows).map(Self.csvLine).joined(separator: "\r\n") + "\r\n"
                    files.append((path, [0xEF, 0xBB, 0xBF] + Array(text.utf8)))
                case "sucheng":   // Excel on a Chinese Windows: GBK (GB18030) and CRLF, Chinese titles
                    let text = ([zhHeader] + rows).map(Self.csvLine).joined(separator: "\r\n") + "\r\n"
                    files.append((path, GB18030Transcoder.encode(text)))
                default:          // plain UTF-8, LF, Chinese titles
                    let text = ([zhHeader] + rows).map(Self.csvLine).joined(separator: "\n") + "\n"
                    files.append((path, Array(text.utf8)))
                }
            }
        }
        files.append(("regional/regional-2023-2025.csv", Array((regional.joined(separator: "\n") + "\n").utf8)))
        let revisionText = ([idHeader] + revisions).map(Self.csvLine).joined(separator: "\n") + "\n"
        files.append(("returns/2025/revisions/binhu-revised-2026-04.csv", Array(revisionText.utf8)))
        files.append(("returns/2025/supplement/quanshan-late-returns.csv", Array(lateReturns(&rng, serial: &serial).utf8)))
        return files.sorted { $0.path < $1.path }
    }

    /// Late returns to quanshan for 2025: two valid rows whose names test escaping, and the deliberately
    /// bad rows listed in `input/README.md`.
    func lateReturns(_ rng: inout SplitMix64, serial: inout Int) -> String {
        var extra = Self.makeAgencies(count: 15, zone: 2, rng: &rng, serial: &serial)
        for i in extra.indices { extra[i].firstYear = 2025; extra[i].lastYear = 2025 }
        extra[0].name = "<script>alert(1)</script>"
        extra[0].brand = 2
        extra[0].revenue2023 = 12_000_000
        extra[1].name = "示例知识产权研究院 R&D \"创新\" 中心"
        var rows = extra.map { Self.returnRow($0, year: 2025, rng: &rng) }
        let ix = Dictionary(uniqueKeysWithValues: Self.writtenFields.enumerated().map { ($1.id, $0) })   // the columns written
        // Deliberate errors, one kind per row (rows 2… are lines 4… of the file).
        rows[2][ix["credit_code"]!] = String(rows[2][0].dropLast()) + (rows[2][0].last == "1" ? "2" : "1")  // checksum
        rows[3][ix["revenue"]!] = "12a"                                                        // not a number
        rows[4][ix["staff_degree"]!] = "\((Int(rows[4][ix["staff"]!]) ?? 0) + 5)"             // part > whole
        rows[5][ix["revenue_agency"]!] = Money(yuan: 99_990_000).wanExact                      // breakdown > revenue
        rows[5][ix["revenue"]!] = "100"
        rows[6][ix["zone"]!] = "gulou"                                                         // unknown zone
        rows[7][ix["pledge_financing"]!] = "500"; rows[7][ix["pledge_deals"]!] = "0"           // financing without deals
        rows[8][ix["period"]!] = "2025Q5"                                                      // bad period
        rows[9][ix["agency_name"]!] = ""                                                       // required
        rows[10][ix["revenue"]!] = "12.34567"                                                  // 5 decimals
        rows[11][ix["staff"]!] = "-3"                                                          // negative count
        rows[13] = rows[12]                                                                    // duplicate code × period
        // A warning only: credit code registered in another division (still accepted).
        var moved = Array(rows[14][0].utf8.prefix(17))
        moved.replaceSubrange(2..<8, with: Array("320302".utf8))
        rows[14][0] = String(decoding: moved + [CreditCode.checkCharacter(for: moved)], as: UTF8.self)
        let header = Self.writtenFields.map { $0.header(.zh) }
        return ([header] + rows).map(Self.csvLine).joined(separator: "\n") + "\n"
    }

    /// Makes a data set's folders and writes its zones.csv and targets.csv; returns how to write a file in it.
    static func startDataSet(in directory: String) throws -> (_ path: String, _ text: String) throws -> Void {
        for sub in ["regional", "returns"] {
            try FileManager.default.createDirectory(atPath: (directory as NSString).appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let put = { (path: String, text: String) throws in
            try Data(text.utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent(path)))
        }
        try put("zones.csv", zonesCSV)
        try put("targets.csv", targetsCSV)
        return put
    }

    /// A data set of `rows` returns over 2023–2025 in the three demo zones (for tests and benchmarks), written
    /// to `directory` as zones.csv, targets.csv, regional/ and returns/returns-YYYY.csv, in plain UTF-8.
    public func write(rows: Int, to directory: String) throws {
        var rng = SplitMix64(seed: seed)
        let fm = FileManager.default
        let put = try Self.startDataSet(in: directory)
        // Agencies per zone in the ratio of the demo (25 : 150 : 100), a third of the rows per year; the same
        // agencies report every year, and fresh ones are added when a year needs more rows than there are agencies.
        let rows = max(1, rows)         // (the command refuses fewer than 1; a caller of the library gets one)
        let perYear = rows / 3          // 2023 and 2024 get a third each, 2025 the rest (1 row: 0, 0, 1)
        let total = Self.zoneModels.reduce(0) { $0 + $1.agencies2025 }
        var serial = 0
        var agencies: [Agency] = []
        for (z, model) in Self.zoneModels.enumerated() {
            agencies += Self.makeAgencies(count: max(1, perYear * model.agencies2025 / total), zone: z, rng: &rng, serial: &serial)
        }
        var written = 0
        var regional = ["zone,period,indicator,value,source"]
        let header = Self.csvLine(Self.writtenFields.map(\.id)) + "\n"
        for (y, year) in (2023...2025).enumerated() {
            let target = y == 2 ? rows - written : perYear
            while agencies.count < target {
                agencies += Self.makeAgencies(count: 1, zone: agencies.count % 3, rng: &rng, serial: &serial)
            }
            let path = (directory as NSString).appendingPathComponent("returns/returns-\(year).csv")
            guard fm.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw FileReadError(path: path, reason: "cannot create")
            }
            var buffer: [UInt8] = Array(header.utf8)
            buffer.reserveCapacity(1 << 21)
            var local = [Int](repeating: 0, count: 3), tmLocal = [Int](repeating: 0, count: 3)
            for a in agencies.prefix(target) {
                let row = Self.returnRow(a, year: year, rng: &rng)
                local[a.zone] += Int(row[25]) ?? 0
                tmLocal[a.zone] += Int(row[29]) ?? 0
                buffer += Self.csvLine(row).utf8
                buffer.append(0x0A)
                if buffer.count > 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
            }
            handle.write(Data(buffer))
            try handle.close()
            written += target
            for z in 0..<3 {
                regional += Self.regionalRows(zone: z, year: year, localPatents: local[z], localTrademarks: tmLocal[z], rng: &rng).map(Self.csvLine)
            }
        }
        try put("regional/regional.csv", regional.joined(separator: "\n") + "\n")
    }
}
