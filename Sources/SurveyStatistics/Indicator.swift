import Foundation
import SurveyCore

/// How an indicator's value is expressed and printed.
public enum ValueKind: String, Sendable {
    /// 万元, exact (printed with 2 decimals).
    case money
    /// A whole number (agencies, persons, filings).
    case count
    /// A fraction (0.8523 = 85.23 %), printed with 4 decimals.
    case ratio
    /// 万元 per agency or per person.
    case moneyRatio
    /// A decimal figure as reported (regional statistics: growth in %, counts of platforms).
    case number
}

/// Where an indicator's figures come from.
public enum IndicatorSource: String, Sendable { case returns, regional }

/// How an indicator is computed over a group of returns (and the regional figures of the group's zones).
public enum Computation: Sendable, Hashable {
    /// Distinct agencies with an accepted return.
    case agencies
    /// Agencies with brand level provincial or national.
    case brandAgencies
    /// Agencies the province designates so (`Choices.provinceDesignation`); no data when no return says.
    case designated(String)
    /// Agencies with revenue ≥ the threshold (yuan).
    case agenciesWithRevenueAtLeast(Int64)
    /// Σ of a money or count field over the agencies that reported it.
    case sum(String)
    /// Σ numerator ÷ Σ denominator over agencies that reported both.
    case fieldRatio(numerator: String, denominator: String)
    /// Σ field ÷ number of agencies that reported it.
    case average(String)
    /// Σ numerator field ÷ Σ regional figure of the group's zones.
    case regionalRatio(numerator: String, regional: String)
    /// Σ of a regional figure over the group's zones.
    case regional(String)
    /// (total this period − total a year earlier) ÷ total a year earlier, for a flow indicator.
    case growth(of: String)
    /// The same, only over agencies that reported the field in both periods (同口径).
    case sameSampleGrowth(field: String)
    /// Share of the five largest agencies in Σ revenue.
    case concentrationTop5
    /// Herfindahl–Hirschman index of revenue shares (Σ share², 0–1).
    case herfindahl
}

/// One indicator of the catalogue: id, names, unit, definition and formula in both languages.
public struct Indicator: Sendable {
    public let id: String
    public let name: Bilingual
    public let unit: Bilingual
    public let kind: ValueKind
    public let definition: Bilingual
    public let formula: String
    /// What a ratio or average is divided by, stated in words.
    public let denominator: Bilingual?
    public let source: IndicatorSource
    /// A flow (营业收入, filings in a period) rather than a stock (staff at the end of it).
    public let isFlow: Bool
    /// The money field whose contributing agencies decide whether a cell must be suppressed (保密); nil = never.
    public let protectedBy: String?
    public let computation: Computation
}

extension Indicator {
    /// What would measure the indicator, for a target that has no data yet: the regional file's indicator, or the
    /// fields of the return form.
    public var measuredBy: Bilingual {
        switch source {
        case .regional: return Bilingual("区域统计文件中的 \(id)", "\(id) in the regional file")
        case .returns:
            var fields = Array(self.fields).sorted()
            if case .designated = computation { fields = ["province_designation"] }
            let list = fields.isEmpty ? "" : "（\(fields.joined(separator: ", "))）"
            return Bilingual("调查表\(list)", "returns" + (fields.isEmpty ? "" : " (\(fields.joined(separator: ", ")))"))
        }
    }

    /// The number fields of a return this indicator reads (its computation's and the one protecting it),
    /// so a request reads only those columns.
    public var fields: Set<String> {
        var out: Set<String> = protectedBy.map { [$0] } ?? []
        switch computation {
        case .agencies, .brandAgencies, .designated, .regional: break
        case .agenciesWithRevenueAtLeast, .concentrationTop5, .herfindahl: out.insert("revenue")
        case .sum(let f), .average(let f), .sameSampleGrowth(let f), .regionalRatio(let f, _): out.insert(f)
        case .fieldRatio(let n, let d): out.formUnion([n, d])
        case .growth(let base): if let b = Catalogue.indicator(base) { out.formUnion(b.fields) }
        }
        return out
    }

    /// Whether the indicator's own group must pass a rule beyond its base cell's status (`Aggregation.localStatus`).
    public var hasLocalRule: Bool {
        switch computation { case .concentrationTop5, .sameSampleGrowth: true; default: false }
    }

    /// Whether the indicator compares with the same period a year earlier.
    public var needsPreviousYear: Bool {
        switch computation { case .growth, .sameSampleGrowth: true; default: false }
    }
}
