import Crypto
import Foundation
import SurveyArchive
import SurveyCore
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
    /// used throws `GradingRules.Problem`.
    public static func rules(at path: String) throws -> Rules? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw GradingRules.Problem(file: path, line: nil, message: Bilingual("无法读取", "cannot be read"))
        }
        let sha = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GradingRules.Problem(file: path, line: nil, message: Bilingual("不是 UTF-8 编码的文本文件，请另存为 UTF-8", "not a UTF-8 text file; save it as UTF-8"))
        }
        return Rules(rules: try GradingRules.parse(text, file: path), path: path, sha256: sha)
    }

    /// Every agency of `zones` (all when empty) with a current return for `period` at `stamp`, graded within its zone.
    public static func grade(_ archive: Archive, period: Period, zones selected: [String], asOf stamp: String, rules: GradingRules) throws -> [AgencyGrade] {
        let known = try archive.zones(asOf: stamp).map(\.id)
        for z in selected where !known.contains(z) {
            throw UsageError("unknown zone '\(z)'; valid: \(known.joined(separator: ", "))")
        }
        let zones = selected.isEmpty ? known : selected
        let returns = try archive.returns(periods: [period], zones: zones, asOf: stamp)
        let needsLastYear = rules.criteria.contains { Catalogue.indicator($0.indicator)?.needsPreviousYear == true }
        let previous = needsLastYear ? try archive.returns(periods: [period.previousYear], zones: zones, asOf: stamp, names: false) : []
        return Grading.grade(returns, previous: previous, rules: rules)
    }
}
