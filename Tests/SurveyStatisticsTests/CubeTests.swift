import Foundation
import XCTest
@testable import SurveyCore
@testable import SurveyStatistics

/// A cube (a period's totals in its finest groups) gives every table and the release exactly as the returns do.
final class CubeTests: XCTestCase {
    /// Two years of agencies in three zones, some moving zone, kind, brand or business types between the years,
    /// some leaving or arriving, fields left blank now and then, one agency alone in its zone (d) this year.
    static let years: (now: [SurveyReturn], before: [SurveyReturn]) = {
        var state: UInt64 = 2025
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        let zones = ["a", "b", "c"], kinds = Choices.agencyKind.options.map(\.id), brands = Choices.brandLevel.options.map(\.id)
        let types = Choices.businessType.options.map(\.id)
        func one(_ n: Int, year: Int) -> SurveyReturn {
            var values: [String: Double] = [:]
            for field in SurveyReturn.numberFields where next(9) > 0 {
                values[field] = Form.returns[field].type == .money ? Double(next(200_000)) / 100 : Double(next(60))
            }
            if next(40) == 0 { values["revenue"] = 20_000 }      // above scale, and dominant where it is
            let chosen = (0..<(1 + next(3))).map { _ in types[next(types.count)] }
            var r = ret(n, zone: zones[next(zones.count)], year: year, kind: kinds[next(kinds.count)], types: Array(Set(chosen)).sorted(),
                        brand: brands[next(brands.count)], values)
            if next(5) == 0 { r.designation = Choices.provinceDesignation.options[next(Choices.provinceDesignation.options.count)].id }
            return r
        }
        var before = (1...260).map { one($0, year: 2024) }
        var now: [SurveyReturn] = []
        for n in 1...300 {
            if n <= 260, next(4) > 0 {          // stays: often alike, sometimes moved
                var r = before[n - 1]
                r.period = Period(year: 2025)
                if next(6) == 0 { r.zone = zones[next(zones.count)] }
                if next(6) == 0 { r.agencyKind = kinds[next(kinds.count)] }
                if next(8) == 0 { r.businessTypes ^= 1 << UInt32(next(types.count)) }
                for i in r.numbers.indices where next(3) == 0 { r.numbers[i] = next(10) == 0 ? nil : Int64(next(30_000_000)) }
                now.append(r)
            } else if n > 260 || next(2) == 0 {
                now.append(one(n, year: 2025))
            }
        }
        before.append(ret(999, zone: "c", year: 2024, kind: "law_firm", ["revenue": 50]))
        now.append(ret(998, zone: "d", kind: "enterprise", types: ["training"], brand: "national", ["revenue": 10, "staff": 2]))
        return (now, before)
    }()

    static let regional = [
        RegionalFigure(zone: "a", period: Period(year: 2025), indicator: "patent_applications", value: 4000, source: ""),
        RegionalFigure(zone: "b", period: Period(year: 2025), indicator: "patent_applications", value: 3000, source: ""),
        RegionalFigure(zone: "a", period: Period(year: 2025), indicator: "trademark_applications", value: 900, source: ""),
    ]

    func testEveryTableOfEveryIndicatorIsTheSameFromTheCube() throws {
        let (now, before) = Self.years
        let cube = try XCTUnwrap(Cube(period: Period(year: 2025), zones: ["a", "b", "c", "d"], returns: now, previous: before))
        let stored = try Cube(bytes: cube.bytes)
        XCTAssertEqual(stored.bytes, cube.bytes, "the bytes read back are the cube")
        XCTAssertEqual(cube.returns, now.count)
        let dimensions = Breakdown.allCases
        var breakdowns: [[Breakdown]] = [[]] + dimensions.map { [$0] }
        for a in dimensions { for b in dimensions where b != a { breakdowns.append([a, b]) } }
        breakdowns += [[.zone, .agency_kind, .brand_level], [.business_type, .zone, .brand_level], [.zone, .agency_kind, .business_type, .brand_level]]
        for zones in [["a", "b", "c", "d"], ["b"], ["a", "d"]] {
            let data = Dataset(period: Period(year: 2025), returns: now.filter { zones.contains($0.zone) },
                               previous: before.filter { zones.contains($0.zone) }, regional: Self.regional, zones: zones)
            for by in breakdowns {
                let direct = StatTable(data, by: by, indicators: Catalogue.all)
                assertSame(direct, StatTable(stored, zones: zones, regional: Self.regional, by: by, indicators: Catalogue.all), "\(zones) by \(by)")
            }
            // A list of a few indicators (its own plan from the returns, the catalogue's from the cube).
            let few = ["revenue_growth_same_sample", "cr5", "agencies"].map { Catalogue.indicator($0)! }
            assertSame(StatTable(data, by: [.zone], indicators: few), StatTable(stored, zones: zones, regional: Self.regional, by: [.zone], indicators: few), "few")
        }
        XCTAssertEqual(Release(stored, asOf: "t").valuesText,
                       Release(period: Period(year: 2025), asOf: "t", zones: ["a", "b", "c", "d"], returns: now).valuesText, "the release's cells")
    }

    /// The white paper's tables from its years' cubes are those from the returns, statuses and all.
    func testTheWhitePapersTablesAreTheSameFromTheCubes() throws {
        let (now, before) = Self.years
        let ids = ["a", "b", "c", "d"]
        let zones = ids.map { Zone(id: $0, name: Bilingual($0, $0), level: "provincial", city: "", divisionCode: "320000",
                                   planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2027, month: 12, day: 31)!, planDocument: "") }
        // Primary statuses only (the search for a pattern of 300 agencies takes minutes in a debug build).
        var releases: [Int: Release] = [:]
        for (y, rs) in [(2024, before), (2025, now)] { releases[y] = Release(period: Period(year: y), asOf: "t", zones: ids, returns: rs) }
        let byYear = [2024: before, 2025: now]
        let cube = try XCTUnwrap(Cube(period: Period(year: 2025), zones: ids, returns: now, previous: before))
        let direct = try AnnualReport(year: 2025, zones: zones, returnsByYear: byYear, regional: Self.regional, targets: [], releases: releases)
        let summed = try AnnualReport(year: 2025, zones: zones, returnsByYear: byYear, regional: Self.regional, targets: [], releases: releases,
                                      cubes: [2025: cube])
        let pairs: [(String, StatTable, StatTable)] = [
            ("headline", direct.headline, summed.headline), ("byZone", direct.byZone, summed.byZone), ("byKind", direct.byKind, summed.byKind),
            ("byBusinessType", direct.byBusinessType, summed.byBusinessType), ("byBrand", direct.byBrand, summed.byBrand),
            ("businessByZone", direct.businessByZone, summed.businessByZone), ("trend 2025", direct.trend[1], summed.trend[1]),
        ]
        for (name, a, b) in pairs {
            assertSame(a, b, name)
            XCTAssertEqual(a.rows.flatMap { $0.cells.map(\.status) }, b.rows.flatMap { $0.cells.map(\.status) }, name)
        }
        XCTAssertEqual(direct.byZone.cell("revenue", key: ["d"])?.status, .tooFew, "a cell hidden, so statuses are compared")
    }

    func testEveryMeasureIsANumberField() {
        XCTAssertEqual(Release.measureFields.map { SurveyReturn.numberFields[$0] }, Release.measures)
    }

    func testNoCubeWhenACreditCodeIsTwiceInAYear() {
        let (now, before) = Self.years
        XCTAssertNil(Cube(period: Period(year: 2025), zones: ["a", "b", "c", "d"], returns: now + [now[0]], previous: before))
        XCTAssertNil(Cube(period: Period(year: 2025), zones: ["a", "b", "c", "d"], returns: now, previous: before + [before[3]]))
    }

    func testDamagedBytesAreRefusedNotCrashedOn() throws {
        let (now, before) = Self.years
        let bytes = try XCTUnwrap(Cube(period: Period(year: 2025), zones: ["a", "b", "c", "d"], returns: now, previous: before)).bytes
        for cut in stride(from: 0, to: bytes.count, by: bytes.count / 40 + 1) {
            XCTAssertThrowsError(try Cube(bytes: bytes.prefix(cut)), "cut at \(cut)")
        }
        XCTAssertThrowsError(try Cube(bytes: bytes + Data([0])))
        var flipped = bytes
        for at in stride(from: 3, to: bytes.count, by: bytes.count / 40 + 1) {
            flipped[at] ^= 0xff
            _ = try? Cube(bytes: flipped)       // refused, or a cube of other numbers: never a crash or a hang
            flipped[at] ^= 0xff
        }
    }
}

extension XCTestCase {
    /// The two tables have the same rows and the same cells (values, their parts, reporting counts, local rules).
    func assertSame(_ a: StatTable, _ b: StatTable, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.rows.map(\.key), b.rows.map(\.key), what, file: file, line: line)
        for (x, y) in zip(a.rows, b.rows) {
            for (i, (c, d)) in zip(x.cells, y.cells).enumerated() {
                let id = a.indicators[i].id
                XCTAssertEqual(c.value, d.value, "\(what) \(x.key) \(id)", file: file, line: line)
                XCTAssertEqual(c.numerator, d.numerator, "\(what) \(x.key) \(id)", file: file, line: line)
                XCTAssertEqual(c.denominator, d.denominator, "\(what) \(x.key) \(id)", file: file, line: line)
                XCTAssertEqual(c.reporting, d.reporting, "\(what) \(x.key) \(id)", file: file, line: line)
                XCTAssertEqual(c.localStatus, d.localStatus, "\(what) \(x.key) \(id)", file: file, line: line)
            }
        }
    }
}
