import Foundation
import XCTest
@testable import SurveyCore
@testable import SurveyStatistics

/// A cube made one return at a time, in parts merged afterwards (as the archive reads a national year on every
/// core), is the cube of the two years' arrays, byte for byte; and what the white paper needs of a year's returns
/// beyond its tables (the local rules of CR5 and same-sample growth) comes out of it the same.
final class CubeBuilderTests: XCTestCase {
    let zones = ["a", "b", "c", "d"]

    /// Builds the cube of `now` (after `before`) with each year cut into parts at `cuts` (fractions) and merged.
    func builtInParts(_ now: [SurveyReturn], _ before: [SurveyReturn], cuts: [Double]) -> Cube? {
        func parts(_ rs: [SurveyReturn]) -> [ArraySlice<SurveyReturn>] {
            let at = [0] + cuts.map { Int(Double(rs.count) * $0) } + [rs.count]
            return zip(at, at.dropFirst()).map { rs[$0..<$1] }
        }
        func build(_ rs: [SurveyReturn], period: Period, previous: Cube.Carried?, carry: Bool) -> Cube.Builder {
            var out: Cube.Builder? = nil
            for part in parts(rs) {
                var b = Cube.Builder(period: period, zones: zones, previous: previous, carry: carry)
                for r in part { withUnsafePointer(to: r) { b.add($0) } }
                if out == nil { out = b } else { out!.merge(b) }
            }
            return out!
        }
        let carried = build(before, period: Period(year: 2024), previous: nil, carry: true).carried()
        return build(now, period: Period(year: 2025), previous: carried, carry: false).cube()
    }

    func testACubeBuiltInPartsIsTheCubeOfTheArrays() throws {
        let (now, before) = CubeTests.years
        let whole = try XCTUnwrap(Cube(period: Period(year: 2025), zones: zones, returns: now, previous: before))
        XCTAssertFalse(whole.pairs.isEmpty, "agencies in both years: same-sample pairs are compared")
        for cuts in [[], [0.5], [0.1, 0.2, 0.9], [0.0, 0.33, 0.66, 1.0]] {
            let parts = try XCTUnwrap(builtInParts(now, before, cuts: cuts), "\(cuts)")
            XCTAssertEqual(parts.bytes, whole.bytes, "cut at \(cuts)")
        }
        // Another order of the same returns: the same bytes (the cells are sorted).
        let shuffled = try XCTUnwrap(builtInParts(now.reversed(), before.reversed(), cuts: [0.4]))
        XCTAssertEqual(shuffled.bytes, whole.bytes)
        // Returns of other periods or zones are left out, as the release leaves them.
        var stray = now[0]
        stray.zone = "elsewhere"
        var late = now[1]
        late.period = Period(year: 2026)
        XCTAssertEqual(try XCTUnwrap(builtInParts(now + [stray, late], before, cuts: [0.5])).bytes, whole.bytes)
    }

    func testNoCubeWhenACreditCodeIsTwiceInEitherYearOfAnyPart() {
        let (now, before) = CubeTests.years
        // The second copy in another part than the first: each part alone has no code twice.
        XCTAssertNil(builtInParts(now + [now[0]], before, cuts: [0.5]))
        XCTAssertNil(builtInParts(now, before + [before[3]], cuts: [0.5]))
        XCTAssertNotNil(builtInParts(now, before, cuts: [0.5]))
    }

    /// CR5 and a same-sample growth rate must pass the primary rule on their own group's returns: the group's
    /// totals summed from the cube's cells and pairs give the same verdict as its returns, zone by zone.
    func testTheLocalRulesOfAGroupAreTheSameFromTheCube() throws {
        var (now, before) = CubeTests.years
        // Zone e: six agencies (CR5's rest is one agency), two of them there a year earlier too (a sample of two).
        now += (1...6).map { ret(2000 + $0, zone: "e", ["revenue": Double(100 * $0)]) }
        before += (1...2).map { ret(2000 + $0, zone: "e", year: 2024, ["revenue": Double(90 * $0)]) }
        let zones = self.zones + ["e"]
        let cube = try XCTUnwrap(Cube(period: Period(year: 2025), zones: zones, returns: now, previous: before))
        let local = Catalogue.all.filter(\.hasLocalRule)
        XCTAssertFalse(local.isEmpty)
        var verdicts: Set<ConfStatus> = []
        for subset in [zones, ["a"], ["b"], ["c"], ["d"], ["e"], ["a", "c"], ["d", "e"]] {
            let direct = Dataset(period: Period(year: 2025), returns: now, previous: before, regional: [], zones: zones)
            var summed = Dataset(period: Period(year: 2025), returns: [], previous: [], regional: [], zones: zones)
            summed.cube = cube
            for indicator in local {
                let status = direct.localStatus(indicator, zones: subset)
                XCTAssertEqual(summed.localStatus(indicator, zones: subset), status, "\(indicator.id) \(subset)")
                verdicts.insert(status)
            }
        }
        XCTAssertTrue(verdicts.contains(.free) && verdicts.contains(.secondary), "both verdicts are met: \(verdicts)")
    }

    /// A white paper made from its years' cubes alone (no returns held) has the tables of one made from the returns.
    func testAWhitePaperFromCubesAloneHasTheTablesOfTheReturns() throws {
        let (now, before) = CubeTests.years
        let zoneList = zones.map { Zone(id: $0, name: Bilingual($0, $0), level: "provincial", city: "", divisionCode: "320000",
                                        planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2027, month: 12, day: 31)!, planDocument: "") }
        var releases: [Int: Release] = [:]
        for (y, rs) in [(2024, before), (2025, now)] { releases[y] = Release(period: Period(year: y), asOf: "t", zones: zones, returns: rs) }
        let cubes = [2024: try XCTUnwrap(Cube(period: Period(year: 2024), zones: zones, returns: before, previous: [])),
                     2025: try XCTUnwrap(Cube(period: Period(year: 2025), zones: zones, returns: now, previous: before))]
        let direct = try AnnualReport(year: 2025, zones: zoneList, returnsByYear: [2024: before, 2025: now], regional: CubeTests.regional,
                                      targets: [], releases: releases)
        let summed = try AnnualReport(year: 2025, zones: zoneList, returnsByYear: [:], regional: CubeTests.regional, targets: [],
                                      releases: releases, cubes: cubes, directory: AgencyDirectory(returns: now))
        XCTAssertEqual(summed.years, [2024, 2025])
        for (name, a, b) in [("headline", direct.headline, summed.headline), ("last year", direct.headlineLastYear, summed.headlineLastYear),
                             ("byZone", direct.byZone, summed.byZone), ("byKind", direct.byKind, summed.byKind),
                             ("byBrand", direct.byBrand, summed.byBrand), ("trend 2024", direct.trend[0], summed.trend[0]),
                             ("trend 2025", direct.trend[1], summed.trend[1])] {
            assertSame(a, b, name)
            XCTAssertEqual(a.rows.flatMap { $0.cells.map(\.status) }, b.rows.flatMap { $0.cells.map(\.status) }, name)
        }
        XCTAssertEqual(Array(summed.directory), Array(direct.directory))
    }
}
