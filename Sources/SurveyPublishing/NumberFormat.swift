import Foundation
import SurveyCore
import SurveyStatistics

/// Figures written the way a Chinese statistical report writes them (and the English equivalent): money in 万元
/// or 亿元 with thousands separators, percentages with one decimal, changes with a sign. Every figure is rounded
/// once, half away from zero, from the exact value Statistics computed.
public struct NumberFormat: Sendable {
    public let language: Language

    public init(_ language: Language) { self.language = language }

    var zh: Bool { language == .zh }

    /// `1234567.891` → `1,234,567.89` (grouping of the integer part, exactly `scale` decimals).
    public static func grouped(_ value: Decimal, scale: Int) -> String {
        let text = value.fixed(scale)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1)
        let integer = Array(parts[0])
        var out = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    /// Money given in 万元, with its unit: `8,765.43万元`, or `12.35亿元` from 1 亿元 (10,000 万元) up;
    /// in English `CNY 87.65 million`, `CNY 1.24 billion`.
    public func money(_ wan: Decimal) -> String { money(wan, large: isLarge([wan])) }

    /// Whether sums in one sentence are written in the large unit: one of them reaches 1 亿元 (CNY 1 billion).
    public func isLarge(_ wan: [Decimal]) -> Bool { wan.contains { abs($0) >= (zh ? 10_000 : 100_000) } }

    /// Money in 亿元 / CNY billion (`large`) or 万元 / CNY million, so that a sentence uses one unit for all its sums.
    public func money(_ wan: Decimal, large: Bool) -> String {
        if zh { return large ? Self.grouped(wan / 10_000, scale: 2) + "亿元" : Self.grouped(wan, scale: 2) + "万元" }
        let millions = wan / 100
        return large ? "CNY " + Self.grouped(millions / 1_000, scale: 2) + " billion" : "CNY " + Self.grouped(millions, scale: 2) + " million"
    }

    /// Money in a table column whose unit (万元) is in the header.
    public func moneyColumn(_ wan: Decimal) -> String { Self.grouped(wan, scale: 2) }

    /// A whole number with separators.
    public func count(_ value: Decimal) -> String { Self.grouped(value, scale: 0) }

    /// A fraction as a percentage with one decimal: `0.8523` → `85.2%`.
    public func percent(_ fraction: Decimal) -> String { Self.grouped(fraction * 100, scale: 1) + "%" }

    /// A relative change with its sign: `+12.3%`, `-4.5%`, `0.0%`.
    public func change(_ fraction: Decimal) -> String {
        let text = percent(fraction)
        return text.hasPrefix("-") || text == "0.0%" ? text : "+" + text
    }

    /// A relative change in words, for a sentence: `增长12.3%` / `下降4.5%` / `持平`; `up 12.3%` / `down 4.5%` / `unchanged`
    /// (no "+" inside prose, and no "增长-4.5%").
    public func changePhrase(_ fraction: Decimal) -> String {
        let text = percent(abs(fraction))
        if text == "0.0%" { return zh ? "持平" : "unchanged" }
        return fraction > 0 ? (zh ? "增长" : "up ") + text : (zh ? "下降" : "down ") + text
    }

    /// A difference in percentage points in words: `提高1.2个百分点` / `下降1.2个百分点` / `持平`; `up 1.2 pp` …
    public func pointsPhrase(_ difference: Decimal) -> String {
        let text = Self.grouped(abs(difference) * 100, scale: 1)
        if text == "0.0" { return zh ? "持平" : "unchanged" }
        return difference > 0 ? (zh ? "提高\(text)个百分点" : "up \(text) pp") : (zh ? "下降\(text)个百分点" : "down \(text) pp")
    }

    /// A difference of two fractions in percentage points: `+1.2个百分点`, `+1.2 pp`.
    public func points(_ difference: Decimal) -> String {
        var text = Self.grouped(difference * 100, scale: 1)
        if !text.hasPrefix("-") && text != "0.0" { text = "+" + text }
        return text + (zh ? "个百分点" : " pp")
    }

    /// A figure as the catalogue's kind says, without unit (for table columns with the unit in the header).
    public func plain(_ value: Decimal, _ kind: ValueKind) -> String {
        switch kind {
        case .money, .moneyRatio: moneyColumn(value)
        case .count: count(value)
        case .ratio: percent(value)
        case .number: Self.grouped(value, scale: value == value.rounded(0) ? 0 : 2)
        }
    }

    /// An English unit for one (`1 firm`, `1 agency`), else as it is (`2 firms`).
    static func english(_ unit: String, for value: Decimal) -> String {
        guard value == 1 || value == -1 else { return unit }
        if unit.hasSuffix("ies") { return String(unit.dropLast(3)) + "y" }
        if unit.hasSuffix("s") && !unit.hasSuffix("ss") { return String(unit.dropLast()) }
        return unit
    }

    /// A figure with its unit, for prose and key figures.
    public func withUnit(_ value: Decimal, _ indicator: Indicator) -> String {
        switch indicator.kind {
        case .money: money(value)
        case .moneyRatio: Self.grouped(value, scale: 2) + (zh ? indicator.unit.zh : " " + indicator.unit.en)
        case .count: count(value) + (zh ? indicator.unit.zh : " " + Self.english(indicator.unit.en, for: value))
        case .ratio: percent(value)
        case .number: plain(value, .number) + (zh ? indicator.unit.zh : " " + indicator.unit.en)
        }
    }

    /// The machine form of a figure (XML): money in 万元 with 2 decimals, ratios as fractions with 4, counts whole.
    public static func machine(_ value: Decimal, _ kind: ValueKind) -> String {
        switch kind {
        case .money, .moneyRatio: value.fixed(2)
        case .ratio: value.fixed(4)
        case .count: value.fixed(0)
        case .number: NSDecimalNumber(decimal: value.rounded(4)).stringValue
        }
    }

    /// A date as a reader writes it: `2026-03-31` → `2026年3月31日`, `31 March 2026`.
    public func date(_ iso: String) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return iso }
        if zh { return "\(parts[0])年\(parts[1])月\(parts[2])日" }
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(parts[2]) \(months[max(0, min(11, parts[1] - 1))]) \(parts[0])"
    }

    /// The sign of a confidential cell, and of a cell without data.
    public static let suppressed = "—"
    public static let noData = "…"
}
