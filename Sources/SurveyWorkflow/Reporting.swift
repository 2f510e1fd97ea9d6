import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics

/// The annual white paper from the archive: releases, their audit, the statistics and the rendering. Nothing
/// is printed or written here; the command line does both with the outcome.
public enum Reporting {
    /// What a report produced.
    public struct Outcome: Sendable {
        /// The file name without extension: `whitepaper-2025` or `whitepaper-2025-quanshan`.
        public let baseName: String
        public let output: WhitePaper.Output
        /// Per period released: the published cells that changed since its previous release because of one or
        /// two agencies (the office decides before publishing), with that release's as-of.
        public let revisions: [(period: Period, since: String, revisions: [Revision])]
        /// Per period released: cells it hides that the year's quarterly releases give away (see `Linkage`).
        public var exposed: [(period: Period, cells: [ReleaseKey])] = []
    }

    /// The release of the period an output prints fails the disclosure audit: nothing may be published.
    public struct AuditFailure: Error, Sendable {
        public let period: Period
        public let cells: [ReleaseKey]
    }

    /// The archive holds no zones.
    public struct NoZones: Error, Sendable {}

    /// The date a published output prints: the as-of when one is given, else `SOURCE_DATE_EPOCH`, else the date of
    /// the latest receipt (`dataAsOf`) — never the clock.
    static func printedDate(asOf: String?, dataAsOf: String, sourceDateEpoch: TimeInterval?) -> String {
        if asOf == nil, let epoch = sourceDateEpoch { return Timestamp.civilDate(Date(timeIntervalSince1970: epoch)) }
        return Timestamp.civilDate(dataAsOf) ?? String(dataAsOf.prefix(10))
    }

    /// The archived files an output rests on, as its data-quality and provenance sections list them.
    static func contextFiles(_ files: [Archive.StoredFile]) -> [ReportContext.File] {
        files.map { f in
            ReportContext.File(name: f.name, kind: f.kind, encoding: f.format == FileFormat.xlsx.rawValue ? f.format : f.encoding, receivedAt: f.receivedAt, receivedAtText: Timestamp.civilTime(f.receivedAt) ?? f.receivedAt,
                               size: f.size, sha256: f.sha256, rows: f.rows, accepted: f.accepted, rejected: f.rejected, warnings: f.warnings)
        }
    }

    /// Every file of a templates folder with its SHA-256, for the provenance.
    static func hashes(_ templates: TemplateSet) -> [(name: String, sha256: String)] {
        templates.files.map { (name: $0.path, sha256: Releasing.sha256($0.bytes)) }
    }

    /// The settings file of a publication folder (see `Publication.Settings`).
    public static let settingsFile = "settings.txt"
    /// The commentary of a year in a language: `commentary-2025.zh.md`.
    public static func commentaryFile(year: Int, language: Language) -> String { "commentary-\(year).\(language.rawValue).md" }

    /// What the office wrote for this paper, when the folder holds it: the settings and the year's commentary in the
    /// paper's language. Either file may be missing (the cover then names no issuing body, the paper has no
    /// commentary); a file that is there but cannot be used throws `Publication.Problem`.
    static func readPublication(_ folder: String, year: Int, language: Language, into context: inout ReportContext, commentary: Bool = true) throws {
        func read(_ name: String) throws -> (text: String, path: String)? {
            let path = (folder as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Publication.Problem(file: path, line: nil, zh: "无法读取", en: "cannot be read")
            }
            context.texts.append((name: path, sha256: Releasing.sha256(data)))
            return (try Publication.text(data, file: path), path)
        }
        if let settings = try read(settingsFile) {
            context.settings = try Publication.settings(settings.text, file: settings.path, year: year)
        }
        if commentary, let commentary = try read(commentaryFile(year: year, language: language)) {
            context.commentary = try Publication.commentary(commentary.text, file: commentary.path, language: language)
        }
    }

    /// Makes the white paper of `year` for `selected` zones (all when empty) as the archive stood at `asOf`.
    /// `sourceDateEpoch` (seconds) is the date printed when no as-of is given; `lap` is told each phase's end.
    public static func whitePaper(_ archive: Archive, year: Int, zones selected: [String], asOf: String?, language: Language,
                                  templatesFolder: String, publicationFolder: String? = nil, gradingRules: String? = nil, toolVersion: String, sourceDateEpoch: TimeInterval?,
                                  lap: (String) -> Void = { _ in }) throws -> Outcome {
        let stamp = try StatisticsInput.asOf(asOf)
        let zones = try StatisticsInput.zones(archive, selected: selected, asOf: stamp)
        guard !zones.isEmpty else { throw NoZones() }
        let files = try archive.files().filter { $0.receivedAt <= stamp }
        // The data's as-of: the given time, else the latest receipt; the printed date never comes from the clock.
        let dataAsOf = asOf != nil ? stamp : (files.map(\.receivedAt).max() ?? stamp)
        let date = printedDate(asOf: asOf, dataAsOf: dataAsOf, sourceDateEpoch: sourceDateEpoch)
        let templates = try TemplateSet(directory: templatesFolder)

        // The trend's ten years, none before the first a period may have (and none at all for a year before it).
        let trend = stride(from: max(1990, year - 9), through: year, by: 1).map { Period(year: $0) }
        // Each year's totals (a cube), those the archive has stored for its release when they still answer, else
        // summed from its returns as they are read, on every core, never held: a national year's million returns
        // were 400 MB in an array. Its directory is read on the same pass, or on its own (no figure) when stored.
        let releaseAsOf = try Releasing.dataAsOf(archive, stamp: stamp)
        let everyZone = try archive.zones(asOf: releaseAsOf).map(\.id)
        let ids = zones.map(\.id)
        let totals = try yearTotals(archive, years: trend.map(\.year), directoryOf: year, zones: everyZone, listed: ids, asOf: releaseAsOf)
        let directory = try totals.directory ?? archive.directory(period: Period(year: year), zones: ids, asOf: stamp)
        // A year whose totals cannot be a cube (a credit code in it twice) is read as returns, as are the two years
        // the grading compares when the office grades agencies.
        let grading = try gradingRules.flatMap { try AgencyGrading.rules(at: $0) }
        var byYear: [Int: [SurveyReturn]] = [:]
        for y in totals.unsummed.union(grading == nil ? [] : [year, year - 1]) {
            let rs = try archive.returns(periods: [Period(year: y)], zones: ids, asOf: stamp, names: false)
            if !rs.isEmpty { byYear[y] = rs }
        }
        lap("read \(totals.cubes.values.reduce(0) { $0 + $1.returns }) returns' totals, \(byYear.values.reduce(0) { $0 + $1.count }) returns")
        // One release per period shown (this year, last year, the trend's years), recorded in the archive.
        // (The years with returns in the zones covered: a paper of some zones publishes none of a year it does not show.)
        let shown = Set(ids)
        let years = Set(byYear.keys).union(totals.cubes.filter { $0.value.returns(in: shown) > 0 }.keys).union([year, year - 1]).sorted()
        let published = try Releasing.publish(archive, periods: years.map { Period(year: $0) }, asOf: releaseAsOf,
                                              cubes: Dictionary(uniqueKeysWithValues: totals.cubes.map { (Period(year: $0.key), $0.value) }))
        lap("releases")
        // The attacker's check of the release this paper prints; a pattern under the rule is never published.
        let current = published[Period(year: year)]!
        let audit = try Auditing.audit(current.release)
        guard audit.failures.isEmpty else { throw AuditFailure(period: Period(year: year), cells: audit.failures.map(\.key)) }
        lap("audit")
        let disclosure = ReportContext.Disclosure(
            period: "\(year)", asOf: current.release.asOf, asOfText: Timestamp.civilTime(current.release.asOf) ?? current.release.asOf,
            digest: current.digest, cells: current.release.publishableCount, hidden: current.release.hiddenCount,
            audited: audit.findings.count, narrowest: audit.narrowest?.margin, protectionPercent: current.release.rule.protectionPercent,
            minimumAgencies: current.release.rule.minimumAgencies, dominancePercent: Int(current.release.rule.dominancePercent))
        // The tables of a year from its release's totals (the same as from its returns and those of the year before).
        var cubes: [Int: Cube] = [:]
        for (p, published) in published { cubes[p.year] = published.cube }
        let report = try AnnualReport(year: year, zones: zones, returnsByYear: byYear,
                                      regional: try archive.regional(asOf: stamp), targets: try archive.targets(asOf: stamp),
                                      releases: Dictionary(uniqueKeysWithValues: published.map { ($0.key.year, $0.value.release) }),
                                      cubes: cubes, directory: directory)
        lap("statistics")
        var options: [(name: String, value: String)] = [("year", "\(year)"), ("lang", language.rawValue), ("templates", templatesFolder)]
        if !selected.isEmpty { options.append(("zone", selected.joined(separator: ","))) }
        if let asOf { options.append(("as_of", asOf)) }
        var context = ReportContext(
            language: language, disclosure: disclosure, asOf: dataAsOf, asOfText: Timestamp.civilTime(dataAsOf) ?? dataAsOf, date: date,
            files: contextFiles(files),
            findings: try archive.findingCounts(asOf: stamp),
            templates: hashes(templates),
            toolVersion: toolVersion, options: options)
        if let publicationFolder { try readPublication(publicationFolder, year: year, language: language, into: &context) }
        if let rules = grading {
            // The grades of the agencies in the paper's directory (from the returns already read); only the grade is printed.
            let graded = Grading.grade(byYear[year] ?? [], previous: byYear[year - 1] ?? [], rules: rules.rules)
            context.grading = (rules.rules, Dictionary(uniqueKeysWithValues: graded.map { ($0.creditCode, $0.grade) }))
            context.texts.append((name: rules.path, sha256: rules.sha256))
        }
        let baseName = "whitepaper-\(year)" + (selected.isEmpty ? "" : "-" + selected.joined(separator: "-"))
        context.directoryFile = baseName + "-directory.csv"
        // Who filed, from the directories of this year and the last (the current returns of a period are its filings).
        let filed = try FilingStatus.counts(archive, period: Period(year: year), zones: ids, asOf: stamp,
                                            previous: try archive.directory(period: Period(year: year - 1), zones: ids, asOf: stamp, names: false),
                                            filed: report.directory)
        if let total = filed.last, let rate = total.rate {
            context.response = (expected: total.expected, received: total.received, newFilers: total.new, rate: rate)
        }
        let output = try WhitePaper.render(report, context: context, templates: templates)
        lap("render and check")
        let revisions = published.sorted { $0.key < $1.key }.compactMap { period, p in
            p.revisions.isEmpty ? nil : (period: period, since: p.previous!.asOf, revisions: p.revisions)
        }
        var outcome = Outcome(baseName: baseName, output: output, revisions: revisions)
        outcome.exposed = published.sorted { $0.key < $1.key }.compactMap { period, p in p.exposed.isEmpty ? nil : (period: period, cells: p.exposed) }
        return outcome
    }

    /// The years' totals at `asOf` over `zones` (every zone of the archive then): what `yearTotals` found.
    struct YearTotals {
        /// The cube of each year with returns (with the year before each).
        var cubes: [Int: Cube] = [:]
        /// Years whose returns make no cube (a credit code in one twice): the caller reads them as returns.
        var unsummed: Set<Int> = []
        /// The directory of the `directoryOf` year's agencies in the listed zones, when its returns were read.
        var directory: AgencyDirectory?
    }

    /// The cube of each of `years` (ascending) at `asOf`: the one stored beside the year's release when it still
    /// answers, else summed from the returns as they are read (the year before too, which its same-sample
    /// figures compare with). The directory of `directoryOf`'s agencies in `listed` zones is made on that year's
    /// pass when it has one.
    static func yearTotals(_ archive: Archive, years: [Int], directoryOf year: Int, zones: [String], listed: [String],
                           asOf: String) throws -> YearTotals {
        var out = YearTotals()
        guard let first = years.first else { return out }
        var needed: Set<Int> = []
        for y in years {
            if let cube = try Releasing.cube(archive, period: Period(year: y), asOf: asOf), cube.zones == zones { out.cubes[y] = cube }
            else { needed.insert(y) }
        }
        let listedZones = Set(listed)
        var carried: Cube.Carried? = nil
        for y in (first - 1)...years.last! where needed.contains(y) || needed.contains(y + 1) {
            let period = Period(year: y), carry = needed.contains(y + 1), names = y == year && needed.contains(y)
            let previous = carried?.period == period.previousYear ? carried : nil
            let (builder, directory) = try archive.visitReturns(
                period: period, zones: zones, asOf: asOf, names: names,
                start: { (Cube.Builder(period: period, zones: zones, previous: previous, carry: carry), AgencyDirectory()) },
                visit: { acc, r, name in
                    acc.0.add(r)
                    if names, listedZones.contains(r.pointee.zone) {
                        acc.1.append(zone: r.pointee.zone, name: name, brandLevel: r.pointee.brandLevel, creditCode: r.pointee.creditCode)
                    }
                },
                merge: { $0.0.merge($1.0); $0.1.append(contentsOf: $1.1) })
            if names { out.directory = directory }
            if carry { carried = builder.carried() }
            guard needed.contains(y), !builder.isEmpty else { continue }
            if let cube = builder.cube() { out.cubes[y] = cube } else { out.unsummed.insert(y) }
        }
        return out
    }
}
