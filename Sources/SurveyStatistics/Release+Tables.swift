import Foundation
import SurveyCore

/// A table or cell asked for that the release does not hold: a money figure over some but not all zones, or over
/// a breakdown outside the linked set. Published outputs refuse it and say what can be asked instead.
public struct OutsideRelease: Error, Sendable, CustomStringConvertible {
    public let message: Bilingual
    public var description: String { message.en }
}

extension Release {
    /// The group of the linked set that a table row stands for: `scope` is `*` (all zones) or one zone id, and
    /// the row's key gives the values of `dimensions`. Nil when the group is not in the set.
    public static func key(measure: String, dimensions: [Breakdown], row: [String], scope: String, period: Period) -> ReleaseKey? {
        var zone = scope, kind = ReleaseKey.all, brand = ReleaseKey.all, type = ReleaseKey.all
        for (d, value) in zip(dimensions, row) {
            switch d {
            case .zone: zone = value
            case .agency_kind: kind = value
            case .brand_level: brand = value
            case .business_type: type = value
            case .period: if value != period.description { return nil }
            }
        }
        if type != ReleaseKey.all && (kind != ReleaseKey.all || brand != ReleaseKey.all) { return nil }
        return ReleaseKey(measure: measure, zone: zone, kind: kind, brand: brand, businessType: type)
    }

    /// Whether a table of these breakdowns over `zones` (of the release's zones) is in the set: every zone,
    /// one zone, or any zones broken down by zone; business types alone or by zone.
    public func check(dimensions: [Breakdown], zones selected: [String]) throws -> String {
        let byZone = dimensions.contains(.zone)
        let scope: String
        if byZone || Set(selected) == Set(zones) || selected.isEmpty { scope = ReleaseKey.all }
        else if selected.count == 1 { scope = selected[0] }
        else {
            throw OutsideRelease(message: Bilingual(
                "保密：不公布部分集聚区（\(selected.joined(separator: "、"))）的合计金额，否则与全部集聚区的合计相减即可推算单家机构的数据。请分别查询每个集聚区，或加上 --by zone。",
                "confidential: money totals over some but not all zones (\(selected.joined(separator: ", "))) are not published — subtracted from the all-zone total they would reveal single agencies. Ask for each zone, or add --by zone."))
        }
        if dimensions.contains(.business_type) {
            throw OutsideRelease(message: Bilingual(
                "保密：不按业务类型公布金额（一家机构可有多种业务类型，合计减去某一类型即得其余机构的数据，尚未纳入保密处理）。机构数量、从业人员等计数可按业务类型查询；金额请按 zone、agency_kind、brand_level 查询，收入构成见 revenue_agency 等指标。",
                "confidential: money figures are not published by business type (an agency may have several types, and a total minus one type gives the other agencies' figure; not yet protected). Counts (agencies, staff …) may be asked by business type; ask money by zone, agency_kind or brand_level, and the revenue breakdown as revenue_agency etc."))
        }
        return scope
    }

    /// The status of `indicator` in the group `key` stands for (its measure is the indicator's protecting field):
    /// the base cell's, and for a growth rate the base cell's a year earlier too (from `previous`).
    public func status(of indicator: Indicator, at key: ReleaseKey, previous: Release?, hasValue: Bool) -> ConfStatus {
        guard let field = indicator.protectedBy else { return .free }
        let base = ReleaseKey(measure: field, zone: key.zone, kind: key.kind, brand: key.brand, businessType: key.businessType)
        var status = cell(base)?.status ?? .free
        if indicator.needsPreviousYear, status == .free, hasValue {
            // A growth rate of a cell hidden last year gives last year's cell back: hidden with it. Without last
            // year's release nothing is known of its pattern, so the rate is not published.
            guard let previous else { return .secondary }
            if let before = previous.cell(base), before.status != .free { status = .secondary }
        }
        return status
    }
}

extension StatTable {
    /// Gives every cell its status in the period's release (and, for growth rates, the previous period's):
    /// a figure derived from a hidden cell is hidden with it. `zones` are the zones the table covers. Throws
    /// `OutsideRelease` when a protected indicator is asked over a group the release does not hold.
    public mutating func protect(with release: Release, previous: Release?, zones: [String]) throws {
        let protected = indicators.contains { $0.protectedBy != nil }
        guard protected else { return }
        let scope = try release.check(dimensions: dimensions, zones: zones)
        for r in rows.indices {
            for (m, indicator) in indicators.enumerated() where indicator.protectedBy != nil {
                guard let key = Release.key(measure: indicator.protectedBy!, dimensions: dimensions, row: rows[r].key, scope: scope, period: release.period) else {
                    throw OutsideRelease(message: Bilingual("保密：该分组不在公布范围内", "confidential: this breakdown is not in the published set"))
                }
                var cell = rows[r].cells[m]
                let status = release.status(of: indicator, at: key, previous: previous, hasValue: cell.value != nil)
                cell.status = status != .free ? status : cell.localStatus
                rows[r].cells[m] = cell
            }
        }
    }
}
