import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics

extension Reporting {
    /// What a bulletin produced.
    public struct BulletinOutcome: Sendable {
        /// `bulletin-2025Q3` (or `bulletin-2025Q3-sucheng`).
        public let baseName: String
        public let output: BulletinPaper.Output
        public let revisions: [(period: Period, since: String, revisions: [Revision])]
        /// Per period released: cells it hides that the year's other releases give away (see `Linkage`).
        public let exposed: [(period: Period, cells: [ReleaseKey])]
    }

    /// The archive holds no quarterly returns for the quarter (of the zones asked for).
    public struct NoQuarterlyReturns: Error, Sendable { public let period: Period }

    /// Makes the quarterly bulletin of `quarter` for `selected` zones (all when empty) as the archive stood at `asOf`:
    /// the releases of the year's quarters so far and of the same quarters a year earlier are recorded, the quarter's
    /// is audited, and nothing is published from a release that fails it.
    public static func bulletin(_ archive: Archive, quarter: Period, zones selected: [String], asOf: String?, language: Language,
                                templatesFolder: String, publicationFolder: String? = nil, gradingRules: String? = nil, toolVersion: String,
                                sourceDateEpoch: TimeInterval?, lap: (String) -> Void = { _ in }) throws -> BulletinOutcome {
        guard let n = quarter.quarter else { throw UsageError("--quarter: not a quarter: \(quarter)") }
        let stamp = try StatisticsInput.asOf(asOf)
        let zones = try StatisticsInput.zones(archive, selected: selected, asOf: stamp)
        guard !zones.isEmpty else { throw NoZones() }
        let periods = (1...n).map { Period(year: quarter.year, quarter: $0) } + (1...n).map { Period(year: quarter.year - 1, quarter: $0) }
        let returns = try archive.returns(periods: periods, zones: zones.map(\.id), asOf: stamp)
        guard returns.contains(where: { $0.period == quarter }) else { throw NoQuarterlyReturns(period: quarter) }
        lap("read \(returns.count) returns")
        let templates = try TemplateSet(directory: templatesFolder)
        // The files the bulletin rests on: those holding the quarters' returns, and the zones and targets.
        var used = Set<Int64>()
        for p in periods { for f in try archive.filings(period: p, asOf: stamp) { used.insert(f.fileID) } }
        let allFiles = try archive.files().filter { $0.receivedAt <= stamp }
        let files = allFiles.filter { used.contains($0.id) || $0.kind == "zones" || $0.kind == "targets" }
        let dataAsOf = asOf != nil ? stamp : (allFiles.map(\.receivedAt).max() ?? stamp)
        let date = printedDate(asOf: asOf, dataAsOf: dataAsOf, sourceDateEpoch: sourceDateEpoch)

        let releaseAsOf = try Releasing.dataAsOf(archive, stamp: stamp)
        let published = try Releasing.publish(archive, periods: periods.sorted(), asOf: releaseAsOf)
        lap("releases")
        let current = published[quarter]!
        let audit = try Auditing.audit(current.release)
        guard audit.failures.isEmpty else { throw AuditFailure(period: quarter, cells: audit.failures.map(\.key)) }
        lap("audit")
        let bulletin = try QuarterlyBulletin(period: quarter, zones: zones, returns: returns, regional: try archive.regional(asOf: stamp),
                                             targets: try archive.targets(asOf: stamp),
                                             releases: Dictionary(uniqueKeysWithValues: published.map { ($0.key, $0.value.release) }))
        let disclosure = ReportContext.Disclosure(
            period: quarter.description, asOf: current.release.asOf, asOfText: Timestamp.civilTime(current.release.asOf) ?? current.release.asOf,
            digest: current.digest, cells: current.release.publishableCount, hidden: current.release.hiddenCount,
            audited: audit.findings.count, narrowest: audit.narrowest?.margin, protectionPercent: current.release.rule.protectionPercent,
            minimumAgencies: current.release.rule.minimumAgencies, dominancePercent: Int(current.release.rule.dominancePercent))
        var options: [(name: String, value: String)] = [("quarter", quarter.description), ("lang", language.rawValue), ("templates", templatesFolder)]
        if !selected.isEmpty { options.append(("zone", selected.joined(separator: ","))) }
        if let asOf { options.append(("as_of", asOf)) }
        var context = ReportContext(
            language: language, disclosure: disclosure, asOf: dataAsOf, asOfText: Timestamp.civilTime(dataAsOf) ?? dataAsOf, date: date,
            files: contextFiles(files),
            findings: [],
            templates: hashes(templates),
            toolVersion: toolVersion, options: options)
        if let publicationFolder { try readPublication(publicationFolder, year: quarter.year, language: language, into: &context, commentary: false) }
        if let gradingRules, let rules = try AgencyGrading.rules(at: gradingRules) {
            let graded = Grading.grade(returns.filter { $0.period == quarter }, previous: returns.filter { $0.period == quarter.previousYear }, rules: rules.rules)
            context.grading = (rules.rules, Dictionary(uniqueKeysWithValues: graded.map { ($0.creditCode, $0.grade) }))
            context.texts.append((name: rules.path, sha256: rules.sha256))
        }
        let filed = try FilingStatus.evaluate(archive, period: quarter, zones: zones.map(\.id), asOf: stamp, due: nil, contacts: false)
        if let total = filed.counts.last, let rate = total.rate {
            context.response = (expected: total.expected, received: total.received, newFilers: total.new, rate: rate)
        }
        let output = try BulletinPaper.render(bulletin, context: context, templates: templates)
        lap("render and check")
        let revisions = published.sorted { $0.key < $1.key }.compactMap { period, p in
            p.revisions.isEmpty ? nil : (period: period, since: p.previous!.asOf, revisions: p.revisions)
        }
        let exposed = published.sorted { $0.key < $1.key }.compactMap { period, p in p.exposed.isEmpty ? nil : (period: period, cells: p.exposed) }
        return BulletinOutcome(baseName: "bulletin-\(quarter)" + (selected.isEmpty ? "" : "-" + selected.joined(separator: "-")),
                               output: output, revisions: revisions, exposed: exposed)
    }
}
