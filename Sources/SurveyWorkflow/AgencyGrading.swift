import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics

/// Agency grading (分级分类) from the archive: the office's rules file and a period's current returns.
public enum AgencyGrading {
    /// The rules file under the input folder.
    public static let rulesFile = "grading.txt"

    /// The rules as read, with the file they came from and its SHA-256 (printed in the provenance).
    public struct Rules: Sendable {
        public let rules: GradingRules
        public let path: String
        public let sha256: String
    }

    /// The rules of `path`; nil when there is no such file (nothing is graded). A file that is there but cannot be
    /// used throws `GradingRules.Problem` (or `Publication.Problem` when it is not UTF-8 text).
    public static func rules(at path: String) throws -> Rules? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GradingRules.Problem(file: path, line: nil, message: Bilingual("无法读取", "cannot be read"))
        }
        // Read as every file the office writes by hand is (UTF-8, a BOM allowed, no character that cannot be published).
        let text = try Publication.text(data, file: path)
        return Rules(rules: try GradingRules.parse(text, file: path), path: path, sha256: Releasing.sha256(data))
    }

    /// Every agency of `zones` (all when empty) with a current return for `period` at `stamp`, graded within its zone.
    public static func grade(_ archive: Archive, period: Period, zones selected: [String], asOf stamp: String, rules: GradingRules) throws -> [AgencyGrade] {
        let zones = try StatisticsInput.zones(archive, selected: selected, asOf: stamp).map(\.id)
        let returns = try archive.returns(periods: [period], zones: zones, asOf: stamp)
        let needsLastYear = rules.criteria.contains { Catalogue.indicator($0.indicator)?.needsPreviousYear == true }
        let previous = needsLastYear ? try archive.returns(periods: [period.previousYear], zones: zones, asOf: stamp, names: false) : []
        return Grading.grade(returns, previous: previous, rules: rules)
    }
}
