import Crypto
import Foundation
import SurveyArchive
import SurveyAudit
import SurveyCore
import SurveyStatistics

/// Building, recording and loading releases: the one protected set of figures per period that every published
/// output reads.
public enum Releasing {
    /// Why a published output cannot be made from a release.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let message: Bilingual
        public init(message: Bilingual) { self.message = message }
        public var description: String { message.en }
    }

    /// SHA-256 of a text, hex.
    static func sha256(_ text: String) -> String { sha256(Data(text.utf8)) }

    /// SHA-256 of bytes, hex.
    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// The latest receipt in the archive not after `stamp`: what a release made at `stamp` answers for.
    public static func dataAsOf(_ archive: Archive, stamp: String) throws -> String {
        try archive.files().map(\.receivedAt).filter { $0 <= stamp }.max() ?? stamp
    }

    /// The cells of `period`'s linked set as the archive stood at `asOf` (every zone; primary statuses only).
    /// `read` are the period's current returns at `asOf` when the caller has them already (of every zone).
    public static func cells(_ archive: Archive, period: Period, asOf: String, read: [SurveyReturn]? = nil) throws -> (Release, [SurveyReturn]) {
        let zones = try archive.zones(asOf: asOf).map(\.id)
        let returns = try read ?? archive.returns(periods: [period], asOf: asOf, names: false, fields: Set(Release.measures))
        return (Release(period: period, asOf: asOf, zones: zones, returns: returns), returns)
    }

    /// What `publish` did for one period.
    public struct Published: Sendable {
        public let release: Release
        /// SHA-256 of the release's pattern text.
        public var digest: String { Releasing.sha256(release.patternText) }
        public let stored: Archive.StoredRelease?
        public let isNew: Bool
        /// Published cells that changed since the period's previous release because of one or two agencies.
        public let revisions: [Revision]
        public let previous: Archive.StoredRelease?
        /// Cells this release hides that the same year's other releases give away all the same (`Linkage`).
        public var exposed: [ReleaseKey] = []
        /// The period's totals as the release's (stored beside it); nil when there are none (no returns, or a
        /// credit code twice in a year).
        public var cube: Cube? = nil
    }

    /// What the releases of `period`'s year in force at `asOf` fix about it (see `Linkage`): the year's release for
    /// a quarter, and the year's other quarters.
    /// `loaded` keeps the releases read (and those `publish` records) for the next period of the same call: each
    /// load reads the period's returns again to check the release still answers for them.
    static func linkage(_ archive: Archive, period: Period, current: Release, asOf: String, loaded: inout [Period: Release?]) throws -> Linkage {
        func release(_ p: Period) throws -> Release? {
            if let r = loaded[p] { return r }
            let r = try load(archive, period: p, stamp: asOf)
            loaded[p] = r
            return r
        }
        let year = period.quarter == nil ? nil : try release(Period(year: period.year))
        var quarters: [Int: Release] = [:]
        for q in 1...4 where q != period.quarter {
            if let r = try release(Period(year: period.year, quarter: q)) { quarters[q] = r }
        }
        return Linkage.of(period, current: current, year: year, quarters: quarters)
    }

    /// Builds and records the release of each period at `asOf` (the data as-of), and names the published cells a
    /// new release changes because of fewer than 3 agencies. A period without returns gets an empty release,
    /// which is not recorded.
    /// `read` holds, for some periods, their current returns at `asOf` of every zone of the archive with every
    /// field, which the caller has read already (a white paper of every zone: a million returns are not read twice).
    /// `cubes` holds, for some periods, their totals at `asOf` over every zone of the archive then (`Cube`): the
    /// release's cells are summed from those (the same cells as from the returns) and they are recorded beside
    /// it, so that the period's returns are read only to name the revisions since an earlier release.
    public static func publish(_ archive: Archive, periods: [Period], asOf: String, read: [Period: [SurveyReturn]] = [:],
                               cubes: [Period: Cube] = [:]) throws -> [Period: Published] {
        // The quarters of a year are linked to one another and to the year: each is protected knowing those recorded
        // before it, so they are made one after another, in order; years alone (the white paper's), side by side.
        var loaded: [Period: Release?] = [:]
        guard !periods.contains(where: { $0.quarter != nil }) else {
            var out: [Period: Published] = [:]
            for p in periods.sorted() {
                out.merge(try publishSideBySide(archive, periods: [p], asOf: asOf, read: read, cubes: cubes, loaded: &loaded)) { a, _ in a }
            }
            return out
        }
        return try publishSideBySide(archive, periods: periods, asOf: asOf, read: read, cubes: cubes, loaded: &loaded)
    }

    static func publishSideBySide(_ archive: Archive, periods: [Period], asOf: String, read: [Period: [SurveyReturn]],
                                  cubes: [Period: Cube], loaded: inout [Period: Release?]) throws -> [Period: Published] {
        var out: [Period: Published] = [:]
        // Cells of every period first; the searches for those not recorded with the same data run side by side
        // (each its own GLPK problems; the demo's three years: 12.0 s one after another).
        var built: [(release: Release, returns: [SurveyReturn]?, dataDigest: String)] = []
        var toSearch: [Int] = []
        var linkages: [Linkage] = []
        for period in periods {
            var release: Release, returns: [SurveyReturn]?
            if let cube = cubes[period] { (release, returns) = (Release(cube, asOf: asOf), nil) }
            else { (release, returns) = try cells(archive, period: period, asOf: asOf, read: read[period]) }
            linkages.append(try linkage(archive, period: period, current: release, asOf: asOf, loaded: &loaded))
            // The same data as a recorded release: its pattern (the search would find the same one again).
            let dataDigest = sha256(release.valuesText)
            if let same = try archive.releases(of: period).last(where: { $0.asOf == asOf && $0.dataDigest == dataDigest }) {
                release = try release.applying(pattern: same.pattern)
            } else {
                toSearch.append(built.count)
            }
            built.append((release, returns, dataDigest))
        }
        let searched = ParallelResults<Release>(count: toSearch.count)
        let inputs = toSearch.map { built[$0].release }, links = toSearch.map { linkages[$0] }
        Checking.inParallel(toSearch.count) { i in
            searched.set(i, Result { var r = inputs[i]; try r.protect(using: GLPKSolver(), linkage: links[i]); return r })
        }
        for (i, result) in zip(toSearch, searched.values) { built[i].release = try result.get() }
        for (n, (period, (release, returns, dataDigest))) in zip(periods, built).enumerated() {
            guard !release.cells.isEmpty else {
                out[period] = Published(release: release, stored: nil, isNew: false, revisions: [], previous: nil)
                continue
            }
            let earlier = try archive.releases(of: period).last { $0.asOf < asOf }
            let pattern = release.patternText
            let (stored, isNew) = try archive.recordRelease(period: period, asOf: asOf, digest: sha256(pattern), dataDigest: dataDigest,
                                                            pattern: pattern, cells: release.publishableCount, hidden: release.hiddenCount)
            var revisions: [Revision] = []
            if let earlier {
                let (before, beforeReturns) = try cells(archive, period: period, asOf: earlier.asOf)
                let now = try returns ?? cells(archive, period: period, asOf: asOf).1
                revisions = release.revisions(since: try before.applying(pattern: earlier.pattern), before: beforeReturns, now: now)
            }
            let cube = try recordTotals(archive, release: stored, period: period, asOf: asOf, read: read, cube: cubes[period])
            out[period] = Published(release: release, stored: stored, isNew: isNew, revisions: revisions, previous: earlier,
                                    exposed: linkages[n].exposed(in: release), cube: cube)
            loaded[period] = release     // now the release in force for the periods after it

        }
        return out
    }

    /// Stores the totals of a recorded release's period (`Cube`), from every field of its returns and of the year
    /// before at `asOf` (or `cube`, those the caller made), unless the same are stored already; none when a credit
    /// code is in a year twice. Returns them.
    static func recordTotals(_ archive: Archive, release stored: Archive.StoredRelease, period: Period, asOf: String,
                             read: [Period: [SurveyReturn]], cube made: Cube? = nil) throws -> Cube? {
        if let cube = try storedCube(archive, stored, answeringAt: asOf) { return cube }
        let files = try archive.filesDigest(asOf: asOf)
        let zones = try archive.zones(asOf: asOf).map(\.id)
        func returns(_ p: Period) throws -> [SurveyReturn] { try read[p] ?? archive.returns(periods: [p], asOf: asOf, names: false, ordered: false) }
        guard let cube = try made ?? Cube(period: period, zones: zones, returns: try returns(period), previous: try returns(period.previousYear))
        else { return nil }
        try archive.recordTotals(release: stored, layout: Cube.layout, files: files, totals: cube.bytes)
        return cube
    }

    /// The stored totals of a release when they answer for the archive as of `moment` (its as-of, or later): of
    /// this layout, intact, readable, and made when the files received by its as-of were those received by
    /// `moment` now (files are never taken out, so no file came in between, nor one received earlier since).
    /// Nil otherwise (the returns are read instead).
    static func storedCube(_ archive: Archive, _ stored: Archive.StoredRelease, answeringAt moment: String) throws -> Cube? {
        guard let t = try archive.totals(of: stored), t.intact, t.layout == Cube.layout, t.files == (try archive.filesDigest(asOf: moment)),
              let cube = try? Cube(bytes: t.totals), cube.period == stored.period else { return nil }
        return cube
    }

    /// `release` with the recorded pattern of `stored`, after checking that it has the recorded cells' values.
    static func checked(_ release: Release, against stored: Archive.StoredRelease) throws -> Release {
        guard sha256(release.valuesText) == stored.dataDigest, sha256(stored.pattern) == stored.digest else { throw mismatch(stored) }
        return try release.applying(pattern: stored.pattern)
    }

    /// The release of `period` in force at `stamp` with the period's totals, from what `report` stored beside it,
    /// and the previous year's release in force then (for growth rates); nil when the release has no totals that
    /// still answer for the archive (or there is no release: `loadForOutput` says so).
    public static func fromTotals(_ archive: Archive, period: Period, stamp: String) throws -> (cube: Cube, release: Release, previous: Release?)? {
        guard let stored = try archive.release(of: period, asOf: stamp), let cube = try storedCube(archive, stored, answeringAt: stored.asOf)
        else { return nil }
        let release = try checked(Release(cube, asOf: stored.asOf), against: stored)
        var previous: Release? = nil
        if let earlier = try archive.release(of: period.previousYear, asOf: release.asOf) {
            if let c = try storedCube(archive, earlier, answeringAt: earlier.asOf) { previous = try checked(Release(c, asOf: earlier.asOf), against: earlier) }
            else { previous = try load(archive, period: period.previousYear, stamp: release.asOf, exactly: earlier) }
        }
        return (cube, release, previous)
    }

    /// The stored totals of `period` that answer for the archive as of `asOf` exactly, unprotected: those of the
    /// release in force then, when no file was received between its as-of and `asOf`. Nil otherwise.
    public static func cube(_ archive: Archive, period: Period, asOf: String) throws -> Cube? {
        guard let stored = try archive.release(of: period, asOf: asOf) else { return nil }
        return try storedCube(archive, stored, answeringAt: asOf)
    }

    static func mismatch(_ stored: Archive.StoredRelease) -> Problem {
        Problem(message: Bilingual(
            "\(stored.period) 的公布数据集（截至 \(stored.asOf)）与存档不再一致（可能存入了补记日期更早的文件）；请重新运行 ipsurvey report 发布",
            "the release of \(stored.period) as of \(stored.asOf) no longer matches the archive (a file received with an earlier date?); publish again with ipsurvey report"))
    }

    /// The release of `period` in force at `stamp` (the latest recorded whose as-of is not after it), with its
    /// recorded pattern, after checking that the archive still gives the same cells. Nil when none was recorded.
    /// `read(period, asOf)` gives the period's current returns at that as-of of every zone when the caller has
    /// read them already (nil: they are read here).
    public static func load(_ archive: Archive, period: Period, stamp: String, exactly: Archive.StoredRelease? = nil,
                            read: (Period, String) -> [SurveyReturn]? = { _, _ in nil }) throws -> Release? {
        guard let stored = try exactly ?? archive.release(of: period, asOf: stamp) else { return nil }
        let (cells, _) = try self.cells(archive, period: period, asOf: stored.asOf, read: read(period, stored.asOf))
        return try checked(cells, against: stored)
    }

    /// Every recorded release whose cells the archive no longer gives (a file received with an earlier date
    /// after it was made, or damage), or whose pattern no longer matches its digest.
    public static func verify(_ archive: Archive) throws -> [(Archive.StoredRelease, Problem)] {
        var out: [(Archive.StoredRelease, Problem)] = []
        let periods = Set(try archive.allReleases().map(\.period)).sorted()
        for period in periods {
            for stored in try archive.releases(of: period) {
                do { _ = try load(archive, period: period, stamp: stored.asOf, exactly: stored) } catch let p as Problem { out.append((stored, p)) }
                if let t = try archive.totals(of: stored), !t.intact {
                    out.append((stored, Problem(message: Bilingual(
                        "\(period) 的公布数据集（截至 \(stored.asOf)）所存的汇总已损坏；查询改从存档重新计算，重新运行 ipsurvey report 可重存",
                        "the stored totals of the release of \(period) as of \(stored.asOf) are damaged; queries compute from the returns instead, and ipsurvey report stores them again"))))
                }
            }
        }
        return out
    }

    /// The release in force for a published output of `period` at `stamp`, and the previous year's release in
    /// force at the same moment (for growth rates); a clear problem when the period has none.
    public static func loadForOutput(_ archive: Archive, period: Period, stamp: String,
                                     read: (Period, String) -> [SurveyReturn]? = { _, _ in nil }) throws -> (Release, previous: Release?) {
        guard let release = try load(archive, period: period, stamp: stamp, read: read) else {
            if period.quarter != nil {
                throw Problem(message: Bilingual(
                    "保密：\(period) 尚无公布数据集（release），保密查询只从已发布的数据集作答；请先运行 ipsurvey report --quarter \(period) 发布季度公报（内部使用可加 --no-suppress）",
                    "confidential: \(period) has no release yet, and suppressed figures are answered from a release only; run ipsurvey report --quarter \(period) first (or --no-suppress for internal use)"))
            }
            throw Problem(message: Bilingual(
                "保密：\(period) 尚无公布数据集（release），只能从已发布的数据集中查询；请先运行 ipsurvey report --year \(period.year)（内部使用可加 --no-suppress）",
                "confidential: \(period) has no release yet, and suppressed figures are answered from a release only; run ipsurvey report --year \(period.year) first (or --no-suppress for internal use)"))
        }
        let previous = try load(archive, period: period.previousYear, stamp: release.asOf, read: read)
        return (release, previous)
    }
}

/// The disclosure audit: a release's hidden cells as an attacker sees them from its published cells alone.
public enum Auditing {
    /// One hidden cell of the audit.
    public struct Finding: Sendable {
        public let key: ReleaseKey
        public let status: ConfStatus
        public let contributors: Int
        /// The true value (万元) and the attacker's interval (万元).
        public let value: Double
        public let interval: ClosedRange<Double>
        public let withSingleton: ClosedRange<Double>?
        /// The smaller share the attacker's interval reaches below or above the value (with an insider's).
        public let margin: Double
        public let isProtected: Bool
        /// A published total whose hidden parts fail the primary rule together.
        public let impliedFailure: Bool
    }

    public struct Result: Sendable {
        public let release: Release
        public let findings: [Finding]
        public var narrowest: Finding? { findings.min { $0.margin < $1.margin } }
        public var failures: [Finding] { findings.filter { !$0.isProtected } }
    }

    /// Audits `release` (as loaded from the archive, or any other, e.g. one broken on purpose).
    public static func audit(_ release: Release) throws -> Result {
        let protections = try release.audit(using: GLPKSolver())
        let findings = protections.map { p in
            let c = release.cells[p.cell]
            return Finding(key: c.key, status: c.status, contributors: c.contributors, value: Double(c.yuan) / 10_000, interval: p.interval,
                           withSingleton: p.withSingleton, margin: p.margin, isProtected: p.isProtected, impliedFailure: p.impliedFailure != nil)
        }
        return Result(release: release, findings: findings)
    }
}
