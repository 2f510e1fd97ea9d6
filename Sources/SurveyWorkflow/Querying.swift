import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics

/// Answering `ipsurvey query`: a table of indicators by breakdowns, protected by the period's release.
public enum Querying {
    public struct Answer: Sendable {
        public let table: StatTable
        /// The release's as-of when the answer is protected by one.
        public let releaseAsOf: String?
        /// What it was computed from, for the timing line: returns read, or the release's stored totals.
        public let source: String
    }

    /// The table of `indicators` by `breakdowns` for `period` over `zones` (all when empty) as of `asOf`.
    /// Suppressed (`suppress`, and an indicator a release protects), the figures are the release's in force at
    /// `asOf`, as the archive stood at its as-of: from the totals `report` stored beside it while they still
    /// answer for the archive, else from the returns read again. Not suppressed, the figures are exact as of
    /// `asOf`: from those totals too when no file was received between the release's as-of and `asOf`. Throws
    /// `Releasing.Problem` when there is no release to answer from and `OutsideRelease` for a breakdown the
    /// release does not publish.
    public static func answer(_ archive: Archive, period: Period, zones: [String], by breakdowns: [Breakdown], indicators: [Indicator],
                              asOf: String, suppress requested: Bool) throws -> Answer {
        let suppress = requested && indicators.contains(where: { $0.protectedBy != nil })
        if suppress, let stored = try Releasing.fromTotals(archive, period: period, stamp: asOf) {
            let ids = try StatisticsInput.zones(archive, selected: zones, asOf: stored.release.asOf).map(\.id)
            var table = StatTable(stored.cube, zones: ids, regional: try archive.regional(asOf: stored.release.asOf), by: breakdowns,
                                  indicators: indicators)
            try table.protect(with: stored.release, previous: stored.previous, zones: ids)
            return Answer(table: table, releaseAsOf: stored.release.asOf, source: "the release's totals (\(stored.cube.returns) returns)")
        }
        if !suppress, let cube = try Releasing.cube(archive, period: period, asOf: asOf) {
            let ids = try StatisticsInput.zones(archive, selected: zones, asOf: asOf).map(\.id)
            let table = StatTable(cube, zones: ids, regional: try archive.regional(asOf: asOf), by: breakdowns, indicators: indicators)
            return Answer(table: table, releaseAsOf: nil, source: "the release's totals (\(cube.returns) returns)")
        }
        // Suppressed money figures come from the release in force at the as-of, read as the archive stood then.
        // Over every zone, the returns are read once, with the release's measures, and the release is checked
        // against them (reading a million returns again for the check was half of a national query).
        let stored = suppress ? try archive.release(of: period, asOf: asOf) : nil
        let readAsOf = stored?.asOf ?? asOf
        let everyZone = zones.isEmpty
        let data = try StatisticsInput.dataset(archive, period: period, zones: zones, asOf: readAsOf, indicators: indicators,
                                               more: suppress && everyZone ? Set(Release.measures) : [])
        var table = StatTable(data, by: breakdowns, indicators: indicators)
        guard suppress else { return Answer(table: table, releaseAsOf: nil, source: "\(data.returns.count) + \(data.previous.count) returns") }
        let (current, previous) = try Releasing.loadForOutput(archive, period: period, stamp: asOf) { p, at in
            guard everyZone, at == readAsOf else { return nil }
            return p == period ? data.returns : (p == period.previousYear && !data.previous.isEmpty ? data.previous : nil)
        }
        try table.protect(with: current, previous: previous, zones: data.zones)
        return Answer(table: table, releaseAsOf: current.asOf, source: "\(data.returns.count) + \(data.previous.count) returns")
    }
}
