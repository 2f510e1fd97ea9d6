import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics

/// `ipsurvey targets`: every plan target evaluated for a year from the year's release, as the archive stood then.
public enum TargetAttainment {
    public struct Result: Sendable {
        public let results: [TargetResult]
        /// Per result: whether its actual may be published (the release's status of its cell).
        public let confidentiality: [ConfStatus]
        public let zones: [Zone]
    }

    /// The targets of `zones` (all when empty) for `year`, from the release in force at `stamp`.
    public static func evaluate(_ archive: Archive, year: Int, zones selected: [String], stamp: String) throws -> Result {
        let period = Period(year: year)
        let (release, previous) = try Releasing.loadForOutput(archive, period: period, stamp: stamp)
        let zones = try archive.zones(asOf: release.asOf)
        let all = try StatisticsInput.dataset(archive, period: period, zones: [], asOf: release.asOf, indicators: Catalogue.all)
        var targets = try archive.targets(asOf: stamp)
        if !selected.isEmpty { targets = targets.filter { selected.contains($0.zone) } }
        func subset(_ ids: [String]) -> ([SurveyReturn], [SurveyReturn]) {
            (all.returns.filter { ids.contains($0.zone) }, all.previous.filter { ids.contains($0.zone) })
        }
        let results = TargetEvaluation.evaluate(targets, year: year, zones: zones) { ids in
            let (now, before) = subset(ids)
            return Dataset(period: period, returns: now, previous: before, regional: all.regional, zones: ids)
        }
        let conf = TargetEvaluation.confidentiality(of: results, release: release, previous: previous, zones: zones.map(\.id), data: all)
        return Result(results: results, confidentiality: conf, zones: zones)
    }
}
