import Foundation
import XCTest
@testable import SurveyCore
@testable import SurveyStatistics
import SurveyAudit

func code(_ n: Int) -> CreditCode {
    let first17 = Array("91320311MA\(String(format: "%07d", n))".utf8)
    return CreditCode(validated: String(decoding: first17 + [CreditCode.checkCharacter(for: first17)], as: UTF8.self))
}

/// A return with money in 万元 and counts as given; other fields not reported.
func ret(_ n: Int, zone: String, year: Int = 2025, kind: String = "patent_agency", types: [String] = ["agency"],
         brand: String = "none", _ values: [String: Double]) -> SurveyReturn {
    var numbers = [Int64?](repeating: nil, count: SurveyReturn.numberFields.count)
    for (field, v) in values {
        let i = SurveyReturn.numberFields.firstIndex(of: field)!
        numbers[i] = Form.returns[field].type == .money ? Int64((v * 10_000).rounded()) : Int64(v)
    }
    let mask = types.reduce(UInt32(0)) { $0 | 1 << UInt32(Choices.businessType.index(of: $1)!) }
    return SurveyReturn(creditCode: code(n), agencyName: "示例\(n)", zone: zone, period: Period(year: year), agencyKind: kind,
                        businessTypes: mask, brandLevel: brand, numbers: numbers)
}

/// Zone a: A1 (patent agency, agency + consulting, provincial brand), A2 (trademark agency), A3 (law firm, national brand).
/// Zone b: B1 (enterprise). A year earlier: A1, A2 and B9, which then left.
let current = [
    ret(1, zone: "a", types: ["agency", "consulting"], brand: "provincial",
        ["revenue": 1200, "staff": 20, "staff_degree": 18, "patent_filings_local": 300, "abnormal_notified": 4, "abnormal_withdrawn": 3]),
    ret(2, zone: "a", kind: "trademark_agency", ["revenue": 300, "staff": 10, "pledge_financing": 500]),
    ret(3, zone: "a", kind: "law_firm", types: ["legal"], brand: "national", ["revenue": 500, "staff": 5, "staff_degree": 5, "pledge_financing": 0]),
    ret(4, zone: "b", kind: "enterprise", types: ["operation"], ["revenue": 100, "staff": 4, "pledge_financing": 1000]),
]
let earlier = [
    ret(1, zone: "a", year: 2024, ["revenue": 1000]),
    ret(2, zone: "a", year: 2024, kind: "trademark_agency", ["revenue": 300]),
    ret(9, zone: "b", year: 2024, ["revenue": 200]),
]
let regional = [
    RegionalFigure(zone: "a", period: Period(year: 2025), indicator: "patent_applications", value: 400, source: ""),
    RegionalFigure(zone: "a", period: Period(year: 2025), indicator: "gdp_growth", value: Decimal(string: "5.5")!, source: ""),
]
let data = Dataset(period: Period(year: 2025), returns: current, previous: earlier, regional: regional, zones: ["a", "b"])

func value(_ id: String, by: [Breakdown] = [], key: [String] = []) -> Decimal? {
    let table = StatTable(data, by: by, indicators: [Catalogue.indicator(id)!])
    return table.rows.first { $0.key == key }?.cells[0].value
}

final class IndicatorTests: XCTestCase {
    func testCounts() {
        XCTAssertEqual(value("agencies"), 4)
        XCTAssertEqual(value("agencies", by: [.zone], key: ["a"]), 3)
        XCTAssertEqual(value("brand_agencies"), 2)
        XCTAssertEqual(value("above_scale_agencies"), 1)
        XCTAssertEqual(value("staff"), 39)
    }

    func testMoneyIsExact() {
        XCTAssertEqual(value("revenue"), 2100)
        XCTAssertEqual(value("revenue", by: [.zone], key: ["a"]), 2000)
        XCTAssertEqual(value("avg_revenue"), 525)
        XCTAssertEqual(value("revenue_per_staff")?.fixed(4), "53.8462")     // 2100 ÷ 39
        let odd = Dataset(period: Period(year: 2025), returns: (0..<3).map { ret($0, zone: "a", ["revenue": 0.0001]) } + [ret(7, zone: "a", ["revenue": 0.3333])],
                          previous: [], regional: [], zones: ["a"])
        XCTAssertEqual(StatTable(odd, by: [], indicators: [Catalogue.indicator("revenue")!]).rows[0].cells[0].value, Decimal(string: "0.3336"))
    }

    func testRatiosStateTheirDenominators() {
        XCTAssertEqual(value("staff_degree_share"), Decimal(23) / Decimal(25), "A2 did not report degrees and is left out")
        XCTAssertEqual(value("abnormal_withdrawal_rate"), Decimal(string: "0.75"))
        XCTAssertEqual(value("patent_agency_rate", by: [.zone], key: ["a"]), Decimal(string: "0.75"))
        XCTAssertNil(value("patent_agency_rate"), "zone b has no regional figure: no data, not a guess")
        let cell = StatTable(data, by: [.zone], indicators: [Catalogue.indicator("patent_agency_rate")!]).rows[0].cells[0]
        XCTAssertEqual(cell.numerator, 300)
        XCTAssertEqual(cell.denominator, 400)
    }

    func testNullIsNotZero() {
        let cell = StatTable(data, by: [], indicators: [Catalogue.indicator("pledge_financing")!]).rows[0].cells[0]
        XCTAssertEqual(cell.value, 1500)
        XCTAssertEqual(cell.reporting, 3, "A3's 0 is reported; A1 did not report")
        XCTAssertNil(value("transaction_value"), "nobody reported it")
    }

    func testMultiLabelBusinessTypes() {
        XCTAssertEqual(value("agencies", by: [.business_type], key: ["agency"]), 2)
        XCTAssertEqual(value("agencies", by: [.business_type], key: ["consulting"]), 1)
        XCTAssertEqual(value("revenue", by: [.business_type], key: ["agency"]), 1500)
        let keys = StatTable(data, by: [.business_type], indicators: [Catalogue.indicator("agencies")!]).rows.map(\.key)
        XCTAssertEqual(keys, [["agency"], ["consulting"], ["legal"], ["operation"]])
    }

    func testGrowthAndSameSampleGrowth() {
        XCTAssertEqual(value("revenue_growth"), Decimal(string: "0.4"), "(2100 − 1500) ÷ 1500")
        XCTAssertEqual(value("revenue_growth_same_sample")?.fixed(4), "0.1538", "A1 and A2 only: (1500 − 1300) ÷ 1300")
        XCTAssertEqual(value("revenue_growth", by: [.zone], key: ["b"]), Decimal(string: "-0.5"))
        XCTAssertNil(value("revenue_growth_same_sample", by: [.zone], key: ["b"]), "B1 entered, B9 left: no common agency")
    }

    func testConcentration() {
        XCTAssertEqual(value("cr5"), 1)
        XCTAssertEqual(value("hhi")?.fixed(6), "0.405896", "(12² + 3² + 5² + 1²) ÷ 21²")
    }

    func testRegionalIndicator() {
        XCTAssertEqual(value("patent_applications", by: [.zone], key: ["a"]), 400)
    }

    func testCatalogueIsCompleteAndUnique() {
        let ids = Catalogue.all.map(\.id)
        XCTAssertEqual(Set(ids).count, ids.count)
        for id in ["agencies", "brand_agencies", "above_scale_agencies", "staff", "staff_degree_share", "patent_attorneys", "new_hires",
                   "revenue", "revenue_agency", "avg_revenue", "revenue_per_staff", "revenue_growth", "revenue_growth_same_sample",
                   "patent_filings", "patent_agency_rate", "trademark_agency_rate", "pledge_financing", "pledge_deals",
                   "transaction_value", "clients", "clients_hightech", "abnormal_withdrawal_rate", "cr5", "hhi", "patent_applications",
                   "gdp_growth", "patent_filings_growth", "pledge_financing_growth"] {
            XCTAssertNotNil(Catalogue.indicator(id), id)
        }
        for i in Catalogue.all { XCTAssertFalse(i.definition.zh.isEmpty || i.definition.en.isEmpty || i.formula.isEmpty, i.id) }
        // Every field an indicator names is a number field of the form: a table's plan of all of them resolves
        // (indicators come from the catalogue only, so no request can name another field).
        let plan = TotalsPlan(Catalogue.all)
        XCTAssertTrue(plan.top && plan.squares && plan.fields.contains(SurveyReturn.numberIndex["revenue"]!))
        for i in Catalogue.all {
            let cell = Aggregation.cell(i, returns: [], previous: [], regional: [], zones: [], period: Period(year: 2025))
            XCTAssertEqual(cell.reporting, 0, i.id)
        }
    }

    func testRounding() {
        XCTAssertEqual(Decimal(string: "0.12345")!.fixed(4), "0.1235")
        XCTAssertEqual(Decimal(string: "-0.12345")!.fixed(4), "-0.1235")
        XCTAssertEqual(Decimal(string: "2")!.fixed(2), "2.00")
    }
}

/// Releases: the one pattern per period, checked by the attacker's own linear programme (GLPK).
final class DisclosureTests: XCTestCase {
    /// The dominance rule compares the largest contribution with a share of the sum exactly, however large the
    /// sum (a national year's, times 85, passes 64 bits: it stopped the program before).
    func testTheDominanceRuleHoldsForSumsNear64Bits() {
        let rule = DisclosureRule.standard
        let sum: Int64 = 9_000_000_000_000_000_000
        XCTAssertEqual(rule.primary(contributors: 5, sum: sum, largest: 7_700_000_000_000_000_000), .dominant)
        XCTAssertEqual(rule.primary(contributors: 5, sum: sum, largest: 7_650_000_000_000_000_000), .free, "85 % exactly is not more")
        XCTAssertEqual(rule.primary(contributors: 2, sum: sum, largest: 1), .tooFew)
    }

    let solver = GLPKSolver()

    func release(_ rs: [SurveyReturn], zones: [String] = ["a", "b", "c"]) throws -> Release {
        var r = Release(period: Period(year: 2025), asOf: "2026-01-01T00:00:00.000Z", zones: zones, returns: rs)
        try r.protect(using: solver)
        return r
    }

    func status(_ r: Release, _ measure: String = "revenue", zone: String = "*", kind: String = "*", brand: String = "*") -> ConfStatus? {
        r.cell(ReleaseKey(measure: measure, zone: zone, kind: kind, brand: brand))?.status
    }

    func table(_ rs: [SurveyReturn], _ r: Release, by: [Breakdown], _ ids: [String], zones: [String]? = nil) throws -> StatTable {
        let zs = zones ?? r.zones
        var t = StatTable(Dataset(period: Period(year: 2025), returns: rs.filter { zs.contains($0.zone) }, previous: [], regional: [], zones: zs),
                          by: by, indicators: ids.map { Catalogue.indicator($0)! })
        try t.protect(with: r, previous: nil, zones: zs)
        return t
    }

    /// Zone c has one agency: hidden (A); a total and the other zones would give it back, so another zone goes (D).
    let three = [ret(1, zone: "a", ["revenue": 500]), ret(2, zone: "a", ["revenue": 400]), ret(3, zone: "a", ["revenue": 300]),
                 ret(4, zone: "b", ["revenue": 200]), ret(5, zone: "b", ["revenue": 200]), ret(6, zone: "b", ["revenue": 200]),
                 ret(7, zone: "c", ["revenue": 100])]

    func testOneAgencyZoneAndTheZoneThatProtectsIt() throws {
        for _ in 0..<3 {
            let r = try release(three)
            XCTAssertEqual(status(r, zone: "c"), .tooFew)
            XCTAssertEqual(status(r, zone: "b"), .secondary, "b (600) is the cheapest zone able to hide c's 100 within ±10 %")
            XCTAssertEqual(status(r, zone: "a"), .free)
            XCTAssertEqual(status(r), .free, "the total is published")
            XCTAssertTrue(try Auditing(r).allSatisfy(\.isProtected))
        }
    }

    func testDominantAgencyAndCountsAreFree() throws {
        let rs = [ret(1, zone: "a", ["revenue": 900]), ret(2, zone: "a", ["revenue": 50]), ret(3, zone: "a", ["revenue": 50])]
        let r = try release(rs, zones: ["a"])
        XCTAssertEqual(status(r, zone: "a"), .dominant, "900 of 1000 is above 85 %")
        let t = try table(rs, r, by: [], ["revenue", "agencies", "avg_revenue"])
        XCTAssertEqual(t.rows[0].cells.map(\.status), [.dominant, .free, .dominant], "counts are free; the average hides with revenue")
        let fine = [ret(1, zone: "a", ["revenue": 850]), ret(2, zone: "a", ["revenue": 100]), ret(3, zone: "a", ["revenue": 50])]
        XCTAssertEqual(status(try release(fine, zones: ["a"]), zone: "a"), .free, "exactly 85 % is allowed")
    }

    /// The per-zone paper's cells are the all-zone release's: its zone total and its kinds are the same cells.
    func testAZoneAloneShowsTheCellsOfTheOneRelease() throws {
        let rs = three + [ret(8, zone: "c", kind: "law_firm", ["revenue": 80]), ret(9, zone: "c", kind: "law_firm", ["revenue": 90]),
                          ret(10, zone: "c", kind: "law_firm", ["revenue": 70])]
        let r = try release(rs)
        let all = try table(rs, r, by: [.agency_kind], ["revenue"])
        let c = try table(rs, r, by: [.agency_kind], ["revenue"], zones: ["c"])
        for row in c.rows {
            XCTAssertEqual(row.cells[0].status, status(r, zone: "c", kind: row.key[0]), row.key[0])
        }
        XCTAssertEqual(c.cell("revenue", key: ["patent_agency"])?.status, .tooFew)
        // Subtracting the zone paper from the all-zone paper: the hidden cell of c cannot be got back.
        let allPatent = all.cell("revenue", key: ["patent_agency"])!, cLaw = c.cell("revenue", key: ["law_firm"])!
        XCTAssertTrue(allPatent.published == nil || cLaw.status != .free || status(r, zone: "c") != .free,
                      "one of the cells a subtraction needs is hidden")
    }

    func testSomeButNotAllZonesAreRefused() throws {
        let r = try release(three)
        XCTAssertThrowsError(try table(three, r, by: [], ["revenue"], zones: ["a", "b"])) { e in
            XCTAssertTrue((e as? OutsideRelease)?.message.en.contains("--by zone") == true)
        }
        XCTAssertNoThrow(try table(three, r, by: [.zone], ["revenue"], zones: ["a", "b"]), "answered by zone")
        XCTAssertNoThrow(try table(three, r, by: [], ["agencies"], zones: ["a", "b"]), "counts are not money")
        XCTAssertThrowsError(try table(three, r, by: [.business_type], ["revenue"]))
    }

    /// Two single-agency cells in one line with a published total: each firm would learn the other's figure.
    func testTwoSingletonsInALineGetAThird() throws {
        let rs = [ret(1, zone: "a", brand: "municipal", ["revenue": 100]), ret(2, zone: "a", brand: "provincial", ["revenue": 120]),
                  ret(3, zone: "a", ["revenue": 300]), ret(4, zone: "a", ["revenue": 310]), ret(5, zone: "a", ["revenue": 320])]
        let r = try release(rs, zones: ["a"])
        XCTAssertEqual(status(r, zone: "a", brand: "municipal"), .tooFew)
        XCTAssertEqual(status(r, zone: "a", brand: "provincial"), .tooFew)
        XCTAssertEqual(status(r, zone: "a", brand: "none"), .secondary, "the third cell of the line")
        XCTAssertTrue(try Auditing(r).allSatisfy(\.isProtected))
    }

    /// The revenue breakdown is at most revenue: a hidden line next to lines that add up to nearly all of it
    /// would be bounded tightly, so another line goes too.
    func testRevenueBreakdownIsProtectedWithinRevenue() throws {
        let rs = [
            ret(1, zone: "a", ["revenue": 300, "revenue_agency": 200, "revenue_legal": 100]),
            ret(2, zone: "a", ["revenue": 500, "revenue_agency": 300, "revenue_consulting": 200]),
            ret(3, zone: "a", ["revenue": 450, "revenue_agency": 250, "revenue_consulting": 200]),
        ]
        let r = try release(rs, zones: ["a"])
        XCTAssertEqual(status(r, "revenue_legal", zone: "a"), .tooFew)
        XCTAssertEqual(status(r, "revenue_consulting", zone: "a"), .tooFew)
        XCTAssertTrue(try Auditing(r).allSatisfy(\.isProtected))
    }

    /// A broken pattern (a secondary cell published) is found by the audit.
    func testTheAuditFindsABrokenPattern() throws {
        let r = try release(three)
        let broken = r.publishing(ReleaseKey(measure: "revenue", zone: "b"))
        let audit = try Auditing(broken)
        XCTAssertFalse(audit.allSatisfy(\.isProtected))
        let c = try XCTUnwrap(audit.first { !$0.isProtected })
        XCTAssertEqual(broken.cells[c.cell].key, ReleaseKey(measure: "revenue", zone: "c"))
        XCTAssertEqual(c.interval.lowerBound, 100, accuracy: 0.02, "pinned: total − a − b")
    }

    /// A growth rate of a cell hidden last year would give it back: hidden too.
    func testGrowthOfACellHiddenLastYearIsHidden() throws {
        let now = try release(three)
        var before = Release(period: Period(year: 2024), asOf: "2025-01-01T00:00:00.000Z", zones: ["a", "b", "c"],
                             returns: three.map { var x = $0; x.period = Period(year: 2024); return x } + [ret(11, zone: "a", year: 2024, ["revenue": 1])])
        try before.protect(using: solver)
        let hiddenBefore = ["a", "b", "c"].filter { before.cell(ReleaseKey(measure: "revenue", zone: $0))!.status != .free }
        XCTAssertFalse(hiddenBefore.isEmpty)
        let growth = Catalogue.indicator("revenue_growth")!
        for z in ["a", "b", "c"] {
            let s = now.status(of: growth, at: ReleaseKey(measure: "revenue", zone: z), previous: before, hasValue: true)
            if hiddenBefore.contains(z) { XCTAssertNotEqual(s, .free, z) }
        }
        XCTAssertEqual(now.status(of: growth, at: ReleaseKey(measure: "revenue", zone: "a"), previous: nil, hasValue: true), .secondary,
                       "without last year's release nothing is known of its pattern")
    }

    func testALateReturnOfOneAgencyIsNamed() throws {
        let before = try release(three)
        let late = three + [ret(12, zone: "a", ["revenue": 250])]
        let after = try release(late)
        let named = after.revisions(since: before, before: three, now: late).map(\.key)
        XCTAssertTrue(named.contains(ReleaseKey(measure: "revenue")), "the total changes by one agency's figure")
    }
}

final class TargetTests: XCTestCase {
    let zones = [Zone(id: "a", name: Bilingual("甲区", "A"), level: "national_pilot", city: "", divisionCode: "320311",
                      planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2026, month: 12, day: 31)!, planDocument: ""),
                 Zone(id: "b", name: Bilingual("乙区", "B"), level: "provincial", city: "", divisionCode: "321302",
                      planStart: SimpleDate(year: 2025, month: 1, day: 1)!, planEnd: SimpleDate(year: 2027, month: 12, day: 31)!, planDocument: "")]

    func evaluate(_ t: PlanTarget) -> TargetResult {
        TargetEvaluation.evaluate([t], year: 2025, zones: zones) { ids in
            Dataset(period: Period(year: 2025), returns: current.filter { ids.contains($0.zone) },
                    previous: earlier.filter { ids.contains($0.zone) }, regional: regional, zones: ids)
        }[0]
    }

    func target(_ zone: String, _ id: String, _ op: TargetOperator, _ v: Decimal) -> PlanTarget {
        PlanTarget(zone: zone, indicator: id, op: op, value: v, deadline: SimpleDate(year: 2026, month: 12, day: 31)!, source: "doc")
    }

    func testEachStatus() {
        XCTAssertEqual(evaluate(target("a", "agencies", .atLeast, 3)).status, .met)
        let onTrack = evaluate(target("a", "revenue", .atLeast, 2500))
        XCTAssertEqual(onTrack.status, .on_track, "2000 ÷ 2500 = 80 % ≥ 731 of 1096 days elapsed (66.7 %)")
        XCTAssertEqual(onTrack.progress, Decimal(string: "0.8"))
        XCTAssertEqual(onTrack.elapsed?.fixed(4), "0.6670")
        XCTAssertEqual(evaluate(target("a", "revenue", .atLeast, 4000)).status, .behind, "50 % < 66.7 %")
        XCTAssertEqual(evaluate(target("b", "patent_agency_rate", .atLeast, Decimal(string: "0.6")!)).status, .no_data)
        XCTAssertEqual(evaluate(target("a", "abnormal_withdrawal_rate", .atMost, Decimal(string: "0.5")!)).status, .behind)
        XCTAssertEqual(evaluate(target("all", "agencies", .atLeast, 4)).status, .contribution, "all zones together: 4 agencies, a contribution to a provincial goal")
    }

    func testBeatAnotherIndicator() {
        let r = evaluate(target("a", "revenue_growth", .atLeastIndicator("gdp_growth"), 0))
        XCTAssertEqual(r.status, .met, "(2000 − 1300) ÷ 1300 = 53.8 % beats GDP growth 5.5 %")
        XCTAssertEqual(r.reference, Decimal(string: "0.055"))
        XCTAssertEqual(evaluate(target("b", "revenue_growth", .atLeastIndicator("gdp_growth"), 0)).status, .no_data)
    }
}

/// The kinds of target the plans use (issue 15): about, increase, growth, a reference with or without a margin.
final class TargetKindTests: XCTestCase {
    let zones = [Zone(id: "a", name: Bilingual("甲区", "A"), level: "national_pilot", city: "", divisionCode: "320311",
                      planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2026, month: 12, day: 31)!, planDocument: "")]
    let figures = regional + [
        RegionalFigure(zone: "a", period: Period(year: 2023), indicator: "info_outlets", value: 10, source: ""),
        RegionalFigure(zone: "a", period: Period(year: 2025), indicator: "info_outlets", value: 25, source: ""),
        RegionalFigure(zone: "a", period: Period(year: 2023), indicator: "invention_grants", value: 100, source: ""),
        RegionalFigure(zone: "a", period: Period(year: 2025), indicator: "invention_grants", value: 125, source: ""),
    ]

    func evaluate(_ id: String, _ op: TargetOperator, _ v: String, base: Int? = nil, tolerance: String? = nil, zone: String = "a") -> TargetResult {
        let t = PlanTarget(zone: zone, indicator: id, op: op, value: Decimal(string: v)!, deadline: SimpleDate(year: 2026, month: 12, day: 31)!,
                           source: "doc", quote: "原文", baseYear: base, tolerance: tolerance.flatMap { Decimal(string: $0) })
        return TargetEvaluation.evaluate([t], year: 2025, zones: zones) { ids in
            Dataset(period: Period(year: 2025), returns: current.filter { ids.contains($0.zone) },
                    previous: earlier.filter { ids.contains($0.zone) }, regional: figures, zones: ids)
        }[0]
    }

    func testAboutIsMetWithinItsToleranceAndShowsTheDeviation() {
        // Zone a has 3 agencies; 66.7 % of its plan period has passed by the end of 2025.
        let exact = evaluate("agencies", .about, "3")
        XCTAssertEqual(exact.status, .met)
        XCTAssertEqual(exact.deviation, 0)
        let near = evaluate("agencies", .about, "4")
        XCTAssertEqual(near.deviation, Decimal(string: "-0.25"))
        XCTAssertEqual(near.status, .on_track, "25 % short of 4 is outside ±10 %, but 75 % ≥ 66.7 % elapsed")
        XCTAssertEqual(evaluate("agencies", .about, "5").status, .behind, "60 % < 66.7 %")
        XCTAssertEqual(evaluate("agencies", .about, "5", tolerance: "0.4").status, .met, "within ±40 %")
        XCTAssertEqual(evaluate("agencies", .about, "2").status, .met, "above the band the aim is reached; deviation +50 %")
    }

    func testAnIncreaseIsMeasuredFromTheBaseYear() {
        let r = evaluate("info_outlets", .increaseAtLeast, "30", base: 2023)
        XCTAssertEqual(r.base, 10)
        XCTAssertEqual(r.change, 15)
        XCTAssertEqual(r.progress, Decimal(string: "0.5"))
        XCTAssertEqual(r.status, .behind)
        XCTAssertEqual(evaluate("info_outlets", .increaseAtLeast, "20", base: 2023).status, .on_track)
        XCTAssertEqual(evaluate("info_outlets", .increaseAtLeast, "15", base: 2023).status, .met)
        XCTAssertEqual(evaluate("info_outlets", .increaseAtLeast, "15", base: 2022).status, .no_data, "no figure for the base year")
        XCTAssertEqual(evaluate("agencies", .increaseAtLeast, "1", base: 2024).status, .no_data, "base years are read from the regional file")
    }

    func testAGrowthTargetIsAgainstTheBaseYear() {
        let r = evaluate("invention_grants", .growthAtLeast, "0.2", base: 2023)
        XCTAssertEqual(r.change, Decimal(string: "0.25"))
        XCTAssertEqual(r.status, .met)
        XCTAssertEqual(evaluate("invention_grants", .growthAtLeast, "0.3", base: 2023).status, .on_track, "25 ÷ 30 = 83 % ≥ 66.7 %")
        XCTAssertEqual(evaluate("invention_grants", .growthAtLeast, "0.5", base: 2023).status, .behind)
    }

    func testLeadingAgenciesAreCountedOnlyWhereReturnsSaySo() {
        let leading = Catalogue.indicator("leading_agencies")!
        var some = current.filter { $0.zone == "a" }
        func count(_ rs: [SurveyReturn]) -> Decimal? {
            Aggregation.cell(leading, returns: rs, previous: [], regional: [], zones: ["a"], period: Period(year: 2025)).value
        }
        XCTAssertNil(count(some), "no return reports the designation: no data, not 0")
        some[0].designation = "leading"
        some[1].designation = "none"
        XCTAssertEqual(count(some), 1)
        XCTAssertEqual(Catalogue.indicator("brand_agencies")!.computation, .brandAgencies, "龙头 is not 品牌")
        // A provincial goal: the zones' contribution, never their attainment.
        let goal = TargetEvaluation.evaluate([PlanTarget(zone: "all", indicator: "agencies", op: .atLeast, value: 20,
                                                         deadline: SimpleDate(year: 2027, month: 12, day: 31)!, source: "doc")],
                                             year: 2025, zones: zones) { ids in
            Dataset(period: Period(year: 2025), returns: current.filter { ids.contains($0.zone) }, previous: [], regional: [], zones: ids)
        }[0]
        XCTAssertEqual(goal.status, .contribution)
        XCTAssertEqual(goal.progress, goal.actual.map { $0 / 20 })
    }

    func testAReferenceWithoutAValueHasNoMarginAndAValueIsOne() {
        XCTAssertEqual(evaluate("revenue_growth", .atLeastIndicator("gdp_growth"), "0").status, .met, "53.8 % ≥ 5.5 %")
        XCTAssertEqual(evaluate("revenue_growth", .atLeastIndicator("gdp_growth"), "0.6").status, .behind, "53.8 % < 5.5 % + 60 %")
    }
}

final class EverySumIndicatorTests: XCTestCase {
    /// Three returns where field k holds k, 10k and 100k (money in 万元): every plain sum must be 111k, and its
    /// growth against a year with k alone must be 110.
    func testEverySumAndItsGrowth() {
        func filled(_ n: Int, year: Int, scale: Double) -> SurveyReturn {
            var values: [String: Double] = [:]
            for (k, f) in SurveyReturn.numberFields.enumerated() { values[f] = Double(k + 1) * scale }
            return ret(n, zone: "a", year: year, values)
        }
        let d = Dataset(period: Period(year: 2025), returns: [filled(1, year: 2025, scale: 1), filled(2, year: 2025, scale: 10), filled(3, year: 2025, scale: 100)],
                        previous: [filled(1, year: 2024, scale: 1)], regional: [], zones: ["a"])
        var checked = 0
        for ind in Catalogue.all {
            guard case .sum(let field) = ind.computation else { continue }
            let k = Decimal(SurveyReturn.numberFields.firstIndex(of: field)! + 1)
            let t = StatTable(d, by: [], indicators: [ind])
            XCTAssertEqual(t.rows[0].cells[0].value, k * 111, ind.id)
            XCTAssertEqual(t.rows[0].cells[0].reporting, 3, ind.id)
            if ind.isFlow, let g = Catalogue.indicator("\(ind.id)_growth") {
                XCTAssertEqual(StatTable(d, by: [], indicators: [g]).rows[0].cells[0].value, 110, g.id)
            }
            checked += 1
        }
        XCTAssertEqual(checked, 25, "staff_degree and abnormal_withdrawn enter through their ratios")
    }
}

final class AnnualReportTests: XCTestCase {
    /// The white paper's tables take their statuses from the release of the year.
    func testTablesOfThePaperAreCellsOfTheRelease() throws {
        let rs = [
            ret(1, zone: "a", ["revenue": 300, "revenue_agency": 200, "revenue_legal": 100]),
            ret(2, zone: "a", ["revenue": 500, "revenue_agency": 300, "revenue_consulting": 200]),
            ret(3, zone: "a", ["revenue": 450, "revenue_agency": 250, "revenue_consulting": 200]),
            ret(4, zone: "b", ["revenue": 300, "revenue_agency": 300]),
            ret(5, zone: "b", ["revenue": 300, "revenue_agency": 300]),
            ret(6, zone: "b", ["revenue": 300, "revenue_agency": 300]),
        ]
        let zones = ["a", "b"].map { Zone(id: $0, name: Bilingual($0, $0), level: "provincial", city: "", divisionCode: "320000",
                                          planStart: SimpleDate(year: 2025, month: 1, day: 1)!, planEnd: SimpleDate(year: 2027, month: 12, day: 31)!, planDocument: "") }
        var release = Release(period: Period(year: 2025), asOf: "x", zones: ["a", "b"], returns: rs)
        try release.protect(using: GLPKSolver())
        let report = try AnnualReport(year: 2025, zones: zones, returns: rs, regional: [], targets: [], releases: [2025: release])
        let t = report.businessByZone
        XCTAssertEqual(t.cell("revenue_legal", key: ["a"])?.status, .tooFew)
        XCTAssertEqual(t.cell("revenue_consulting", key: ["a"])?.status, .tooFew, "two agencies")
        for id in ["revenue", "revenue_agency", "revenue_legal", "revenue_consulting"] {
            XCTAssertEqual(t.cell(id, key: ["a"])?.status, release.cell(ReleaseKey(measure: id, zone: "a"))?.status, id)
        }
        XCTAssertEqual(report.directory.map(\.name), (1...6).map { "示例\($0)" })
        // The layout's tables, evaluated: the same cells, and shares derived here (the total's own share is 1).
        let tables = report.evaluate(WhitePaperLayout.annual)
        XCTAssertEqual(tables.map(\.layout.id), WhitePaperLayout.annual.map(\.id))
        let byZone = try XCTUnwrap(tables.first { $0.layout.id == "business_by_zone" })
        let legal = try XCTUnwrap(byZone.layout.columns.firstIndex { if case .value("revenue_legal") = $0.figure { true } else { false } })
        XCTAssertEqual(byZone.rows.first { $0.kind == .zone("a") }?.cells[legal].cell.status, .tooFew)
        XCTAssertEqual(byZone.rows.last?.kind, .total)
        let lines = try XCTUnwrap(tables.first { $0.layout.id == "business_lines" })
        XCTAssertEqual(lines.rows.last?.cells[1].cell.value, 1, "total revenue is 100 % of itself, computed, not written")
        XCTAssertEqual(lines.rows.first { $0.kind == .indicator("revenue_agency") }?.cells[1].cell.value?.fixed(4), "0.7674", "1650 ÷ 2150")
        XCTAssertThrowsError(try AnnualReport(year: 2025, zones: zones, returns: rs, regional: [], targets: [], releases: [:]), "no release, no paper")
    }

    func testSharesAndChangesOfHiddenCellsAreHidden() {
        let free = Cell(value: 50, reporting: 5), total = Cell(value: 200, reporting: 9)
        XCTAssertEqual(free.share(of: total).value, Decimal(string: "0.25"))
        XCTAssertEqual(free.change(since: Cell(value: 40, reporting: 4)).value, Decimal(string: "0.25"))
        XCTAssertEqual(Cell(value: 0.5, reporting: 3).difference(since: Cell(value: 0.4, reporting: 3)).value, Decimal(string: "0.1"))
        var hidden = free
        hidden.status = .tooFew
        XCTAssertEqual(hidden.share(of: total).status, .tooFew)
        XCTAssertNil(hidden.share(of: total).published)
        XCTAssertEqual(total.change(since: hidden).status, .secondary, "a change against a hidden figure would reveal it")
        XCTAssertNil(free.change(since: Cell(value: 0, reporting: 1)).value, "no growth from zero")
    }
}

/// The audit as the tests call it: every sensitive cell's protection under the release's own pattern.
func Auditing(_ r: Release) throws -> [Protection] { try r.audit(using: GLPKSolver()) }
