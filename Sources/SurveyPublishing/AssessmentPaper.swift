import Foundation
import SurveyCore
import SurveyStatistics

/// The end-of-term assessment of a zone's plan (期满考核): every target at its deadline or as far as the figures
/// go, met or not, with the evidence; rendered from `assessment.html` / `en/assessment.html` and `assessment.xml`,
/// the XML checked against `assessment.xsd`.
public enum AssessmentPaper {
    /// A release the figures come from.
    public struct Release: Sendable {
        public let period: String, asOf: String, asOfText: String, digest: String
        public let cells: Int, hidden: Int
        public init(period: String, asOf: String, asOfText: String, digest: String, cells: Int, hidden: Int) {
            self.period = period; self.asOf = asOf; self.asOfText = asOfText; self.digest = digest; self.cells = cells; self.hidden = hidden
        }
    }

    /// An archived file the figures come from.
    public struct File: Sendable {
        public let name: String, kind: String, sha256: String, receivedAt: String, receivedAtText: String
        /// The zone's current returns in it for the years judged by (returns files).
        public let returns: Int?
        public init(name: String, kind: String, sha256: String, receivedAt: String, receivedAtText: String, returns: Int?) {
            self.name = name; self.kind = kind; self.sha256 = sha256; self.receivedAt = receivedAt; self.receivedAtText = receivedAtText; self.returns = returns
        }
    }

    /// What one target's figure rests on.
    public struct Evidence: Sendable {
        public struct Figure: Sendable {
            public let indicator: String, period: String, source: String
            public init(indicator: String, period: String, source: String) { self.indicator = indicator; self.period = period; self.source = source }
        }
        /// The zone's current returns of the year, when the figure comes from returns.
        public let returns: Int?
        /// The zone's current returns of the year before, for a growth rate.
        public let previousReturns: Int?
        public let year: Int
        /// Regional figures used (the base year's too), with the source the regional file gives.
        public let regional: [Figure]
        public init(returns: Int?, previousReturns: Int?, year: Int, regional: [Figure]) {
            self.returns = returns; self.previousReturns = previousReturns; self.year = year; self.regional = regional
        }
    }

    public struct Input: Sendable {
        public let zone: Zone
        public let language: Language
        public let asOf: String, asOfText: String, date: String
        public let latestYear: Int
        public let targets: [AssessedTarget]
        public let confidentiality: [ConfStatus]
        public let evidence: [Evidence]
        public let releases: [Release]
        public let files: [File]
        public let rules: AssessmentRules?
        public let texts: [(name: String, sha256: String)]
        public let templates: [(name: String, sha256: String)]
        public let toolVersion: String
        public let options: [(name: String, value: String)]

        public init(zone: Zone, language: Language, asOf: String, asOfText: String, date: String, latestYear: Int, targets: [AssessedTarget],
                    confidentiality: [ConfStatus], evidence: [Evidence], releases: [Release], files: [File], rules: AssessmentRules?,
                    texts: [(name: String, sha256: String)], templates: [(name: String, sha256: String)], toolVersion: String,
                    options: [(name: String, value: String)]) {
            self.zone = zone; self.language = language; self.asOf = asOf; self.asOfText = asOfText; self.date = date; self.latestYear = latestYear
            self.targets = targets; self.confidentiality = confidentiality; self.evidence = evidence; self.releases = releases; self.files = files
            self.rules = rules; self.texts = texts; self.templates = templates; self.toolVersion = toolVersion; self.options = options
        }
    }

    public struct Output: Sendable {
        public let html: String
        public let xml: String
        public let view: AssessmentView
    }

    public static func htmlTemplate(_ language: Language) -> String { language == .zh ? "assessment.html" : "en/assessment.html" }
    public static let xmlTemplate = "assessment.xml"
    public static let schemaFile = "assessment.xsd"

    public static func render(_ input: Input, templates: TemplateSet) throws -> Output {
        let view = AssessmentView(input)
        let (html, xml, _) = try templates.publish(html: htmlTemplate(input.language), xml: xmlTemplate, schema: schemaFile, model: view)
        return Output(html: html, xml: xml, view: view)
    }
}

/// The assessment as the templates see it: every text formatted, in the paper's language.
public struct AssessmentView: Sendable, Decodable {
    public struct Target: Sendable, Decodable {
        public let row: TargetView
        public let indicatorID: String
        public let op: String
        public let target: String
        public let year: String
        /// final (期末: the deadline year's figures) | interim (期中: an earlier year's).
        public let stageID: String
        public let stage: String
        public let statusID: String
        public let status: String
        public let hasActual: Bool
        public let actual: String
        public let hasProgress: Bool
        public let progress: String
        public let deadlinePassed: Bool
        /// What the figure rests on, in words.
        public let evidence: String
        public let note: String
        public let hasNote: Bool
    }

    public struct Count: Sendable, Decodable {
        public let statusID: String
        public let status: String
        public let count: String
    }

    public struct Release: Sendable, Decodable {
        public let period: String, asOf: String, asOfText: String, digest: String, cells: String, hidden: String
    }

    public struct File: Sendable, Decodable {
        public let name: String
        public let nameBreakable: Markup
        public let kind: String
        public let kindID: String
        public let sha256: String
        public let receivedAt: String
        public let receivedAtText: String
        public let returns: String
        public let hasReturns: Bool
    }

    public let lang: String
    public let title: String
    public let runningHead: Markup
    public let zoneID: String
    public let zoneName: String
    public let plan: String
    public let planPeriod: String
    public let asOf: String
    public let asOfText: String
    public let date: String
    public let latestYear: String
    public let targets: [Target]
    public let hasTargets: Bool
    public let counts: [Count]
    public let total: String
    public let finalCount: String
    public let interimCount: String
    public let hasProposal: Bool
    /// The grade proposed by the office's rule, and the share of targets met.
    public let proposal: String
    public let proposalID: String
    public let metShare: String
    /// The same share as a fraction with 4 decimals (the XML).
    public let metShareValue: String
    /// Why no grade is proposed (no rule, or the term's figures are not all in).
    public let noProposal: String
    public let rule: String
    public let releases: [Release]
    public let files: [File]
    public let provenance: ProvenanceView

    init(_ input: AssessmentPaper.Input) {
        let language = input.language, zh = language == .zh
        func t(_ a: String, _ b: String) -> String { zh ? a : b }
        let format = NumberFormat(language)
        let text = TargetText(format: format, language: language)
        lang = language.rawValue
        zoneID = input.zone.id
        zoneName = input.zone.name[language]
        title = zh ? "\(zoneName)知识产权服务业集聚区建设方案目标完成情况评估（期满考核）" : "\(zoneName): end-of-term assessment of the cluster zone plan's targets"
        runningHead = Markup(WhitePaperBuilder.cssString(title))
        let document = zh || input.zone.planDocumentEn.isEmpty ? input.zone.planDocument : input.zone.planDocumentEn
        plan = WhitePaperBuilder.cited(document, zh: zh)
        planPeriod = "\(input.zone.planStart)—\(input.zone.planEnd)"
        asOf = input.asOf
        asOfText = input.asOfText
        date = input.date
        latestYear = "\(input.latestYear)"
        var rows: [Target] = []
        for (i, a) in input.targets.enumerated() {
            let conf = input.confidentiality[i], hidden = conf != .free
            let r = a.result
            let e = input.evidence[i]
            var parts: [String] = []
            if let n = e.returns {
                parts.append(zh ? "\(e.year)年本区有效调查表\(n)份（\(e.year)年公布数据集）" : "\(n) current returns of the zone for \(e.year) (the \(e.year) release)")
            }
            if let n = e.previousReturns {
                parts.append(zh ? "\(e.year - 1)年\(n)份（\(e.year - 1)年公布数据集，计算增速）" : "\(n) for \(e.year - 1) (the \(e.year - 1) release, for the growth)")
            }
            for f in e.regional {
                let name = Catalogue.indicator(f.indicator)?.name[language] ?? f.indicator
                parts.append(zh ? "区域统计文件：\(f.period)年\(name)，来源：\(f.source.isEmpty ? "未注明" : f.source)"
                                : "regional file: \(name) \(f.period), source: \(f.source.isEmpty ? "not stated" : f.source)")
            }
            var note = ""
            if !a.isFinal {
                note = a.deadlinePassed
                    ? t("期限已过，\(r.target.deadline.year)年数据尚未入库，暂按\(a.year)年数据评估", "the deadline has passed but the \(r.target.deadline.year) figures are not in the archive yet; read from \(a.year)")
                    : t("期限未到，按\(a.year)年数据评估序时进度", "before the deadline: progress against the plan period, from \(a.year)")
            }
            let status = hidden ? t("数据保密", "confidential") : a.status.name[language]
            let kind = r.indicator?.kind ?? .number
            rows.append(Target(
                row: text.view(r, conf: conf), indicatorID: r.target.indicator, op: r.target.op.description,
                target: NSDecimalNumber(decimal: r.target.value).stringValue, year: "\(a.year)",
                stageID: a.isFinal ? "final" : "interim", stage: a.isFinal ? t("期末", "final") : t("期中", "interim"),
                statusID: hidden ? "confidential" : a.status.rawValue, status: status,
                hasActual: !hidden && r.actual != nil, actual: hidden ? "" : (r.actual.map { NumberFormat.machine($0, kind) } ?? ""),
                hasProgress: !hidden && r.progress != nil, progress: hidden ? "" : (r.progress.map { $0.fixed(4) } ?? ""),
                deadlinePassed: a.deadlinePassed, evidence: parts.joined(separator: zh ? "；" : "; "), note: note, hasNote: !note.isEmpty))
        }
        targets = rows
        hasTargets = !rows.isEmpty
        counts = AssessmentStatus.counts(input.targets, confidentiality: input.confidentiality).map { c in
            Count(statusID: c.id, status: AssessmentStatus(rawValue: c.id)?.name[language] ?? t("数据保密", "confidential"), count: "\(c.targets)")
        }
        total = "\(rows.count)"
        finalCount = "\(input.targets.filter(\.isFinal).count)"
        interimCount = "\(input.targets.filter { !$0.isFinal }.count)"
        if let rules = input.rules {
            rule = zh ? "集聚区办公室的建议规则（input/assessment.txt）：期末已完成的目标占全部目标的比例不低于\(format.percent(rules.excellent))的建议为“优秀”，不低于\(format.percent(rules.pass))的建议为“合格”，其余建议为“不合格”。"
                      : "The office's rule for proposing a grade (input/assessment.txt): “excellent” when at least \(format.percent(rules.excellent)) of the targets are met at their deadline, “pass” when at least \(format.percent(rules.pass)), otherwise “fail”."
            if let p = rules.propose(input.targets) {
                hasProposal = true
                proposal = p.grade[language]
                proposalID = p.grade.en
                metShare = format.percent(p.share)
                metShareValue = p.share.fixed(4)
                noProposal = ""
            } else {
                hasProposal = false; proposal = ""; proposalID = ""; metShare = ""; metShareValue = ""
                noProposal = t("尚有目标未按期限年度的数据评估（期中），不提出等次建议。", "Some targets are not yet judged by their deadline year's figures (interim): no grade is proposed.")
            }
        } else {
            rule = ""
            hasProposal = false; proposal = ""; proposalID = ""; metShare = ""; metShareValue = ""
            noProposal = t("考核等次（优秀、合格、不合格）由省知识产权局评定；方案和苏知发〔2017〕139号均未规定按目标完成比例划分等次的标准，集聚区办公室也未提供建议规则（input/assessment.txt），本报告不提出等次。",
                           "The grade (excellent, pass, fail) is the provincial IP office's decision; neither the plan nor 苏知发〔2017〕139号 sets thresholds by the targets met, and the office has given no rule for proposing one (input/assessment.txt), so this report proposes none.")
        }
        releases = input.releases.map {
            Release(period: $0.period, asOf: $0.asOf, asOfText: $0.asOfText, digest: $0.digest, cells: "\($0.cells)", hidden: "\($0.hidden)")
        }
        files = input.files.map {
            File(name: $0.name, nameBreakable: .breakable($0.name, after: ["/"]), kind: FileKind(rawValue: $0.kind)?.name[language] ?? $0.kind, kindID: $0.kind, sha256: $0.sha256,
                 receivedAt: $0.receivedAt, receivedAtText: $0.receivedAtText, returns: $0.returns.map { "\($0)" } ?? "", hasReturns: $0.returns != nil)
        }
        provenance = ProvenanceView(tool: "ipsurvey", version: input.toolVersion, asOf: input.asOf,
                                    options: input.options.map { OptionView(name: $0.name, value: $0.value) },
                                    inputs: input.files.map { HashView(name: $0.name, sha256: $0.sha256, detail: $0.receivedAt) },
                                    templates: input.templates.map { HashView(name: $0.name, sha256: $0.sha256, detail: "") },
                                    texts: input.texts.map { HashView(name: $0.name, sha256: $0.sha256, detail: "") }, hasTexts: !input.texts.isEmpty)
    }
}
