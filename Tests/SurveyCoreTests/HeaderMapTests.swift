import XCTest
@testable import SurveyCore

final class HeaderMapTests: XCTestCase {
    func field(_ map: HeaderMap, column: Int) -> String? { map.fieldOfColumn[column].map { map.form.fields[$0].id } }

    func testIdsChineseTitlesUnitsAndAnyOrder() {
        let headers = ["营业收入（万元）", "staff", "统一社会信用代码", "从业人员(人)", "其中：发明专利（件）", "发明专利", " Agency name ",
                       "所在集聚区", "统计期", "机构性质", "业务类型"]
        let map = HeaderMap(headers: headers, form: .returns)
        XCTAssertEqual(field(map, column: 0), "revenue")
        XCTAssertEqual(field(map, column: 1), "staff")
        XCTAssertEqual(field(map, column: 2), "credit_code")
        XCTAssertNil(field(map, column: 3), "从业人员 duplicates staff")
        XCTAssertEqual(field(map, column: 4), "invention_filings")
        XCTAssertEqual(field(map, column: 6), "agency_name")
        XCTAssertEqual(map.findings.map(\.code).sorted(), ["header.duplicate_column", "header.duplicate_column"])
        XCTAssertTrue(map.hasFileError)
    }

    /// The registry of resident agencies shares a return's first columns: a file is a return only with a column
    /// of its own (period, revenue …), so a return without its period column is still a return (and an error).
    func testTheRegistryIsNotMistakenForReturns() {
        XCTAssertEqual(HeaderMap.recognise(["统一社会信用代码", "机构名称", "所在集聚区", "入驻日期", "迁出日期"]), .agencies)
        XCTAssertEqual(HeaderMap.recognise(["credit_code", "agency_name", "zone"]), .agencies)
        XCTAssertEqual(HeaderMap.recognise(["统一社会信用代码", "机构名称", "所在集聚区", "营业收入（万元）"]), .returns)
        XCTAssertEqual(HeaderMap.recognise(Form.returns.fields.map { $0.header(.zh) }), .returns)
    }

    func testFullWidthBracketsAndEveryBlankFormTitle() {
        for language in Language.allCases {
            let headers = Form.returns.fields.map { $0.header(language) }
            let map = HeaderMap(headers: headers, form: .returns)
            XCTAssertEqual(map.findings, [], "\(language)")
            XCTAssertEqual(map.columnOfField, Array(0..<headers.count))
        }
        let map = HeaderMap(headers: ["营业收入(万元)", "营业收入（万元）"], form: .returns)
        XCTAssertEqual(map.findings.filter { $0.code == "header.duplicate_column" }.count, 1)
    }

    func testUnknownAndMissingColumns() {
        let map = HeaderMap(headers: ["credit_code", "备注"], form: .returns)
        let codes = map.findings.map(\.code)
        XCTAssertTrue(codes.contains("header.unknown_column"))
        XCTAssertEqual(codes.filter { $0 == "header.missing_column" }.count, 7)
        XCTAssertEqual(map.findings.first { $0.code == "header.unknown_column" }?.severity, .warning)
    }

    func testMissingColumnRejectsEveryRowAndKeepsCounts() throws {
        let (summary, rows) = try check("credit_code,agency_name,zone,period,agency_kind,business_types,staff\n\(validCode()),x,quanshan,2025,patent_agency,agency,3\n")
        XCTAssertEqual(summary.rows, 1)
        XCTAssertEqual(summary.rejected, 1)
        XCTAssertEqual(summary.findings.map(\.code), ["header.missing_column"])
        XCTAssertEqual(rows[0].findings.map(\.code), ["file.has_errors"])
    }

    func testRecognisesFileKinds() {
        XCTAssertEqual(HeaderMap.recognise(["统一社会信用代码", "机构名称", "营业收入（万元）"]), .returns)
        XCTAssertEqual(HeaderMap.recognise(Form.zones.fields.map(\.id)), .zones)
        XCTAssertEqual(HeaderMap.recognise(["zone", "period", "indicator", "value", "source"]), .regional)
        XCTAssertEqual(HeaderMap.recognise(["zone", "indicator", "op", "value", "deadline", "source"]), .targets)
        XCTAssertNil(HeaderMap.recognise(["姓名", "电话"]))
    }
}
