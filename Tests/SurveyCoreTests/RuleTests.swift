import XCTest
@testable import SurveyCore

/// Every rule of the returns form: one passing and one failing case each.
final class RuleTests: XCTestCase {
    func testTheBaseRowIsValid() throws {
        XCTAssertEqual(try codes([:]), [])
    }

    func testRequiredFields() throws {
        for field in Form.returns.fields where field.required {
            XCTAssertEqual(try codes([field.id: ""]), ["\(field.id).required"], field.id)
            XCTAssertEqual(try codes([field.id: "  \u{3000}"]), ["\(field.id).required"], "blank counts as empty: \(field.id)")
        }
        XCTAssertEqual(try codes(["revenue_agency": ""]), [], "optional fields may be empty")
    }

    func testEmptyIsNotReportedNotZero() throws {
        let (_, rows) = try check(returnCSV(["pledge_financing": "", "clients": "0"]))
        let ix = Form.returns.index
        XCTAssertEqual(rows[0].values[ix["pledge_financing"]!], .empty)
        XCTAssertEqual(rows[0].values[ix["clients"]!], .int(0))
    }

    /// A money or count cell is read on the checker's quick path when it needs no trimming and is a plain
    /// number, and by the general one otherwise: either way it has the value, or the finding, that the number
    /// reader gives its trimmed bytes.
    func testNumberCellsReadAsTheNumberReaderReadsThem() throws {
        let ix = Form.returns.index
        let cells = ["0", "7", "007", "333.419", "12.34567", "4.2", "12345678901234", "123456789012345", " 12", "12 ", "\u{3000}5",
                     "\t7", "１２", "-3", "+3", "1,000", "5.", ".5", "12a", "a12", "1e3", "NaN", "99999999999999999"]
        for cell in cells {
            for (field, scale) in [("foreign_revenue", 4), ("pct_filings", 0)] {
                let (_, rows) = try check(returnCSV([field: cell, "patent_filings": "9999", "invention_filings": "9999"]))
                let read = Array(cell.utf8).withUnsafeBufferPointer { CellBytes.number(CellBytes.trim($0), scale: scale) }
                // (Its finding as a number; a value above its whole is a rule between cells.)
                let own = rows[0].findings.filter { $0.field == field && !$0.code.contains("exceeds") }.map(\.code)
                if case .value(let v) = read {
                    XCTAssertEqual(rows[0].values[ix[field]!], .int(v), "\(field) '\(cell)'")
                    XCTAssertEqual(own, [], "\(field) '\(cell)'")
                } else {
                    XCTAssertEqual(rows[0].values[ix[field]!], .empty, "\(field) '\(cell)'")
                    XCTAssertEqual(own.count, 1, "\(field) '\(cell)': \(own)")
                }
            }
        }
    }

    func testMoneyCells() throws {
        let money = Form.returns.fields.filter { $0.type == .money }.map(\.id)
        for id in money {
            let ok = id == "revenue" ? "1,000.5" : "0.5"
            var row = ["revenue": "1000"]
            row[id] = ok
            XCTAssertEqual(try codes(row).filter { $0.hasPrefix(id + ".") && !$0.contains("breakdown") }, [], id)
            XCTAssertEqual(try codes([id: "abc"]), ["\(id).not_a_number"], id)
            XCTAssertEqual(try codes([id: "-1"]), ["\(id).negative"], id)
            XCTAssertEqual(try codes([id: "1.00001"]), ["\(id).too_many_decimals"], id)
        }
        XCTAssertEqual(try codes(["revenue": "９９"]), [], "full-width digits")
        XCTAssertEqual(try codes(["revenue": "123456789012345"]), ["revenue.too_large"])
    }

    func testCountCells() throws {
        for field in Form.returns.fields where field.type == .count {
            XCTAssertEqual(try codes([field.id: "2.5"]), ["\(field.id).not_whole"], field.id)
            XCTAssertEqual(try codes([field.id: "x"]), ["\(field.id).not_a_number"], field.id)
            XCTAssertEqual(try codes([field.id: "-1"]), ["\(field.id).negative"], field.id)
        }
        XCTAssertEqual(try codes(["staff": "1,200"]), [])
    }

    func testTextLength() throws {
        XCTAssertEqual(try codes(["agency_name": String(repeating: "名", count: 100)]), [])
        XCTAssertEqual(try codes(["agency_name": String(repeating: "名", count: 101)]), ["agency_name.too_long"])
    }

    func testEnumsByIdOrChineseName() throws {
        XCTAssertEqual(try codes(["agency_kind": "律师事务所", "business_types": "法律服务"]), [])
        XCTAssertEqual(try codes(["agency_kind": "LAW_FIRM", "brand_level": "国家级"]), [])
        XCTAssertEqual(try codes(["agency_kind": "律所"]), ["agency_kind.unknown_value"])
        XCTAssertEqual(try codes(["brand_level": "县级"]), ["brand_level.unknown_value"])
    }

    func testBusinessTypeLists() throws {
        let (_, rows) = try check(returnCSV(["business_types": "代理服务；咨询服务、training;agency"]))
        XCTAssertEqual(rows[0].findings, [])
        XCTAssertEqual(rows[0].values[Form.returns.index["business_types"]!], .choices(0b101001), "agency, consulting, training")
        XCTAssertEqual(try codes(["business_types": "代理服务;装修"]), ["business_types.unknown_value"])
        XCTAssertEqual(try codes(["business_types": ";；"]), ["business_types.required"])
    }

    func testPeriods() throws {
        XCTAssertEqual(try codes(["period": "2025Q4"]), [])
        XCTAssertEqual(try codes(["period": "2025-1"]), ["period.bad_period"])
    }

    func testZoneKnownByIdOrName() throws {
        XCTAssertEqual(try codes(["zone": "徐州市泉山区"]), [])
        XCTAssertEqual(try codes(["zone": "泉山区"]), [])
        XCTAssertEqual(try codes(["zone": "Quanshan"]), [])
        XCTAssertEqual(try codes(["zone": "gulou"]), ["zone.unknown"])
    }

    func testPartNotGreaterThanWhole() throws {
        let pairs: [(String, String)] = Form.returns.rules.compactMap {
            if case .notGreaterThan(let p, let w) = $0 { return (p, w) } else { return nil }
        }
        XCTAssertEqual(pairs.count, 10)
        for (part, whole) in pairs {
            let isMoney = Form.returns[part].type == .money
            var base = ["revenue": isMoney ? "10" : "100", "staff": "100"]
            base[whole] = "10"
            XCTAssertEqual(try codes(base.merging([part: "10"]) { $1 }), [], "equal is fine: \(part)")
            XCTAssertEqual(try codes(base.merging([part: "11"]) { $1 }), ["\(part).exceeds_\(whole)"], part)
        }
    }

    func testRevenueBreakdown() throws {
        XCTAssertEqual(try codes(["revenue": "100", "revenue_agency": "60", "revenue_consulting": "40"]), [])
        XCTAssertEqual(try codes(["revenue": "100", "revenue_agency": "99"]), [], "99 % is enough")
        XCTAssertEqual(try codes(["revenue": "100", "revenue_agency": "60", "revenue_consulting": "40.0001"]),
                       ["revenue.breakdown_exceeds_total"])
        let below = try check(returnCSV(["revenue": "100", "revenue_agency": "98.9999"])).1[0]
        XCTAssertEqual(below.findings.map(\.code), ["revenue.breakdown_below_total"])
        XCTAssertEqual(below.findings[0].severity, .warning)
        XCTAssertFalse(below.isRejected, "a warning does not reject")
    }

    /// A money cell holds less than 10^12 yuan (8 whole digits of 万元) and a count less than 10^9, so that no sum
    /// of a year's returns overflows: cells of 14 digits were taken before, and two of them in one row stopped the
    /// check itself (its 99 % rule multiplied 10^18 yuan by 100), twenty in a year the white paper.
    func testTheLargestCellsAndTheirBreakdown() throws {
        let most = "99999999.9999"
        XCTAssertEqual(try codes(["revenue": most, "revenue_agency": most]), [])
        XCTAssertEqual(try codes(["revenue": "100000000", "revenue_agency": "100000000"]), ["revenue.too_large", "revenue_agency.too_large"])
        XCTAssertEqual(try codes(["revenue": "99999999999999", "revenue_agency": "99999999999999"]), ["revenue.too_large", "revenue_agency.too_large"])
        XCTAssertEqual(try codes(["revenue": most, "revenue_agency": most, "revenue_legal": most, "revenue_information": most,
                                  "revenue_consulting": most, "revenue_operation": most, "revenue_training": most, "revenue_other": most]),
                       ["revenue.breakdown_exceeds_total"])
        XCTAssertEqual(try codes(["revenue": most, "revenue_agency": "98999999.9999"]), ["revenue.breakdown_below_total"])
        XCTAssertEqual(try codes(["revenue": most, "revenue_agency": "99000000"]), [], "99 % is enough")
        XCTAssertEqual(try codes(["staff": "999999999", "staff_degree": "999999999"]), [])
        XCTAssertEqual(try codes(["staff": "1000000000"]), ["staff.too_large"])
    }

    func testPledgeDeals() throws {
        XCTAssertEqual(try codes(["pledge_financing": "500", "pledge_deals": "2"]), [])
        XCTAssertEqual(try codes(["pledge_financing": "0", "pledge_deals": ""]), [])
        XCTAssertEqual(try codes(["pledge_financing": "500", "pledge_deals": "0"]), ["pledge_deals.missing_for_financing"])
        XCTAssertEqual(try codes(["pledge_financing": "500"]), ["pledge_deals.missing_for_financing"])
    }

    func testDivisionCodeOfTheZone() throws {
        let (_, rows) = try check(returnCSV(["credit_code": validCode("320302")]))
        XCTAssertEqual(rows[0].findings.map(\.code), ["credit_code.division_mismatch"])
        XCTAssertEqual(rows[0].findings[0].severity, .warning)
        XCTAssertTrue(rows[0].findings[0].message.zh.contains("320302"))
    }

    func testSubmissionDateIsAWarningOnly() throws {
        XCTAssertEqual(try codes(["submitted_on": "2026-02-15"]), [])
        let row = try check(returnCSV(["submitted_on": "去年"])).1[0]
        XCTAssertEqual(row.findings.map(\.code), ["submitted_on.bad_date"])
        XCTAssertFalse(row.isRejected)
    }

    func testDuplicateCreditCodeAndPeriodInOneFile() throws {
        let (summary, rows) = try check(returnCSV([:], extraRows: [["period": "2024"], [:]]))
        XCTAssertEqual(rows.map { $0.findings.map(\.code) }, [[], [], ["credit_code.duplicate_in_file"]])
        XCTAssertTrue(rows[2].findings[0].message.en.contains("line 2"))
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(summary.rejected, 1)
    }

    func testDuplicatesAreFoundAmongThousandsOfReturns() throws {
        // The table of seen credit code × period keys grows as it fills; a duplicate must still point at the
        // first line, and the same code in another period is not a duplicate.
        let codes = (0..<3000).map { validCode("320311", String(format: "MA%07d", $0)) }
        var rows = codes.map { ["credit_code": $0] }
        rows.append(["credit_code": codes[0]])
        rows.append(["credit_code": codes[1500], "period": "2024"])
        rows.append(["credit_code": codes[1500]])
        let (summary, checked) = try check(returnCSV(rows[0], extraRows: Array(rows.dropFirst())))
        let flagged = checked.filter { !$0.findings.isEmpty }
        XCTAssertEqual(flagged.map(\.line), [3002, 3004])
        XCTAssertEqual(flagged.map { $0.findings.map(\.code) }, [["credit_code.duplicate_in_file"], ["credit_code.duplicate_in_file"]])
        XCTAssertTrue(flagged[0].findings[0].message.en.contains("line 2"), flagged[0].findings[0].message.en)
        XCTAssertTrue(flagged[1].findings[0].message.en.contains("line 1502"), flagged[1].findings[0].message.en)
        XCTAssertEqual(summary.rows, 3003)
        XCTAssertEqual(summary.accepted, 3001)
    }

    func testKeyTableGivesTheFirstLineOfEveryKeyAsItGrows() {
        // 3 line bits instead of 22: lines from 7 on take the path of files with over four million lines.
        for lineBits in [22, 3] {
            var table = CodePeriodTable(capacity: 4, lineBits: lineBits)
            let keys: [(UInt64, UInt64)] = (0..<500).map { (n: Int) -> (UInt64, UInt64) in
                let high: UInt64 = (UInt64(n) &* 0x9E37_79B9) & ((1 << 60) - 1)
                let low: UInt64 = UInt64(n % 7) << 16 | UInt64(2025 << 3)
                return (high, low)
            }
            for (n, (high, low)) in keys.enumerated() { XCTAssertNil(table.insert(high, low, line: n + 2)) }
            for (n, (high, low)) in keys.enumerated() {
                XCTAssertEqual(table.insert(high, low, line: 9999), n + 2, "key \(n), \(lineBits) line bits")
            }
            XCTAssertNil(table.insert(keys[0].0, keys[0].1 + 1, line: 10_000), "another period is another key")
        }
    }

    func testFindingsAreTheSameWhenValuesAreNotKept() throws {
        let text = returnCSV(["revenue": "12a"], extraRows: [["agency_name": String(repeating: "名", count: 101)], ["staff_degree": "20"], [:], [:]])
        var kept: [CheckedRow] = [], bare: [CheckedRow] = []
        let path = temporaryFile(Array(text.utf8))
        let a = try SurveyFile.check(path, zones: testZones, onRow: { _, row in kept.append(row) })
        let b = try SurveyFile.check(path, zones: testZones, keepValues: false, onRow: { _, row in bare.append(row) })
        XCTAssertEqual(a.findings, b.findings)
        XCTAssertEqual([a.accepted, a.rejected], [b.accepted, b.rejected])
        XCTAssertEqual(bare.map(\.findings), kept.map(\.findings))
        XCTAssertEqual(a.findings.map(\.code), ["revenue.not_a_number", "agency_name.too_long", "staff_degree.exceeds_staff",
                                              "credit_code.duplicate_in_file"])
        XCTAssertTrue(bare.allSatisfy { $0.values.isEmpty })
        XCTAssertEqual(kept[3].values.count, Form.returns.fields.count)
    }

    func testPersonalDataIsCheckedButNotCarriedOn() throws {
        let (_, rows) = try check(returnCSV(["contact": "张三", "phone": "19900000000"]))
        let form = Form.returns
        XCTAssertEqual(rows[0].values[form.index["contact"]!], .empty)
        XCTAssertEqual(rows[0].values[form.index["phone"]!], .empty)
        XCTAssertEqual(rows[0].values[form.index["agency_name"]!], .text("示例代理有限公司"))
        XCTAssertEqual(try codes(["contact": String(repeating: "长", count: 51)]), ["contact.too_long"])
    }

    func testRowShape() throws {
        let text = returnCSV()
        let (_, extra) = try check(text.replacingOccurrences(of: "\n\(validCode())", with: "\n\(validCode())") .dropLast() + ",surplus\n")
        XCTAssertEqual(extra[0].findings.map(\.code), ["csv.extra_fields"])
        let (_, empties) = try check(String(text.dropLast()) + ",,\n")
        XCTAssertEqual(empties[0].findings, [], "trailing empty cells are harmless")
        let header = text.split(separator: "\n")[0]
        let (_, short) = try check("\(header)\n\(validCode()),名称,quanshan,2025,patent_agency,agency,,100,,,,,,,,,,,,10\n")
        XCTAssertEqual(short[0].findings.map(\.code), ["csv.missing_fields"])
        XCTAssertFalse(short[0].isRejected)
    }

    func testEveryFindingHasLocationAndBothLanguages() throws {
        let (summary, _) = try check(returnCSV(["revenue": "12a", "credit_code": "X"]))
        for f in summary.findings {
            XCTAssertEqual(f.line, 2)
            XCTAssertNotNil(f.column)
            XCTAssertNotNil(f.field)
            XCTAssertFalse(f.message.zh.isEmpty)
            XCTAssertFalse(f.message.en.isEmpty)
            XCTAssertNotEqual(f.message.zh, f.message.en)
        }
        XCTAssertEqual(summary.findings.first { $0.field == "revenue" }?.column, 8)
    }

    func testRowsInEqualsAcceptedPlusRejected() throws {
        let (summary, rows) = try check(returnCSV(["revenue": "x"], extraRows: [["period": "2024"], ["zone": "nowhere", "period": "2023"]]))
        XCTAssertEqual(summary.rows, 3)
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(summary.accepted + summary.rejected, summary.rows)
    }

    func testZonesRegionalAndTargetsForms() throws {
        let zones = try check("zone,name_zh,name_en,level,city,division_code,plan_start,plan_end,plan_doc\nqs,泉山,Q,national_pilot,徐州,320311,2024-01-01,2026-12-31,x\nQ S,泉山,Q,county,徐州,3203,2024-13-01,2026-12-31,x\n")
        XCTAssertEqual(zones.0.kind, .zones)
        XCTAssertEqual(zones.1[0].findings, [])
        XCTAssertEqual(zones.1[1].findings.map(\.code), ["zone.bad_identifier", "level.unknown_value", "division_code.bad_division_code", "plan_start.bad_date"])
        let regional = try check("zone,period,indicator,value,source\nquanshan,2025,gdp_growth,5.5,x\nquanshan,2025,gdp_growth,-1,x\nquanshan,2025,patent_applications,1万,x\n")
        XCTAssertEqual(regional.1.map { $0.findings.map(\.code) }, [[], ["zone.duplicate_in_file"], ["value.not_a_number"]])
        let targets = try check("zone,indicator,op,value,deadline,source\nquanshan,revenue_growth,>=ref:gdp_growth,0,2026-12-31,doc\nall,agencies,>=,100,2027-12-31,doc\nquanshan,agencies,≥,1,2026-12-31,doc\n")
        XCTAssertEqual(targets.1.map { $0.findings.map(\.code) }, [[], [], ["op.unknown_value"]])
    }

    // Issue 15: a target's value may be empty only when it compares with another indicator (no margin).
    func testATargetValueIsRequiredUnlessItIsAReference() throws {
        let header = "zone,indicator,op,value,deadline,source,quote,base_year,tolerance\n"
        let (_, rows) = try check(header + """
            quanshan,agencies,>=,,2026-12-31,doc,机构150家,,
            quanshan,revenue_growth,>=ref:gdp_growth,,2026-12-31,doc,超过GDP增速,,
            quanshan,agencies,~,25,2026-12-31,doc,25户左右,,0.1
            quanshan,info_outlets,+>=,30,2026-12-31,doc,新增30家以上,2023,
            quanshan,invention_grants,growth>=,0.3,2026-12-31,doc,增长30%以上,2023,

            """)
        XCTAssertEqual(rows.map(\.isRejected), [true, false, false, false, false])
        XCTAssertEqual(rows[0].findings.map(\.code), ["value.required"])
    }

    // Issue 15: the province's designation (龙头 / 特色) is a field of its own; empty is "not reported".
    func testTheProvinceDesignationIsAFieldOfItsOwn() throws {
        let (_, rows) = try check(returnCSV(["province_designation": "龙头服务机构"], extraRows: [
            ["credit_code": validCode("320311", "MA1XY4200"), "province_designation": ""],
            ["credit_code": validCode("320311", "MA1XY4201"), "province_designation": "品牌"],
        ]))
        XCTAssertEqual(rows.map(\.isRejected), [false, false, true])
        let f = Form.returns.index["province_designation"]!
        XCTAssertEqual(rows[0].values[f], .choice(0))
        XCTAssertEqual(rows[1].values[f], .empty)
        XCTAssertEqual(rows[2].findings.map(\.code), ["province_designation.unknown_value"])
    }
}
