import XCTest
@testable import SurveyCore

final class CreditCodeTests: XCTestCase {
    func testValidCodes() {
        // A code often printed as a GB 32100-2015 example, and generated ones.
        XCTAssertNil(CreditCode.validate(Array("91350100M000100Y43".utf8)))
        XCTAssertNil(CreditCode.validate(Array(validCode().utf8)))
        XCTAssertNil(CreditCode.validate(Array(validCode("321302", "0000000A0").utf8)))
    }

    func testEveryKindOfInvalidCode() {
        XCTAssertEqual(CreditCode.validate(Array("91350100M000100Y4".utf8)), .length(17))
        XCTAssertEqual(CreditCode.validate(Array("91350100M000100Y431".utf8)), .length(19))
        for bad in ["I", "O", "S", "V", "Z", "-", "a"] {
            let code = "9135010" + bad + "M000100Y43"
            XCTAssertEqual(CreditCode.validate(Array(code.utf8)), .character(position: 8), bad)
        }
        XCTAssertEqual(CreditCode.validate(Array("91350100M000100Y44".utf8)), .checksum(expected: "3"))
        XCTAssertEqual(CreditCode.validate(Array("91350100M000100Y4Y".utf8)), .checksum(expected: "3"))
    }

    func testOnePassPackingAgreesWithValidation() {
        var texts = ["91350100M000100Y43", "91350100M000100Y44", "91350100M000100Y4", "91350100m000100y43", "9135010IM000100Y43",
                     validCode(), validCode("321302", "0000000A0"), "YYYYYYYYYYYYYYYYYY", "000000000000000000"]
        texts += (0..<200).map { validCode("320311", String(format: "MA%07d", $0 * 7919)) }
        for text in texts {
            let bytes = Array(text.utf8)
            let packed = bytes.withUnsafeBufferPointer { CreditCode.packIfValid($0) }
            if CreditCode.validate(bytes) == nil {
                XCTAssertEqual(packed, CreditCode(validatedBytes: bytes), text)
                XCTAssertEqual(packed?.text, text)
            } else {
                XCTAssertNil(packed, text)
            }
        }
    }

    /// The division-code rule compares packed integers: they agree with the code's characters 3–8.
    func testPackedDivisionCodeIsCharactersThreeToEight() {
        for text in ["91350100M000100Y43", validCode("320311"), validCode("321302", "0000000A0"), validCode("110105")] {
            let code = CreditCode(text)!
            XCTAssertEqual(code.packedDivisionCode, CreditCode.packedDivision(Array(code.divisionCode.utf8)), text)
            XCTAssertNotEqual(code.packedDivisionCode, CreditCode.packedDivision(Array("320312".utf8)), text)
        }
        XCTAssertNil(CreditCode.packedDivision(Array("3203".utf8)))
        XCTAssertNil(CreditCode.packedDivision(Array("32031I".utf8)))
    }

    func testNormalisation() {
        XCTAssertEqual(String(decoding: CreditCode.normalize(Array(" 91350100m000100y43 ".utf8)), as: UTF8.self), "91350100M000100Y43")
        XCTAssertEqual(String(decoding: CreditCode.normalize(Array("９１３５０１００Ｍ０００１００Ｙ４３".utf8)), as: UTF8.self), "91350100M000100Y43")
        XCTAssertEqual(CreditCode("９１３５０１００ｍ０００１００ｙ４３")?.divisionCode, "350100")
    }

    func testCheckFindingsName18CharactersAndExpectedCharacter() throws {
        XCTAssertEqual(try codes(["credit_code": "91350100M000100Y44"]), ["credit_code.checksum"])
        XCTAssertEqual(try codes(["credit_code": "9135"]), ["credit_code.length"])
        XCTAssertEqual(try codes(["credit_code": "91350100M00O100Y43"]), ["credit_code.character"])
        let (_, rows) = try check(returnCSV(["credit_code": "91350100M000100Y44"]))
        XCTAssertTrue(rows[0].findings[0].message.zh.contains("应为3"))
    }
}

final class MoneyTests: XCTestCase {
    func number(_ s: String, scale: Int = 4) -> CellBytes.NumberResult {
        Array(s.utf8).withUnsafeBufferPointer { CellBytes.number($0, scale: scale) }
    }

    func testExactParsing() {
        XCTAssertEqual(number("1234.5678"), .value(12_345_678))
        XCTAssertEqual(number("1,234.5"), .value(12_345_000))
        XCTAssertEqual(number("1,234,567"), .value(12_345_670_000))
        XCTAssertEqual(number("０.０００１"), .value(1))
        XCTAssertEqual(number("１，２３４"), .value(12_340_000))
        XCTAssertEqual(number("0"), .value(0))
        XCTAssertEqual(number("12."), .value(120_000))
        XCTAssertEqual(number("-0"), .value(0))
    }

    func testRejections() {
        XCTAssertEqual(number("12.34567"), .tooManyDecimals)
        XCTAssertEqual(number("12.34560"), .value(123_456), "trailing zeros are not extra precision")
        XCTAssertEqual(number("-5"), .negative)
        XCTAssertEqual(number("12a"), .notANumber)
        XCTAssertEqual(number("1,23"), .notANumber)
        XCTAssertEqual(number("12,3456"), .notANumber)
        XCTAssertEqual(number("1.2E+05"), .notANumber)
        XCTAssertEqual(number("123456789012345"), .tooLarge)
        XCTAssertEqual(number("3.5", scale: 0), .notWhole)
        XCTAssertEqual(number("3.00", scale: 0), .value(3))
        XCTAssertEqual(number("１２万"), .notANumber, "a character that is not a number, after full-width digits")
        XCTAssertEqual(number("12.5元"), .notANumber)
        XCTAssertEqual(number("1,２３４.５"), .value(12_345_000), "half-width and full-width mixed")
        XCTAssertEqual(number("－５"), .negative)
    }

    func testPlainDigitsReadOnTheFastPathAsBefore() {
        XCTAssertEqual(number("12345678"), .value(123_456_780_000), "8 whole digits of 万元, the most there may be")
        XCTAssertEqual(number("99999999.9999"), .value(999_999_999_999))
        XCTAssertEqual(number("123456789"), .tooLarge)
        XCTAssertEqual(number("999999999", scale: 0), .value(999_999_999), "9 digits of a count")
        XCTAssertEqual(number("1000000000", scale: 0), .tooLarge)
        XCTAssertEqual(number("333.419"), .value(3_334_190))
        XCTAssertEqual(number("0.0001"), .value(1))
        XCTAssertEqual(number("007"), .value(70_000))
        XCTAssertEqual(number("00012.34000"), .value(123_400), "more decimals than the scale, all zeros")
        XCTAssertEqual(number("42", scale: 0), .value(42))
        XCTAssertEqual(number("42.", scale: 0), .value(42))
        XCTAssertEqual(number("42.0", scale: 0), .value(42))
        XCTAssertEqual(number("4.2", scale: 0), .notWhole)
        XCTAssertEqual(number("1.2.3"), .notANumber)
        XCTAssertEqual(number("1.2a"), .notANumber)
        XCTAssertEqual(number("12.3x", scale: 0), .notANumber)
        XCTAssertEqual(number("."), .notANumber)
        XCTAssertEqual(number(".5"), .notANumber)
    }

    func testRoundingHalfAwayFromZeroOnce() {
        XCTAssertEqual(Money(yuan: 12_345).wan(decimals: 2), "1.23")      // 1.2345 → 1.23
        XCTAssertEqual(Money(yuan: 12_350).wan(decimals: 2), "1.24")      // 1.235 → 1.24
        XCTAssertEqual(Money(yuan: -12_350).wan(decimals: 2), "-1.24")
        XCTAssertEqual(Money(yuan: 5_000).wan(decimals: 0), "1")
        XCTAssertEqual(Money(yuan: 49).wan(decimals: 2), "0.00")
        XCTAssertEqual(Money(yuan: 12_345_678).wanExact, "1234.5678")
        XCTAssertEqual(Money(yuan: 12_340_000).wanExact, "1234")
    }

    func testSumIsExact() {
        // 0.0001 万元 a million times is exactly 100 万元; a Double sum of 0.0001 would not be.
        var total = Money.zero
        for _ in 0..<1_000_000 { total += Money(yuan: 1) }
        XCTAssertEqual(total.wanExact, "100")
    }
}

final class PeriodAndDateTests: XCTestCase {
    func testPeriods() {
        XCTAssertEqual(Period("2025"), Period(year: 2025))
        XCTAssertEqual(Period("2025q3"), Period(year: 2025, quarter: 3))
        XCTAssertNil(Period("2025Q5"))
        XCTAssertNil(Period("25"))
        XCTAssertEqual(Period(year: 2025, quarter: 2).previousYear.description, "2024Q2")
    }

    func testDates() {
        XCTAssertEqual(SimpleDate("2025-03-31")?.description, "2025-03-31")
        XCTAssertEqual(SimpleDate("2025/3/1")?.description, "2025-03-01")
        XCTAssertEqual(SimpleDate("2025年3月1日")?.description, "2025-03-01")
        XCTAssertNil(SimpleDate("2025-02-29"))
        XCTAssertNotNil(SimpleDate("2024-02-29"))
        XCTAssertEqual(SimpleDate(year: 1970, month: 1, day: 2)!.dayNumber, 1)
    }

    /// The row checker's fast path for `YYYY-MM-DD` agrees with the general reader, bad days and digits included.
    func testISODatesAgreeWithTheGeneralReader() {
        for text in ["2025-03-31", "2025-02-29", "2024-02-29", "2100-02-29", "2000-02-29", "2025-04-31", "2025-06-30",
                     "2025-09-31", "2025-11-30", "2025-12-31", "2025-13-01", "2025-00-10", "2025-01-00", "2025-1a-01",
                     "1899-12-31", "2025/03/31", "2025-3-31"] {
            let fast = Array(text.utf8).withUnsafeBufferPointer { SimpleDate.parseISO($0) }
            if text.count == 10 && !text.contains("/") { XCTAssertEqual(fast, SimpleDate(text), text) } else { XCTAssertNil(fast, text) }
        }
    }
}

final class SpellingTests: XCTestCase {
    private func match(_ s: Spellings, _ text: String) -> Int? { Array(text.utf8).withUnsafeBufferPointer { s.match($0) } }

    /// Options and zones are matched as written or with ASCII capitals in lower case, never by prefix.
    func testSpellingsMatchWholeCellsAndFoldASCIICapitals() {
        let s = Spellings([(Array("patent_agency".utf8), 0), (Array("专利代理机构".utf8), 0), (Array("law_firm".utf8), 2),
                           (Array("XZ01".utf8), 3)])
        XCTAssertEqual(match(s, "patent_agency"), 0)
        XCTAssertEqual(match(s, "PATENT_Agency"), 0)
        XCTAssertEqual(match(s, "专利代理机构"), 0)
        XCTAssertEqual(match(s, "law_firm"), 2)
        XCTAssertEqual(match(s, "XZ01"), 3)
        XCTAssertNil(match(s, "xz01"))           // lower case in the cell does not match capitals in the spelling
        XCTAssertNil(match(s, "law_fir"))
        XCTAssertNil(match(s, "law_firms"))
        XCTAssertNil(match(s, "专利代理"))
        XCTAssertNil(match(Spellings([]), "x"))
        XCTAssertEqual(Choices.agencyKind.match("Law_Firm"), 2)
        XCTAssertEqual(Choices.agencyKind.match("事业单位"), 4)
    }
}
