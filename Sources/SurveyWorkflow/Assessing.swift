import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics

/// `ipsurvey assess`: the end-of-term assessment of a zone's plan (期满考核, 苏知发〔2017〕139号) from the archive —
/// every target of the zone at its deadline, or as far as the figures go, with the evidence — rendered as HTML and
/// XML. Nothing is printed or written here.
public enum Assessing {
    /// The office's rule for proposing a grade, under the input folder (there is none in the plans).
    public static let rulesFile = "assessment.txt"

    public struct Outcome: Sendable {
        /// `assessment-binhu`.
        public let baseName: String
        public let output: AssessmentPaper.Output
        public let targets: [AssessedTarget]
        /// Per period released: cells it hides that the year's quarterly releases give away (see `Linkage`).
        public var exposed: [(period: Period, cells: [ReleaseKey])] = []
    }

    /// The archive holds no annual returns by the as-of: there is nothing to assess.
    public struct NoReturns: Error, Sendable {}

    /// Assesses `zone` as the archive stood at `asOf` (nil: as it stands, "now" being the latest receipt).
    public static func assess(_ archive: Archive, zone: String, asOf: String?, language: Language, templatesFolder: String,
                              rulesPath: String?, toolVersion: String, sourceDateEpoch: TimeInterval?) throws -> Outcome {
        let stamp = try StatisticsInput.asOf(asOf)
        let zones = try archive.zones(asOf: stamp)
        guard let z = zones.first(where: { $0.id == zone }) else {
            throw UsageError("unknown zone '\(zone)'; valid: \(zones.map(\.id).joined(separator: ", "))")
        }
        let files = try archive.files().filter { $0.receivedAt <= stamp }
        // "Now" without --as-of is the latest receipt: the same archive gives the same assessment.
        let dataAsOf = asOf != nil ? stamp : (files.map(\.receivedAt).max() ?? stamp)
        guard let latest = try archive.latestAnnualYear(asOf: stamp) else { throw NoReturns() }
        let templates = try TemplateSet(directory: templatesFolder)
        let targets = try archive.targets(asOf: stamp).filter { $0.zone == zone }

        // Each target is judged by its deadline year's figures, or the latest year's before them.
        let years = Set(targets.map { min($0.deadline.year, latest) }).sorted()
        let releaseAsOf = try Releasing.dataAsOf(archive, stamp: stamp)
        let periods = Set(years.flatMap { [Period(year: $0), Period(year: $0 - 1)] }).sorted()
        let published = try Releasing.publish(archive, periods: periods, asOf: releaseAsOf)
        var releases: [AssessmentPaper.Release] = []
        for year in years {
            guard let p = published[Period(year: year)], !p.release.cells.isEmpty else { continue }
            let audit = try Auditing.audit(p.release)
            guard audit.failures.isEmpty else { throw Reporting.AuditFailure(period: Period(year: year), cells: audit.failures.map(\.key)) }
            releases.append(.init(period: "\(year)", asOf: p.release.asOf, asOfText: Timestamp.civilTime(p.release.asOf) ?? p.release.asOf, digest: p.digest, cells: p.release.publishableCount, hidden: p.release.hiddenCount))
        }
        var byYear: [Int: TargetAttainment.Result] = [:]
        for year in years { byYear[year] = try TargetAttainment.evaluate(archive, year: year, zones: [zone], stamp: stamp) }

        let regional = try archive.regional(asOf: stamp).filter { $0.zone == zone }
        var assessed: [AssessedTarget] = [], confs: [ConfStatus] = [], evidence: [AssessmentPaper.Evidence] = []
        // The zone's current returns of a year, read once: counted per target, and their files listed.
        var filingsOfYear: [Int: [Archive.Filing]] = [:]
        func filings(_ y: Int) throws -> [Archive.Filing] {
            if let f = filingsOfYear[y] { return f }
            let f = try archive.filings(period: Period(year: y), asOf: stamp).filter { $0.zone == zone }
            filingsOfYear[y] = f
            return f
        }
        for target in targets {
            let year = min(target.deadline.year, latest)
            guard let result = byYear[year], let i = result.results.firstIndex(where: { $0.target == target }) else { continue }
            let end = Timestamp.parse(target.deadline.description) ?? Timestamp.end
            let a = AssessedTarget(result.results[i], year: year, deadlinePassed: dataAsOf >= end)
            assessed.append(a)
            confs.append(result.confidentiality[i])
            var indicators = [target.indicator]
            if case .atLeastIndicator(let ref) = target.op { indicators.append(ref) }
            var figures: [AssessmentPaper.Evidence.Figure] = []
            var fromReturns = false, lastYearToo = false
            for id in indicators {
                guard let ind = Catalogue.indicator(id) else { continue }
                if ind.source == .returns { fromReturns = true; lastYearToo = lastYearToo || ind.needsPreviousYear; continue }
                var wanted = [year]
                if let base = target.baseYear { wanted.insert(base, at: 0) }
                for y in wanted {
                    if let f = regional.first(where: { $0.indicator == id && $0.period == Period(year: y) }) {
                        figures.append(.init(indicator: id, period: "\(y)", source: f.source))
                    }
                }
            }
            evidence.append(.init(returns: fromReturns ? try filings(year).count : nil, previousReturns: lastYearToo ? try filings(year - 1).count : nil,
                                  year: year, regional: figures))
        }

        // The files the figures come from: the zone's returns of the years judged by, the regional and target files.
        var used: [Int64: Int] = [:]
        for (_, list) in filingsOfYear { for f in list { used[f.fileID, default: 0] += 1 } }
        let evidenceFiles = files.filter { used[$0.id] != nil || $0.kind == "regional" || $0.kind == "targets" || $0.kind == "zones" }.map { f in
            AssessmentPaper.File(name: f.name, kind: f.kind, sha256: f.sha256, receivedAt: f.receivedAt,
                                 receivedAtText: Timestamp.civilTime(f.receivedAt) ?? f.receivedAt, returns: used[f.id])
        }

        var rules: AssessmentRules?
        var texts: [(name: String, sha256: String)] = []
        if let rulesPath, FileManager.default.fileExists(atPath: rulesPath) {
            guard let data = FileManager.default.contents(atPath: rulesPath) else {
                throw GradingRules.Problem(file: rulesPath, line: nil, message: Bilingual("无法读取", "cannot be read"))
            }
            texts.append((rulesPath, Releasing.sha256(data)))
            rules = try AssessmentRules.parse(try Publication.text(data, file: rulesPath), file: rulesPath)
        }
        let date = Reporting.printedDate(asOf: asOf, dataAsOf: dataAsOf, sourceDateEpoch: sourceDateEpoch)
        var options: [(name: String, value: String)] = [("zone", zone), ("lang", language.rawValue), ("templates", templatesFolder)]
        if let asOf { options.append(("as_of", asOf)) }
        let input = AssessmentPaper.Input(
            zone: z, language: language, asOf: dataAsOf, asOfText: Timestamp.civilTime(dataAsOf) ?? dataAsOf, date: date, latestYear: latest,
            targets: assessed, confidentiality: confs, evidence: evidence, releases: releases, files: evidenceFiles, rules: rules, texts: texts,
            templates: Reporting.hashes(templates),
            toolVersion: toolVersion, options: options)
        let output = try AssessmentPaper.render(input, templates: templates)
        var outcome = Outcome(baseName: "assessment-\(zone)", output: output, targets: assessed)
        outcome.exposed = published.sorted { $0.key < $1.key }.compactMap { period, p in p.exposed.isEmpty ? nil : (period: period, cells: p.exposed) }
        return outcome
    }
}
