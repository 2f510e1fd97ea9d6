import Foundation
import XCTest
@testable import SurveyCore
@testable import SurveyStatistics
import SurveyAudit

/// How a year's release and its quarters' tie together (`Linkage`): zone a files quarterly, zone b yearly only.
final class LinkageTests: XCTestCase {
    func returns(_ period: Period, zones: [String]) -> [SurveyReturn] {
        var out: [SurveyReturn] = []
        for z in zones {
            let base = z == "a" ? 0 : 10
            for n in 1...3 { var r = ret(base + n, zone: z, ["revenue": Double(100 * n)]); r.period = period; out.append(r) }
            if z == "a" { var r = ret(9, zone: z, kind: "law_firm", ["revenue": 50]); r.period = period; out.append(r) }
        }
        return out
    }

    func release(_ period: Period, zones: [String]) -> Release {
        Release(period: period, asOf: "x", zones: ["a", "b"], returns: returns(period, zones: zones))
    }

    func testAQuarterHidesWhatTheYearHidesAndCompletesAPairOfHiddenCells() throws {
        let year = release(Period(year: 2025), zones: ["a", "b"])
        let lawFirm = ReleaseKey(measure: "revenue", zone: "a", kind: "law_firm")
        let allLawFirms = ReleaseKey(measure: "revenue", kind: "law_firm")
        let patent = ReleaseKey(measure: "revenue", zone: "a", kind: "patent_agency")
        let zoneA = ReleaseKey(measure: "revenue", zone: "a")
        XCTAssertEqual(year.cell(lawFirm)?.primary, .tooFew, "one law firm")
        var quarters: [Int: Release] = [:]
        for q in 1...3 { quarters[q] = release(Period(year: 2025, quarter: q), zones: ["a"]) }
        // The second quarter hid the patent agencies' cell (to protect another): the year publishes it.
        // (With its one brand level, the same figure: hidden together, as the search hides them.)
        for i in quarters[2]!.cells.indices where quarters[2]!.cells[i].key.zone == "a" && quarters[2]!.cells[i].key.kind == "patent_agency" {
            quarters[2]!.cells[i].status = .secondary
        }
        let q4 = release(Period(year: 2025, quarter: 4), zones: ["a"])

        let link = Linkage.of(Period(year: 2025, quarter: 4), current: q4, year: year, quarters: quarters)
        XCTAssertTrue(link.hidden.contains(lawFirm) && link.sensitive.contains(lawFirm), "hidden in the year under the primary rule")
        XCTAssertFalse(link.hidden.contains(allLawFirms), "the year's all-zone cells hold zone b, which does not file quarterly")
        XCTAssertTrue(link.hidden.contains(patent), "hidden only in Q2 and published in the year: Q4 must hide it too")
        XCTAssertFalse(link.sensitive.contains(patent), "a secondary cell is hidden, not protected as a primary one")
        XCTAssertTrue(link.known.contains(zoneA), "published by the year and the other three quarters")
        XCTAssertFalse(link.known.contains(patent))

        // Before all three other quarters are out, no cell is completed and nothing is known.
        let early = Linkage.of(Period(year: 2025, quarter: 3), current: quarters[3]!, year: year, quarters: [1: quarters[1]!, 2: quarters[2]!])
        XCTAssertTrue(early.hidden.contains(lawFirm))
        XCTAssertFalse(early.hidden.contains(patent))
        XCTAssertTrue(early.known.isEmpty)

        // The year, once all four quarters are out, hides what any of them hides.
        quarters[4] = q4
        let ofYear = Linkage.of(Period(year: 2025), current: year, year: nil, quarters: quarters)
        XCTAssertTrue(ofYear.hidden.contains(patent) && ofYear.hidden.contains(lawFirm))
        XCTAssertFalse(ofYear.hidden.contains(allLawFirms))
        XCTAssertTrue(Linkage.of(Period(year: 2025), current: year, year: nil, quarters: [1: quarters[1]!]).hidden.isEmpty)

        // The audit of the whole year: published in the year and Q1, Q3 and Q4 but hidden in Q2, the cell is given away.
        let unprotectedQ4 = q4
        let (checked, exposed) = Linkage.audit(year: year, quarters: [1: quarters[1]!, 2: quarters[2]!, 3: quarters[3]!, 4: unprotectedQ4])
        XCTAssertGreaterThan(checked, 3)
        XCTAssertTrue(exposed.contains(patent), "\(exposed)")
        XCTAssertFalse(exposed.contains(lawFirm), "hidden in all five (the one law firm's cell is primary in each)")

        // Protected with the linkage, Q4 hides the patent agencies' cell, and never uses a known cell to protect another.
        var protected = q4
        try protected.protect(using: GLPKSolver(), linkage: link)
        XCTAssertNotEqual(protected.cell(patent)?.status, .free)
        XCTAssertEqual(link.exposed(in: protected), [], "no known cell had to be hidden")
    }
}
