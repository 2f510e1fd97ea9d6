import Foundation
import SurveyCore

/// How far a zone is from one of its plan's targets.
public enum TargetStatus: String, Sendable {
    case met, on_track, behind, no_data
    /// A provincial goal (zone `all`): what the zones contribute to it, never a zone's attainment.
    case contribution

    public var name: Bilingual {
        switch self {
        case .met: Bilingual("已完成", "met")
        case .on_track: Bilingual("进度正常", "on track")
        case .behind: Bilingual("滞后", "behind")
        case .no_data: Bilingual("无数据", "no data")
        case .contribution: Bilingual("贡献", "contribution")
        }
    }
}

/// One target evaluated for a year.
public struct TargetResult: Sendable {
    public let target: PlanTarget
    public let indicator: Indicator?
    /// The indicator's value for the zone and year.
    public let actual: Decimal?
    /// For `>=ref:X`: the value of X (percentages turned into fractions when compared with a ratio).
    public let reference: Decimal?
    /// actual ÷ target for "at least" targets (target ÷ actual for "at most"; the increase or growth so far ÷
    /// the one aimed at); nil when it has no meaning.
    public let progress: Decimal?
    /// The share of the plan period elapsed at the end of the year.
    public let elapsed: Decimal?
    public let status: TargetStatus
    /// For an increase or growth target: the indicator's value in the base year.
    public var base: Decimal? = nil
    /// For an increase target the increase since the base year; for a growth target the growth (a fraction).
    public var change: Decimal? = nil
    /// For an "about" target: (actual − target) ÷ target, the deviation shown beside it.
    public var deviation: Decimal? = nil
}

public enum TargetEvaluation {
    /// Evaluates targets for `year`. `data(zones)` gives the dataset of those zones for the year, each with the
    /// same regional figures (of every zone: a base year's figure is read from those of all, and a zone's dataset,
    /// its returns gathered, is made only for a figure no table has); zone `all` is every zone of `zones`. A target is on track when its progress is at least the elapsed share of the plan
    /// period (from the zone's plan start to the target's deadline) at `date` (default the end of `year`).
    public static func evaluate(_ targets: [PlanTarget], year: Int, zones: [Zone], at date: SimpleDate? = nil,
                                data: ([String]) -> Dataset) -> [TargetResult] {
        var cache: [[String]: Dataset] = [:]
        func dataset(_ ids: [String]) -> Dataset {
            if let d = cache[ids] { return d }
            let d = data(ids)
            cache[ids] = d
            return d
        }
        let all = zones.map(\.id)
        func subset(_ t: PlanTarget) -> [String] { t.zone == "all" ? all : [t.zone] }
        // Every indicator the targets read, in one pass over the returns of every zone: one table for the zones
        // together and one by zone, whose row of a zone is that zone's figure (a pass per target, and the
        // returns of each zone gathered apart, were a fifth of a national report).
        func wanted(together: Bool) -> [Indicator] {
            var ids: Set<String> = []
            for t in targets where (subset(t) == all) == together {
                ids.insert(t.indicator)
                if case .atLeastIndicator(let ref) = t.op { ids.insert(ref) }
            }
            return ids.sorted().compactMap(Catalogue.indicator)
        }
        var together: StatTable?, byZone: StatTable?
        func value(_ indicatorID: String, _ ids: [String]) -> Decimal? {
            guard let ind = Catalogue.indicator(indicatorID) else { return nil }
            let d = dataset(all)
            let key: [String]
            let table: StatTable
            if ids == all {
                if together == nil { together = StatTable(d, by: [], indicators: wanted(together: true)) }
                (key, table) = ([], together!)
            } else {
                if byZone == nil { byZone = StatTable(d, by: [.zone], indicators: wanted(together: false)) }
                (key, table) = (ids, byZone!)
            }
            if let cell = table.cell(indicatorID, key: key) { return cell.value }
            // No returns in the group (no row), or an indicator no target named: the group's own figure.
            let g = dataset(ids)
            return Aggregation.cell(ind, returns: g.returns, previous: g.previous, regional: g.regional, zones: Set(ids), period: g.period).value
        }
        return targets.map { t in
            let ids = subset(t)
            let indicator = Catalogue.indicator(t.indicator)
            let actual = value(t.indicator, ids)
            let starts = zones.filter { ids.contains($0.id) }.map(\.planStart)
            let elapsed: Decimal? = starts.min().flatMap { start -> Decimal? in
                guard let end = date ?? SimpleDate(year: year, month: 12, day: 31) else { return nil }
                let total = Decimal(max(1, t.deadline.dayNumber - start.dayNumber + 1))
                let done = Decimal(min(max(0, end.dayNumber - start.dayNumber + 1), t.deadline.dayNumber - start.dayNumber + 1))
                return done / total
            }
            guard let a = actual else {
                return TargetResult(target: t, indicator: indicator, actual: nil, reference: nil, progress: nil, elapsed: elapsed, status: .no_data)
            }
            // A province-wide goal: the zones' figure is their contribution to it (its share in `progress`).
            if t.zone == "all" {
                return TargetResult(target: t, indicator: indicator, actual: a, reference: nil, progress: t.value > 0 ? a / t.value : nil,
                                    elapsed: elapsed, status: .contribution)
            }
            switch t.op {
            case .atLeastIndicator(let ref):
                guard var r = value(ref, ids) else {
                    return TargetResult(target: t, indicator: indicator, actual: a, reference: nil, progress: nil, elapsed: elapsed, status: .no_data)
                }
                if Catalogue.indicator(ref)?.unit.zh == "%" && indicator?.kind == .ratio { r /= 100 }
                // `value` is a margin over the reference (0 when the row leaves it empty: 超过全省平均水平).
                return TargetResult(target: t, indicator: indicator, actual: a, reference: r, progress: nil, elapsed: elapsed,
                                    status: a >= r + t.value ? .met : .behind)
            case .atLeast, .above:
                let met = t.op == .atLeast ? a >= t.value : a > t.value
                let progress: Decimal? = t.value > 0 ? a / t.value : nil
                let status: TargetStatus = met ? .met : (progress != nil && elapsed != nil && progress! >= elapsed! ? .on_track : .behind)
                return TargetResult(target: t, indicator: indicator, actual: a, reference: nil, progress: progress, elapsed: elapsed, status: status)
            case .atMost, .below:
                let met = t.op == .atMost ? a <= t.value : a < t.value
                let progress: Decimal? = a > 0 ? t.value / a : nil
                return TargetResult(target: t, indicator: indicator, actual: a, reference: nil, progress: progress, elapsed: elapsed,
                                    status: met ? .met : .behind)
            case .about:
                // 左右: met within the tolerance around the value; below it, on track while the progress keeps
                // up with the plan period; above it the aim is reached all the same (the deviation is shown).
                guard t.value > 0 else { return noData(t, indicator, a, elapsed) }
                let tolerance = t.tolerance ?? PlanTarget.defaultTolerance
                let deviation = (a - t.value) / t.value
                let progress = a / t.value
                let status: TargetStatus = deviation >= -tolerance ? .met : (elapsed.map { progress >= $0 } == true ? .on_track : .behind)
                var r = TargetResult(target: t, indicator: indicator, actual: a, reference: nil, progress: progress, elapsed: elapsed, status: status)
                r.deviation = deviation
                return r
            case .increaseAtLeast, .growthAtLeast:
                // Measured from the base year's value, which the regional file records (no plan has an increase
                // or growth target on a figure from the returns; such a target has no data).
                guard let ind = indicator, ind.source == .regional, let year = t.baseYear,
                      let base = Aggregation.cell(ind, returns: [], previous: [], regional: dataset(all).regional, zones: Set(ids),
                                                  period: Period(year: year)).value else { return noData(t, indicator, a, elapsed) }
                let change: Decimal
                if t.op == .increaseAtLeast { change = a - base } else {
                    guard base > 0 else { return noData(t, indicator, a, elapsed) }
                    change = a / base - 1
                }
                let progress: Decimal? = t.value > 0 ? max(0, change) / t.value : nil
                let status: TargetStatus = change >= t.value ? .met : (progress != nil && elapsed != nil && progress! >= elapsed! ? .on_track : .behind)
                var r = TargetResult(target: t, indicator: indicator, actual: a, reference: nil, progress: progress, elapsed: elapsed, status: status)
                r.base = base
                r.change = change
                return r
            }
        }
    }
}

extension TargetEvaluation {
    static func noData(_ t: PlanTarget, _ indicator: Indicator?, _ actual: Decimal?, _ elapsed: Decimal?) -> TargetResult {
        TargetResult(target: t, indicator: indicator, actual: actual, reference: nil, progress: nil, elapsed: elapsed, status: .no_data)
    }

    /// Whether each result's actual value may be published: a target's actual is a cell of the release like any
    /// other (and so is the indicator a `>=ref:` target compares with), hidden where the release hides it.
    /// `zones` are the zones the output covers (all of the release's, or one); `data` is the year's dataset of
    /// every zone covered (for the rules a derived figure checks on its own group: `Dataset.localStatus`).
    public static func confidentiality(of results: [TargetResult], release: Release, previous: Release?, zones ids: [String],
                                       data: Dataset) -> [ConfStatus] {
        let scope = Set(ids) == Set(release.zones) ? ReleaseKey.all : (ids.count == 1 ? ids[0] : nil)
        return results.map { result in
            guard let indicator = result.indicator, result.actual != nil else { return .free }
            guard let group = result.target.zone == "all" ? scope : result.target.zone else { return .secondary }
            var compared = [indicator]
            if case .atLeastIndicator(let ref) = result.target.op, let r = Catalogue.indicator(ref) { compared.append(r) }
            var status = ConfStatus.free
            for ind in compared where status == .free {
                guard let field = ind.protectedBy else { continue }
                status = release.status(of: ind, at: ReleaseKey(measure: field, zone: group), previous: previous, hasValue: true)
                if status == .free, ind.hasLocalRule {
                    status = data.localStatus(ind, zones: group == ReleaseKey.all ? ids : [group])
                }
            }
            return status
        }
    }
}
