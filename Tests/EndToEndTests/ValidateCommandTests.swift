import Foundation
import SurveyCore
import XCTest

/// `ipsurvey validate`, `form` and `sample` as a user runs them.
final class ValidateCommandTests: XCTestCase {
    let late = "input/returns/2025/supplement/quanshan-late-returns.csv"

    func testDemoReturnsListEveryDeliberateErrorWithItsLocation() throws {
        let r = try ipsurvey(["validate", "input/returns", "--lang", "en"])
        XCTAssertEqual(r.status, 1, "rows were rejected")
        let expected = [
            ("4:1", "credit_code.checksum"), ("5:8", "revenue.not_a_number"), ("6:21", "staff_degree.exceeds_staff"),
            ("7:8", "revenue.breakdown_exceeds_total"), ("8:3", "zone.unknown"), ("9:18", "pledge_deals.missing_for_financing"),
            ("10:4", "period.bad_period"), ("11:2", "agency_name.required"), ("12:8", "revenue.too_many_decimals"),
            ("13:20", "staff.negative"), ("15:1", "credit_code.duplicate_in_file"), ("16:1", "credit_code.division_mismatch"),
        ]
        for (place, code) in expected {
            XCTAssertTrue(r.text.contains("\(late):\(place): ") && r.text.contains("[\(code)]"), "\(place) \(code)\n\(r.text)")
        }
        XCTAssertTrue(r.text.contains("\(late)  [returns, UTF-8]  rows 15, accepted 4, rejected 11, warnings 1"), r.text)
        XCTAssertTrue(r.text.contains("input/returns/2025/sucheng.csv  [returns, GB18030/GBK]"))
        XCTAssertTrue(r.text.contains("input/returns/2025/binhu.csv  [returns, UTF-8 (BOM)]"))
        XCTAssertTrue(r.text.contains("Total: 20 files, rows 926, accepted 915, rejected 11, warnings 1"), r.text)
    }

    /// A file big enough to be read on every core is taken as UTF-8 from its start and confirmed part by part:
    /// one that is ASCII for its first megabyte and GB18030 after is found out after rows were checked, and read
    /// again from the start as GB18030 (no byte reported undecodable, the file's SHA-256 that of all its bytes).
    func testABigFileThatTurnsOutGB18030IsReadAgainAsGB18030() throws {
        let (dir, path, bytes) = try asciiThenGB18030Returns()
        let r = try ipsurvey(["validate", path.path, "--input", dir.path, "--format", "json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any], r.stderr)
        let file = try XCTUnwrap((json["files"] as? [[String: Any]])?.first)
        XCTAssertEqual(file["encoding"] as? String, "gb18030")
        XCTAssertEqual(file["rows"] as? Int, 80000)
        XCTAssertEqual(file["sha256"] as? String, try sha256sum(path))
        XCTAssertEqual(try Data(contentsOf: path), Data(bytes))
        XCTAssertFalse(String(decoding: r.stdout, as: UTF8.self).contains("invalid_byte"), "every name decoded")
    }

    func testChineseIsTheDefaultLanguage() throws {
        let r = try ipsurvey(["validate", late])
        XCTAssertTrue(r.text.contains("行数 15，接受 4，拒绝 11，警告 1"), r.text)
        XCTAssertTrue(r.text.contains("校验位错误"))
    }

    func testJSONHasTheDocumentedKeys() throws {
        let r = try ipsurvey(["validate", late, "--format", "json"])
        XCTAssertEqual(r.status, 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let file = try XCTUnwrap((json["files"] as? [[String: Any]])?.first)
        XCTAssertEqual(file["file"] as? String, late)
        XCTAssertEqual((file["sha256"] as? String)?.count, 64)
        XCTAssertEqual(file["encoding"] as? String, "utf-8")
        XCTAssertEqual(file["rows"] as? Int, 15)
        XCTAssertEqual(file["accepted"] as? Int, 4)
        XCTAssertEqual(file["rejected"] as? Int, 11)
        XCTAssertEqual(file["warnings"] as? Int, 1)
        let findings = try XCTUnwrap(file["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.count, 12)
        let first = findings[0]
        for key in ["code", "severity", "line", "column", "field", "value", "message_zh", "message_en"] {
            XCTAssertNotNil(first[key], key)
        }
        XCTAssertEqual(first["code"] as? String, "credit_code.checksum")
        XCTAssertEqual(first["line"] as? Int, 4)
    }

    func testFileLevelFindingsHaveNullLine() throws {
        let dir = temporaryDirectory()
        try Data("姓名,电话\n张三,1\n".utf8).write(to: dir.appendingPathComponent("other.csv"))
        let r = try ipsurvey(["validate", dir.path, "--format", "json"])
        XCTAssertEqual(r.status, 0, "an unrecognised file is a warning")
        XCTAssertTrue(r.text.contains("\"code\":\"file.unrecognised\",\"severity\":\"warning\",\"line\":null"), r.text)
    }

    func testCSVForExcelHasBOMAndBothLanguages() throws {
        let r = try ipsurvey(["validate", late, "--format", "csv"])
        XCTAssertEqual(Array(r.stdout.prefix(3)), [0xEF, 0xBB, 0xBF])
        let lines = r.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines[0], "file,line,column,cell,field,field_name,value,severity,code,message_zh,message_en")
        XCTAssertEqual(lines.count, 13)
        XCTAssertTrue(lines[1].hasPrefix("\(late),4,1,,credit_code,统一社会信用代码,"))
    }

    func testGB18030CopyOfTheReturnsGivesTheSameFindings() throws {
        let dir = temporaryDirectory()
        let utf8 = try Data(contentsOf: packageRoot.appendingPathComponent(late))
        let gbk = try XCTUnwrap(String(decoding: utf8, as: UTF8.self).data(using: String.Encoding(rawValue: 0x8000_0632)))
        try gbk.write(to: dir.appendingPathComponent("gbk.csv"))
        try utf8.write(to: dir.appendingPathComponent("utf8.csv"))
        let a = try ipsurvey(["validate", dir.appendingPathComponent("utf8.csv").path, "--format", "csv"])
        let b = try ipsurvey(["validate", dir.appendingPathComponent("gbk.csv").path, "--format", "csv"])
        XCTAssertEqual(a.text.replacingOccurrences(of: "utf8.csv", with: "X"), b.text.replacingOccurrences(of: "gbk.csv", with: "X"))
        XCTAssertTrue(try ipsurvey(["validate", dir.appendingPathComponent("gbk.csv").path]).text.contains("GB18030/GBK"))
    }

    func testMissingPathIsAnIOError() throws {
        let r = try ipsurvey(["validate", "no/such/folder"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("no/such/folder"))
    }

    func testBlankFormInBothLanguages() throws {
        let zh = try ipsurvey(["form"])
        XCTAssertEqual(Array(zh.stdout.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertTrue(zh.text.hasPrefix("\u{FEFF}统一社会信用代码,机构名称,所在集聚区,统计期,机构性质,业务类型,品牌机构级别,营业收入（万元）,"))
        let en = try ipsurvey(["form", "--lang", "en"])
        XCTAssertTrue(en.text.hasPrefix("\u{FEFF}credit_code,agency_name,zone,period,"))
        XCTAssertFalse(en.text.contains("\n\u{FEFF}"))
    }

    func testSampleIsDeterministicAndValid() throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        XCTAssertEqual(try ipsurvey(["sample", "--rows", "3000", "--seed", "7", "--out", a.path]).status, 0)
        XCTAssertEqual(try ipsurvey(["sample", "--rows", "3000", "--seed", "7", "--out", b.path]).status, 0)
        for file in ["zones.csv", "targets.csv", "regional/regional.csv", "returns/returns-2023.csv", "returns/returns-2025.csv"] {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(file)), try Data(contentsOf: b.appendingPathComponent(file)), file)
        }
        let r = try ipsurvey(["validate", a.path, "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.text)
        XCTAssertTrue(r.text.contains("Total: 6 files, rows 3219, accepted 3219, rejected 0"), r.text)
    }

    func testDemoDataIsWhatTheGeneratorWrites() throws {
        let dir = temporaryDirectory()
        XCTAssertEqual(try ipsurvey(["sample", "--demo", "--out", dir.path]).status, 0)
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".xlsx") }
        XCTAssertEqual(files.count, 23)
        XCTAssertTrue(files.contains("returns/2025/binhu-agency-return.xlsx"), "one agency's return comes as a workbook")
        for f in files {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent(f)), try Data(contentsOf: packageRoot.appendingPathComponent("input/" + f)), f)
        }
    }
}
