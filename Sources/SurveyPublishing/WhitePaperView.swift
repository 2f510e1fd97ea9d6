import Foundation
import SurveyCore

// The view model of the white paper: what the templates may name. Every value is text already formatted (or a
// list, a flag, or `Markup` our code drew), because swift-mustache reads stored properties through `Mirror` and
// prints numbers its own way. The types are `Decodable` only so the template lint can build a skeleton of them.

/// Markup made by our code — the SVG charts, and the commentary's Markdown rendered from escaped source — the only
/// thing a template may print unescaped (`{{{…}}}`). Every text inside it was escaped when it was made.
public struct Markup: Sendable, Decodable, CustomStringConvertible {
    public let html: String
    public init(_ html: String) { self.html = html }
    public init(from decoder: Decoder) throws { html = try decoder.singleValueContainer().decode(String.self) }
    public var description: String { html }
}

extension Markup {
    /// Text escaped for HTML with a line-break opportunity (`<wbr>`) after each of `after`.
    public static func breakable(_ text: String, after: Set<Character>) -> Markup {
        var out = ""
        for c in text {
            out += SVGChart.escape(String(c))
            if after.contains(c) { out += "<wbr>" }
        }
        return Markup(out)
    }
}

/// One published figure: its text (`—` when confidential, `…` when there is no data), a CSS class, and its
/// confidentiality code.
public struct FigureView: Sendable, Decodable {
    public let text: String
    /// `conf` (suppressed), `nodata`, `up`, `down` or empty.
    public let cls: String
    public let conf: String
    public let suppressed: Bool
    /// The figure as a sentence says it: a change in words (增长13.1%, 下降3.2%, 提高1.2个百分点, 持平; up 13.1%),
    /// where `text` has the table's sign (+13.1%); the same as `text` for any other figure.
    public let phrase: String

    /// The figure without its unit, for a sentence that names what is counted (`96,461 patent applications`).
    public let number: String

    public init(text: String, cls: String, conf: String, suppressed: Bool, phrase: String? = nil, number: String? = nil) {
        self.text = text; self.cls = cls; self.conf = conf; self.suppressed = suppressed; self.phrase = phrase ?? text
        self.number = number ?? text
    }
}

/// A key figure on the first page.
public struct KeyFigureView: Sendable, Decodable {
    public let label: String
    public let value: FigureView
    public let change: FigureView
    public let changeLabel: String
}

/// A row of a table: a label and its cells.
public struct RowView: Sendable, Decodable {
    public let label: String
    public let cells: [FigureView]
    public let total: Bool
}

/// A table: column headers (with units) and rows.
public struct TableView: Sendable, Decodable {
    public let caption: String
    public let corner: String
    public let headers: [HeaderView]
    public let rows: [RowView]
    /// Seven or more columns besides the row labels: set smaller so that the table stays inside the page (CSS class `wide`).
    public let wide: Bool
    /// What a "—" or "…" in the table means, printed under it (empty when it has neither).
    public let note: String
    public let hasNote: Bool
    public init(caption: String, corner: String, headers: [HeaderView], rows: [RowView], language: Language = .zh) {
        self.caption = caption; self.corner = corner; self.headers = headers; self.rows = rows; self.wide = headers.count >= 7
        let texts = Set(rows.flatMap { $0.cells.map(\.text) })
        var notes: [String] = []
        if texts.contains(NumberFormat.suppressed) {
            notes.append(language == .zh ? "“—”：数据保密（填报机构少于3家或单家机构占比过高，或可据以推算此类数据）。"
                                         : "“—”: confidential (fewer than three agencies, one agency dominant, or it would reveal such a figure).")
        }
        if texts.contains(NumberFormat.noData) {
            notes.append(language == .zh ? "“…”：无数据（机构未填报该项，或上年无可比数据）。"
                                         : "“…”: no data (not reported, or no figure for the year before to compare with).")
        }
        note = notes.joined(separator: language == .zh ? "" : " ")
        hasNote = !notes.isEmpty
    }
}

/// A column header: its label and its unit, apart, so that a unit never wraps (`营业收入` + `（万元）`).
public struct HeaderView: Sendable, Decodable {
    public let label: String
    /// With its brackets (`（万元）`, ` (%)`), or empty.
    public let unit: String
    public init(label: String, unit: String) { self.label = label; self.unit = unit }
}

/// A chart: a title, the SVG, and the same data as text (the fallback for screen readers and plain text).
public struct ChartView: Sendable, Decodable {
    public let id: String
    public let title: String
    public let svg: Markup
    public let note: String
    public let points: [ChartPointView]
}

public struct ChartPointView: Sendable, Decodable {
    public let label: String
    public let value: String
}

/// One target of a zone plan, evaluated.
public struct TargetView: Sendable, Decodable {
    public let indicator: String
    public let goal: String
    public let actual: String
    public let progress: String
    /// Width of the progress bar in percent (0–100), for CSS.
    public let bar: String
    public let status: String
    /// met | on_track | behind | no_data (CSS class).
    public let statusID: String
    public let deadline: String
    public let source: String
    /// The plan's own words for this target.
    public let quote: String
}

public struct TargetZoneView: Sendable, Decodable {
    public let name: String
    /// The plan as cited (《title》（文号）), or for the province's goals what the columns mean.
    public let plan: String
    /// The plan period (`2025-01-01—2027-12-31`), empty for the province's goals.
    public let period: String
    public let hasPeriod: Bool
    public let targets: [TargetView]
}

/// One line of the methodology appendix, from the indicator catalogue.
public struct MethodView: Sendable, Decodable {
    public let id: String
    /// The id, escaped, with a line-break opportunity after each `_`: a code name breaks between its words, never
    /// inside one (`revenue_growth_same_sample`).
    public var idBreakable = Markup("")
    public let name: String
    public let unit: String
    public let definition: String
    public let formula: String
    public let denominator: String
}

public struct NoteView: Sendable, Decodable {
    public let sign: String
    public let text: String
}

/// One archived file in the data-quality section.
public struct FileView: Sendable, Decodable {
    public let name: String
    /// The file name, escaped, with a line-break opportunity after each `/` (never inside a folder's name).
    public var nameBreakable = Markup("")
    public let kind: String
    public let encoding: String
    public let receivedAt: String
    public let rows: String
    public let accepted: String
    public let rejected: String
    public let warnings: String
}

public struct FindingCountView: Sendable, Decodable {
    public let code: String
    /// What the rule checks, in words (Rulebook.describe), for readers who do not read codes.
    public let rule: String
    public let severity: String
    /// error | warning
    public let severityID: String
    public let count: String
    /// The count without separators (XML).
    public let number: String
}

public struct QualityView: Sendable, Decodable {
    public let files: [FileView]
    public let fileCount: String
    public let rows: String
    public let accepted: String
    public let rejected: String
    public let warnings: String
    /// The totals without separators (XML).
    public let rowsValue: String
    public let acceptedValue: String
    public let rejectedValue: String
    public let warningsValue: String
    public let findings: [FindingCountView]
    /// The response rate (回收率): agencies that filed for the year before, how many of them filed for this year,
    /// and how many filed for the first time. Counts of agencies, not figures of one.
    public var hasResponse = false
    public var expected = ""
    public var received = ""
    public var newFilers = ""
    public var responseRate = ""
    public var lastYear = ""
}

public struct HashView: Sendable, Decodable {
    public let name: String
    public let sha256: String
    public let detail: String
    /// The name, escaped, with a line-break opportunity after each `/`.
    public let nameBreakable: Markup
    public init(name: String, sha256: String, detail: String) {
        self.name = name; self.sha256 = sha256; self.detail = detail; nameBreakable = .breakable(name, after: ["/"])
    }
}

public struct OptionView: Sendable, Decodable {
    public let name: String
    public let value: String
}

public struct ProvenanceView: Sendable, Decodable {
    public let tool: String
    public let version: String
    public let asOf: String
    public let options: [OptionView]
    public let inputs: [HashView]
    public let templates: [HashView]
    /// The settings and commentary files of input/publication/.
    public let texts: [HashView]
    public var hasTexts: Bool = false
}

public struct AgencyView: Sendable, Decodable {
    public let zone: String
    public let brandID: String
    public let name: String
    public let hasBrand: Bool
    public let brand: String
    /// The agency's grade (分级评价) when the office grades agencies: its code and name, never its score.
    public let hasGrade: Bool
    public let gradeID: String
    public let grade: String
}

/// The charts of the report, by name.
public struct ChartsView: Sendable, Decodable {
    public let trend: ChartView
    public let business: ChartView
    public let kinds: ChartView
    public let zones: ChartView
    public let rate: ChartView
}

public struct DirectoryZoneView: Sendable, Decodable {
    public let name: String
    public let count: String
    /// Every agency by name, when the paper lists them (`DirectoryListingView.listed`); else none.
    public let agencies: [AgencyView]
    /// The zone's agencies counted by brand level (always given; the paper prints it when the names are not listed).
    public let brands: [BrandCountView]
}

public struct BrandCountView: Sendable, Decodable {
    public let brandID: String
    public let brand: String
    public let count: String
}

/// Whether the printed paper lists the agencies by name: up to `ReportContext.directoryLimit` of them it does; a
/// national-scale year (100,000 agencies would be thousands of pages) gets counts by zone and brand level, and the
/// full list goes to a file of its own (`file`), named in the appendix and the methodology (`rule`).
public struct DirectoryListingView: Sendable, Decodable {
    public let listed: Bool
    public let total: String
    /// The total as a plain number (for the XML).
    public let totalValue: String
    public let limit: String
    public let file: String
    public let rule: String
}

/// One figure of the XML white paper: where it belongs and its machine value (empty when suppressed or missing).
public struct XMLFigureView: Sendable, Decodable {
    public let table: String
    public let zone: String
    public let period: String
    public let indicator: String
    public let unit: String
    public let hasDimension: Bool
    public let dimension: String
    public let category: String
    public let hasValue: Bool
    public let value: String
    public let conf: String
}

public struct XMLTargetView: Sendable, Decodable {
    public let zone: String
    public let indicator: String
    public let op: String
    public let target: String
    public let hasActual: Bool
    public let actual: String
    public let hasProgress: Bool
    public let progress: String
    public let status: String
    public let deadline: String
    public let source: String
    public let quote: String
}

public struct ZoneView: Sendable, Decodable {
    public let id: String
    public let name: String
    public let nameZh: String
    public let nameEn: String
    public let level: String
    public let divisionCode: String
    public let plan: String
    /// The plan as a sentence cites it: a title in title marks (《…》), a document number as it is.
    public let planCited: String
    public let planPeriod: String
}

/// Text that changes with the data in the overview (each a formatted figure).
public struct OverviewView: Sendable, Decodable {
    public let agencies: FigureView
    public let agenciesChange: FigureView
    public let brandAgencies: FigureView
    public let aboveScale: FigureView
    public let staff: FigureView
    public let staffChange: FigureView
    public let degreeShare: FigureView
    public let patentAttorneys: FigureView
    public let newHires: FigureView
    public let revenue: FigureView
    public let revenueGrowth: FigureView
    public let revenueGrowthSameSample: FigureView
    public let avgRevenue: FigureView
    public let revenuePerStaff: FigureView
    public let foreignRevenue: FigureView
    public let cr5: FigureView
    public let hhi: FigureView
    public let patentFilings: FigureView
    public let patentFilingsGrowth: FigureView
    public let patentFilingsLocal: FigureView
    public let inventionFilings: FigureView
    public let pctFilings: FigureView
    public let trademarkFilings: FigureView
    public let trademarkFilingsGrowth: FigureView
    public let patentAgencyRate: FigureView
    public let patentAgencyRateChange: FigureView
    public let trademarkAgencyRate: FigureView
    public let patentApplications: FigureView
    public let trademarkApplications: FigureView
    public let pledgeFinancing: FigureView
    public let pledgeFinancingGrowth: FigureView
    public let pledgeDeals: FigureView
    public let transactionValue: FigureView
    public let transactionValueGrowth: FigureView
    public let clients: FigureView
    public let clientsGrowth: FigureView
    public let clientsHightech: FigureView
    public let hightechShare: FigureView
    public let abnormalNotified: FigureView
    public let abnormalWithdrawalRate: FigureView
}

/// The whole white paper.
public struct WhitePaperView: Sendable, Decodable {
    /// `zh-CN` or `en` (the HTML `lang`).
    public let lang: String
    public let title: String
    /// From input/publication/settings.txt: the issuing body and the contact line (empty when not set), and the
    /// publication date as people read it (`2026年3月31日`; empty when not set).
    public let issuer: String
    public let contact: String
    public let publicationDate: String
    public let hasIssuer: Bool
    public let hasContact: Bool
    public let hasPublicationDate: Bool
    /// The running head of every printed page but the cover: the title as a CSS string (`@page` margin box).
    public let runningHead: Markup
    public let commentary: CommentaryView
    public let subtitle: String
    public let year: String
    public let lastYear: String
    /// Whether the year before has returns: when not, there is no 同比 and the text says so.
    public let hasLastYear: Bool
    public let date: String
    /// The archive state the figures answer for: ISO 8601 (XML) and as a civil date and time (HTML).
    public let asOf: String
    public let asOfText: String
    public let scope: String
    public let zoneCount: String
    public let zones: [ZoneView]
    public let keyFigures: [KeyFigureView]
    public let overview: OverviewView
    public let kindTable: TableView
    public let businessTable: TableView
    public let businessTypeTable: TableView
    public let zoneBusinessTable: TableView
    public let brandTable: TableView
    public let agencyTable: TableView
    public let financeTable: TableView
    public let innovatorTable: TableView
    public let zoneTable: TableView
    public let trendTable: TableView
    public let charts: ChartsView
    public let targetZones: [TargetZoneView]
    public let hasTargets: Bool
    public let methodology: [MethodView]
    public let disclosure: DisclosureView
    public let notes: [NoteView]
    public let quality: QualityView
    public let provenance: ProvenanceView
    public let directory: [DirectoryZoneView]
    public let directoryListing: DirectoryListingView
    /// The grading of the agencies listed, when the office grades them (input/grading.txt).
    public let grading: GradingView
    public let figures: [XMLFigureView]
    public let targets: [XMLTargetView]
}

/// The year's commentary (input/publication/commentary-YYYY.LANG.md), each section HTML made from escaped
/// Markdown; a section not written is absent and so is its heading.
public struct CommentaryView: Sendable, Decodable {
    public let foreword: Markup
    public let features: Markup
    public let outlook: Markup
    public let hasForeword: Bool
    public let hasFeatures: Bool
    public let hasOutlook: Bool
    public init(_ c: Publication.Commentary) {
        foreword = Markup(c.foreword); features = Markup(c.features); outlook = Markup(c.outlook)
        hasForeword = !c.foreword.isEmpty; hasFeatures = !c.features.isEmpty; hasOutlook = !c.outlook.isEmpty
    }
}

/// The disclosure rule and the audit of the release the paper prints.
public struct DisclosureView: Sendable, Decodable {
    public let rule: String
    public let audit: String
    public let period: String
    public let asOf: String
    public let digest: String
    public let cells: String
    public let hidden: String
    public let audited: String
    /// The narrowest protection found, a fraction with 4 decimals (empty when no cell needed protecting).
    public let narrowest: String
}
