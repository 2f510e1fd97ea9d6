import Foundation
import GRDB
import XCTest
@testable import SurveyArchive
@testable import SurveyCore
import SurveyWorkbook

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class ArchiveTests: XCTestCase {
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsurvey-archive-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func newArchive() throws -> Archive { try Archive(path: dir.appendingPathComponent("archive.sqlite").path) }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }

    let zones = ZoneDirectory([Zone(id: "quanshan", name: Bilingual("徐州市泉山区", "Quanshan"), level: "national_pilot", city: "徐州市",
                                    divisionCode: "320311", planStart: SimpleDate(year: 2024, month: 1, day: 1)!,
                                    planEnd: SimpleDate(year: 2026, month: 12, day: 31)!, planDocument: "")])

    static func code(_ body: String) -> String {
        let first17 = Array("91320311\(body)".utf8)
        return String(decoding: first17 + [CreditCode.checkCharacter(for: first17)], as: UTF8.self)
    }

    func returns(_ rows: [(code: String, revenue: String)]) -> String {
        "credit_code,agency_name,zone,period,agency_kind,business_types,revenue,staff,contact,phone\n"
            + rows.map { "\($0.code),示例机构,quanshan,2025,patent_agency,agency,\($0.revenue),10,张三,19900000000\n" }.joined()
    }

    func testIngestStoresBytesRowsAndFindingsAndReingestChangesNothing() throws {
        let archive = try newArchive()
        let path = write("r.csv", returns([(Self.code("MA1XY4123"), "100"), (Self.code("MA1XY4124"), "12a")]))
        guard case .stored(let file, let summary) = try archive.ingest(path, zones: zones, receivedAt: "2026-01-10T00:00:00.000Z") else {
            return XCTFail("not stored")
        }
        XCTAssertEqual(summary.rows, 2)
        XCTAssertEqual(file.accepted, 1)
        XCTAssertEqual(file.rejected, 1)
        XCTAssertEqual(file.sha256, try Archive.sha256(of: path))
        let rows = try archive.rows(of: file)
        XCTAssertEqual(rows.map(\.status), ["accepted", "rejected"])
        XCTAssertEqual(rows[1].line, 3)
        XCTAssertEqual(rows[1].findings.map(\.code), ["revenue.not_a_number"])
        XCTAssertEqual(rows[1].values.first { $0.0 == "revenue" }?.1, "12a", "raw values are kept as read")
        guard case .unchanged(let again) = try archive.ingest(path, zones: zones, receivedAt: "2026-02-01T00:00:00.000Z") else {
            return XCTFail("re-ingest stored again")
        }
        XCTAssertEqual(again.id, file.id)
        XCTAssertEqual(try archive.files().count, 1)
        XCTAssertEqual(try archive.returns().count, 1)
        let exported = try archive.export(file, to: dir.appendingPathComponent("out").path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: exported)), try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testRevisionSupersedesAndAsOfReadsThePast() throws {
        let archive = try newArchive()
        let code = Self.code("MA1XY4123")
        _ = try archive.ingest(write("first.csv", returns([(code, "100")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        _ = try archive.ingest(write("second.csv", returns([(code, "120.5")])), zones: zones, receivedAt: "2026-04-01T00:00:00.000Z")
        XCTAssertEqual(try archive.returns().map { $0["revenue"] }, [1_205_000], "the revision is current")
        XCTAssertEqual(try archive.returns(asOf: Timestamp.parse("2026-03-01")!).map { $0["revenue"] }, [1_000_000], "as of March: the first")
        XCTAssertEqual(try archive.returns(asOf: "2026-01-01T00:00:00.000Z").count, 0, "as of January: nothing yet")
        let first = try archive.files()[0]
        let rows = try archive.rows(of: first)
        XCTAssertEqual(rows[0].status, "superseded")
        XCTAssertEqual(rows[0].supersededBy?.receivedAt, "2026-04-01T00:00:00.000Z")
        XCTAssertEqual(try archive.rows(of: first, asOf: "2026-03-01T00:00:00.000Z")[0].status, "accepted")
        XCTAssertNil(try archive.returns()[0][ "pledge_financing"], "not reported stays nil")
    }

    func testABackDatedFileDoesNotSupersedeALaterOne() throws {
        let archive = try newArchive()
        let code = Self.code("MA1XY4123"), other = Self.code("MA1XY4124")
        // The revision arrives first; the original is ingested afterwards with its earlier receipt time.
        _ = try archive.ingest(write("second.csv", returns([(code, "120.5")])), zones: zones, receivedAt: "2026-04-01T00:00:00.000Z")
        _ = try archive.ingest(write("first.csv", returns([(code, "100"), (other, "7")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        XCTAssertEqual(try archive.returns().map { $0["revenue"] }.sorted { ($0 ?? 0) < ($1 ?? 0) }, [70_000, 1_205_000])
        XCTAssertEqual(try archive.returns(asOf: "2026-03-01T00:00:00.000Z").map { $0["revenue"] }.sorted { ($0 ?? 0) < ($1 ?? 0) },
                       [70_000, 1_000_000])
        let files = try archive.files()      // in receipt order: first.csv, then second.csv
        XCTAssertEqual(files.map { ($0.name as NSString).lastPathComponent }, ["first.csv", "second.csv"])
        XCTAssertEqual(try archive.rows(of: files[0]).map(\.status), ["superseded", "accepted"])
        XCTAssertEqual(try archive.rows(of: files[0])[0].supersededBy?.fileID, files[1].id)
        XCTAssertEqual(try archive.rows(of: files[1]).map(\.status), ["accepted"])
    }

    func testOfTwoFilesReceivedAtTheSameTimeTheLaterStoredIsCurrent() throws {
        let archive = try newArchive()
        let code = Self.code("MA1XY4123")
        _ = try archive.ingest(write("a.csv", returns([(code, "100")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        _ = try archive.ingest(write("b.csv", returns([(code, "200")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        XCTAssertEqual(try archive.returns().map { $0["revenue"] }, [2_000_000])
        XCTAssertEqual(try archive.returns(asOf: "2026-02-01T00:00:00.000Z").map { $0["revenue"] }, [2_000_000])
        XCTAssertEqual(try archive.rows(of: archive.files()[0]).map(\.status), ["superseded"])
    }

    func testCellsOfAGB18030FileAreReadBackFromItsStoredBytes() throws {
        let archive = try newArchive()
        let text = returns([(Self.code("MA1XY4123"), "\"1,200.5\"")]).replacingOccurrences(of: "示例机构", with: "彭城\"知识产权\"事务所")
            .replacingOccurrences(of: "彭城\"知识产权\"事务所", with: "\"彭城\"\"知识产权\"\"事务所\"")
        let url = dir.appendingPathComponent("gbk.csv")
        try Data(GB18030Transcoder.encode(text)).write(to: url)
        guard case .stored(let file, _) = try archive.ingest(url.path, zones: zones, receivedAt: "2026-02-01T00:00:00.000Z") else {
            return XCTFail("not stored")
        }
        XCTAssertEqual(file.encoding, "gb18030")
        let values = Dictionary(try archive.rows(of: file)[0].values, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(values["agency_name"], "彭城\"知识产权\"事务所", "decoded, quotes undone, as read")
        XCTAssertEqual(values["revenue"], "1,200.5", "before normalising")
        XCTAssertEqual(values["contact"], "张三")
    }

    func testAnArchiveOfSchemaVersion1IsMigratedWithItsHistory() throws {
        let path = dir.appendingPathComponent("v1.sqlite").path
        let code = Self.code("MA1XY4123")
        do {   // an archive as version 1 wrote it: cells copied into `record`, no superseded_at
            let queue = try DatabaseQueue(path: path)
            try Archive.migrator.migrate(queue, upTo: "v1: files, records, returns, zones, regional, targets")
            try queue.write { db in
                for (id, time, revenue) in [(1, "2026-02-01T00:00:00.000Z", 1_000_000), (2, "2026-04-01T00:00:00.000Z", 1_205_000)] {
                    try db.execute(sql: """
                        INSERT INTO file (id, sha256, name, size, encoding, kind, received_at, header, rows, accepted, rejected, warnings, content)
                        VALUES (?, ?, ?, 0, 'utf-8', 'returns', ?, 'credit_code,agency_name,zone,period,agency_kind,business_types,revenue', 1, 1, 0, 0, x'')
                        """, arguments: [id, String(repeating: "\(id)", count: 64), "f\(id).csv", time])
                    try db.execute(sql: """
                        INSERT INTO record (file_id, line, accepted, cells, credit_code, period, zone, received_at, agency_name, agency_kind,
                                            business_types, brand_level, revenue)
                        VALUES (?, 2, 1, ?, ?, '2025', 'quanshan', ?, '示例', 'patent_agency', 1, 'none', ?)
                        """, arguments: [id, "\(code),示例,quanshan,2025,patent_agency,agency,\(revenue / 10_000)", code, time, revenue])
                }
            }
        }
        let archive = try Archive(path: path)
        XCTAssertEqual(try archive.returns().map { $0["revenue"] }, [1_205_000])
        XCTAssertEqual(try archive.returns(asOf: "2026-03-01T00:00:00.000Z").map { $0["revenue"] }, [1_000_000])
        let first = try archive.files()[0]
        let rows = try archive.rows(of: first)
        XCTAssertEqual(rows.map(\.status), ["superseded"])
        XCTAssertEqual(rows[0].values.first { $0.0 == "revenue" }?.1, "100", "the copied cells are kept")
    }

    /// `Tests/Fixtures/archive-v4.sqlite` was written by the release before the migrations were fixed texts
    /// (dae6a1a: the demo's zones, targets, regional file and Sucheng's 2024 and 2025 returns, received
    /// 2026-03-31 10:00 +08:00, and Sucheng's 2025 paper, which recorded the releases of 2024 and 2025). Every
    /// later build must open it, migrate it and ingest into it, and read what it holds.
    func testAnArchiveOfAnEarlierReleaseOpensMigratesAndIngests() throws {
        let path = dir.appendingPathComponent("old.sqlite").path
        try FileManager.default.copyItem(atPath: packageRoot.appendingPathComponent("Tests/Fixtures/archive-v4.sqlite").path, toPath: path)
        let archive = try Archive(path: path, checkFirst: true)
        XCTAssertEqual(try archive.verify(), [])
        // It was written with a WAL; opened alone, it now has the rollback journal (Archive.init).
        XCTAssertEqual(try archive.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }, "delete")
        XCTAssertEqual(try archive.files().map(\.kind), ["zones", "targets", "regional", "returns", "returns"])
        XCTAssertEqual(try archive.returns(periods: [Period(year: 2025)]).count, 23)
        XCTAssertEqual(try archive.allReleases().map(\.period.description).sorted(), ["2024", "2025"])
        let quanshan = packageRoot.appendingPathComponent("input/returns/2025/quanshan.csv").path
        guard case .stored(_, let summary) = try archive.ingest(quanshan, zones: ZoneDirectory(try archive.zones()), receivedAt: "2026-04-01T00:00:00.000Z") else {
            return XCTFail("not stored")
        }
        XCTAssertEqual(summary.accepted, 99)
        XCTAssertEqual(try archive.returns(periods: [Period(year: 2025)]).count, 23 + 99)
        XCTAssertEqual(try archive.verify(), [])
        // Read-only, as query opens it.
        XCTAssertEqual(try Archive(path: path, readOnly: true).files().count, 6)
        // A fresh archive has the very schema the old one has: no shipped migration's text was changed.
        func schema(_ a: Archive) throws -> [String] {
            try a.queue.read { db in try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || IFNULL(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name") }
        }
        XCTAssertEqual(try schema(try newArchive()), try schema(archive))
    }

    /// The province's designation is stored (migration v6) and read back; returns without it say nothing.
    func testTheProvinceDesignationIsStoredAndReadBack() throws {
        let archive = try newArchive()
        let text = "credit_code,agency_name,zone,period,agency_kind,business_types,revenue,staff,province_designation\n"
            + "\(Self.code("MA1XY4123")),示例机构,quanshan,2025,patent_agency,agency,100,10,龙头服务机构\n"
            + "\(Self.code("MA1XY4124")),示例机构二,quanshan,2025,patent_agency,agency,100,10,\n"
        _ = try archive.ingest(write("d.csv", text), zones: zones, receivedAt: "2026-01-10T00:00:00.000Z")
        let read = try archive.returns().sorted { $0.creditCode.text < $1.creditCode.text }
        XCTAssertEqual(read.map(\.designation), ["leading", nil])
    }

    /// A money or count field added to the form needs a migration that adds its column.
    func testEveryNumberFieldOfTheFormHasAColumn() throws {
        let archive = try newArchive()
        let columns = try archive.queue.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(record)").map { $0["name"] as String } }
        for field in SurveyReturn.numberFields { XCTAssertTrue(columns.contains(field), "no column for \(field): add a migration") }
    }

    func testAnArchiveOfSchemaVersion2KeepsItsStoredBytes() throws {
        // v3 moved the stored bytes out of `file` into `file_content`: they must arrive intact.
        let path = dir.appendingPathComponent("v2.sqlite").path
        let text = returns([(Self.code("MA1XY4123"), "100")])
        let sha = try Archive.sha256(of: write("r.csv", text))
        do {
            let queue = try DatabaseQueue(path: path)
            try Archive.migrator.migrate(queue, upTo: "v2: rows without a copy of their cells; supersession stored; period index")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO file (id, sha256, name, size, encoding, kind, received_at, header, rows, accepted, rejected, warnings, content)
                    VALUES (1, ?, 'r.csv', ?, 'utf-8', 'returns', '2026-02-01T00:00:00.000Z', ?, 1, 1, 0, 0, ?)
                    """, arguments: [sha, text.utf8.count, String(text.prefix { $0 != "\n" }), Data(text.utf8)])
                try db.execute(sql: """
                    INSERT INTO record (file_id, line, accepted, credit_code, period, zone, received_at, agency_name, agency_kind,
                                        business_types, brand_level, revenue, staff)
                    VALUES (1, 2, 1, ?, '2025', 'quanshan', '2026-02-01T00:00:00.000Z', '示例机构', 'patent_agency', 1, 'none', 1000000, 10)
                    """, arguments: [Self.code("MA1XY4123")])
            }
        }
        let archive = try Archive(path: path)
        XCTAssertEqual(try archive.verify(), [])
        let file = try archive.files()[0]
        XCTAssertEqual(try String(contentsOfFile: archive.export(file, to: dir.appendingPathComponent("out").path), encoding: .utf8), text)
        XCTAssertEqual(try archive.rows(of: file)[0].values.first { $0.0 == "phone" }?.1, "19900000000", "cells read from the stored bytes")
        XCTAssertEqual(try archive.returns().map { $0["revenue"] }, [1_000_000])
    }

    /// The texts a return row binds without a copy (zone, kind, brand level, designation, receipt time, and the
    /// credit code and period written into one scratch before each row) are each row's own, whatever the row
    /// before held: periods changing back and forth, names empty or long, levels and designations varied.
    func testEveryRowIsStoredWithItsOwnTexts() throws {
        let archive = try newArchive()
        let kinds = ["patent_agency", "law_firm", "trademark_agency", "enterprise"], brands = ["", "municipal", "provincial", "national"]
        let designations = ["", "leading", "specialty", "none"], periods = ["2025", "2024", "2025", "2023"]
        var text = "credit_code,agency_name,zone,period,agency_kind,business_types,brand_level,province_designation,revenue,staff\n"
        var expected: [[String?]] = []
        for i in 0..<40 {
            let code = Self.code(String(format: "MA%07d", i))
            let name = i % 5 == 0 ? "短" : String(repeating: "名称\(i)", count: 1 + i % 7)
            let (kind, brand, designation, period) = (kinds[i % 4], brands[(i / 4) % 4], designations[(i / 2) % 4], periods[(i / 3) % 4])
            text += "\(code),\(name),quanshan,\(period),\(kind),agency,\(brand),\(designation),\(100 + i),\(i % 9)\n"
            expected.append([code, name, "quanshan", period, "2026-02-01T00:00:00.000Z", kind, brand.isEmpty ? "none" : brand, designation.isEmpty ? nil : designation])
        }
        _ = try archive.ingest(write("texts.csv", text), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        let stored = try DatabaseQueue(path: archive.path).read { db in
            try Row.fetchAll(db, sql: "SELECT credit_code, agency_name, zone, period, received_at, agency_kind, brand_level, province_designation FROM record ORDER BY id")
                .map { row in (0..<8).map { row[$0] as String? } }
        }
        XCTAssertEqual(stored.count, 40)
        for (i, (s, e)) in zip(stored, expected).enumerated() { XCTAssertEqual(s, e, "row \(i)") }
    }

    /// A file of a size no stored file has is hashed as it is stored, not before: its SHA-256 is that of its bytes
    /// all the same. One of the size of a stored file is hashed first: the same bytes under another name change
    /// nothing, other bytes of the same size are stored as a file of their own.
    func testAFileIsHashedFirstOnlyWhenAStoredFileHasItsSize() throws {
        let archive = try newArchive()
        let first = write("a.csv", returns([(Self.code("MA1XY4123"), "100")]))
        XCTAssertFalse(try archive.hasFile(ofSize: Int64(try Data(contentsOf: URL(fileURLWithPath: first)).count)))
        guard case .stored(let a, let summary) = try archive.ingest(first, zones: zones, receivedAt: "2026-02-01T00:00:00.000Z") else {
            return XCTFail("not stored")
        }
        XCTAssertEqual(a.sha256, try Archive.sha256(of: first))
        XCTAssertEqual(summary.sha256, a.sha256)
        XCTAssertEqual(try archive.file(sha256: a.sha256)?.id, a.id)
        let copy = write("copy.csv", try String(contentsOfFile: first, encoding: .utf8))
        guard case .unchanged(let same) = try archive.ingest(copy, zones: zones, receivedAt: "2026-02-02T00:00:00.000Z") else {
            return XCTFail("the same bytes were stored twice")
        }
        XCTAssertEqual(same.id, a.id)
        let other = write("other.csv", returns([(Self.code("MA1XY4123"), "900")]))      // the same size, other bytes
        guard case .stored(let b, _) = try archive.ingest(other, zones: zones, receivedAt: "2026-02-03T00:00:00.000Z") else {
            return XCTFail("other bytes of the same size were not stored")
        }
        XCTAssertEqual(b.size, a.size)
        XCTAssertEqual(b.sha256, try Archive.sha256(of: other))
        XCTAssertNotEqual(b.sha256, a.sha256)
        XCTAssertEqual(try archive.files().count, 2)
        XCTAssertFalse(try archive.files().contains { $0.sha256.hasPrefix("pending") })
        XCTAssertEqual(try archive.verify(), [])
    }

    /// A big file taken as UTF-8 from its start (`sniffTentatively`) that proves to be GB18030 after rows were
    /// written: nothing is stored (no file, no row), the ingest says which encoding it is (instead of waiting
    /// for the checking thread's end a second time, as it did when that end was a failure), and the file is then
    /// stored in it. One that is UTF-8 throughout is stored as without the guess.
    func testAGuessedEncodingProvedWrongStoresNothingAndSaysWhich() throws {
        try XCTSkipIf(ProcessInfo.processInfo.activeProcessorCount < 2, "one core: files are read in one pass")
        SplitCheck.minimumSize = 0; SplitCheck.partSize = 64 << 10
        defer { SplitCheck.minimumSize = 16 << 20; SplitCheck.partSize = 4 << 20 }
        let header = "credit_code,agency_name,zone,period,agency_kind,business_types,revenue,staff,contact,phone\n"
        func row(_ i: Int, _ name: String) -> String {
            "\(Self.code(String(format: "MA%07d", i))),\(name),quanshan,2025,patent_agency,agency,\(100 + i),10,contact,19900000000\n"
        }
        var ascii = header
        var i = 0
        while ascii.utf8.count < ChunkedFile.chunkSize + 50_000 { ascii += row(i, "Agency \(i)"); i += 1 }
        let chinese = (i..<(i + 400)).map { row($0, "泉山示例知识产权代理有限公司\($0)") }.joined()
        let path = dir.appendingPathComponent("big.csv").path
        try Data(Array(ascii.utf8) + GB18030Transcoder.encode(chinese)).write(to: URL(fileURLWithPath: path))
        let sniffed = try SurveyFile.sniffTentatively(path)
        XCTAssertTrue(sniffed.tentative)
        let archive = try newArchive()
        XCTAssertThrowsError(try archive.ingest(path, zones: zones, receivedAt: "2026-02-01T00:00:00.000Z", sniffed: (sniffed.encoding, sniffed.header),
                                                tentative: true)) { error in
            XCTAssertEqual((error as? SurveyFile.EncodingGuessWrong)?.encoding, .gb18030, "\(error)")
        }
        XCTAssertEqual(try archive.files().count, 0)
        XCTAssertEqual(try archive.returns().count, 0)
        guard case .stored(let file, _) = try archive.ingest(path, zones: zones, receivedAt: "2026-02-01T00:00:00.000Z",
                                                               sniffed: (.gb18030, sniffed.header)) else { return XCTFail("not stored") }
        XCTAssertEqual(file.encoding, "gb18030")
        XCTAssertEqual(file.rows, i + 400)
        XCTAssertEqual(try archive.returns().filter { $0.agencyName.hasPrefix("泉山示例") }.count, 400)
        // UTF-8 throughout: the guess holds, and the file is stored as it would be without it.
        let utf8 = dir.appendingPathComponent("utf8.csv").path
        try Data((ascii + chinese).utf8).write(to: URL(fileURLWithPath: utf8))
        guard case .stored(let guessed, _) = try archive.ingest(utf8, zones: zones, receivedAt: "2026-02-02T00:00:00.000Z",
                                                                  sniffed: (.utf8, sniffed.header), tentative: true) else { return XCTFail("not stored") }
        XCTAssertEqual(guessed.encoding, "utf-8")
        XCTAssertEqual(guessed.accepted, i + 400)
    }

    func testPersonalDataIsArchivedButNotInReturns() throws {
        let archive = try newArchive()
        _ = try archive.ingest(write("r.csv", returns([(Self.code("MA1XY4123"), "100")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        let r = try XCTUnwrap(archive.returns().first)
        XCTAssertFalse(String(describing: r).contains("19900000000"))
        XCTAssertTrue(try archive.rows(of: archive.files()[0])[0].values.contains { $0.0 == "phone" && $0.1 == "19900000000" })
    }

    func testDemoDataRowsInEqualsAcceptedPlusRejected() throws {
        let archive = try newArchive()
        let input = packageRoot.appendingPathComponent("input").path
        let files = try InputFile.collect([input])
        let zonesFile = files.filter { $0.hasSuffix("zones.csv") }
        for f in zonesFile + files.filter({ !$0.hasSuffix("zones.csv") }) {
            _ = try archive.ingest(f, zones: ZoneDirectory(try archive.zones()), receivedAt: Timestamp.string(Date()))
        }
        let stored = try archive.files()
        XCTAssertEqual(stored.count, 23, "22 CSV files and one workbook")
        XCTAssertEqual(stored.filter { $0.format == "xlsx" }.map { ($0.name as NSString).lastPathComponent }, ["binhu-agency-return.xlsx"])
        XCTAssertEqual(stored.reduce(0) { $0 + $1.rows }, 1145)
        XCTAssertEqual(stored.reduce(0) { $0 + $1.accepted }, 1134)
        XCTAssertEqual(stored.reduce(0) { $0 + $1.rejected }, 11)
        for f in stored { XCTAssertEqual(f.rows, f.accepted + f.rejected, f.name) }
        XCTAssertEqual(try archive.verify(), [])
        XCTAssertEqual(try archive.zones().map(\.id), ["sucheng", "binhu", "quanshan"])
        // 2025: 150 + 99 + 23 + 4 late, the 3 revisions replacing their originals.
        XCTAssertEqual(try archive.returns(periods: [Period(year: 2025)]).count, 276)
        XCTAssertEqual(try archive.returns(periods: [Period(year: 2025)], zones: ["binhu"]).count, 150)
        // Read in parts of its ids on every core, a period gives the same returns in the same order as in one part.
        let whole = try archive.returns(periods: [Period(year: 2025)], ordered: false)
        let wholeRevenue = try archive.returns(periods: [Period(year: 2025)], names: false, fields: ["revenue"])
        let saved = Archive.partsFrom
        Archive.partsFrom = 0
        defer { Archive.partsFrom = saved }
        XCTAssertEqual(try archive.returns(periods: [Period(year: 2025)], ordered: false), whole)
        XCTAssertEqual(try archive.returns(periods: [Period(year: 2025)], names: false, fields: ["revenue"]), wholeRevenue)
        XCTAssertEqual(whole.count, 276)
        // Visited in parts, one return lent at a time (filled again in place for the next): each is the return
        // read into the array, its name the bytes of the array's, and a visit that keeps copies keeps them intact.
        let visited = try archive.visitReturns(period: Period(year: 2025), names: true, start: { [(SurveyReturn, String)]() },
                                               visit: { $0.append(($1.pointee, String(decoding: $2, as: UTF8.self))) }, merge: { $0 += $1 })
        XCTAssertEqual(visited.map(\.0.agencyName), Array(repeating: "", count: 276), "the lent return has no name")
        XCTAssertEqual(visited.map { var r = $0.0; r.agencyName = $0.1; return r }, whole)
        let counted = try archive.visitReturns(period: Period(year: 2025), zones: ["binhu"], fields: ["revenue"], start: { (0, Int64(0), 0) },
                                               visit: { acc, r, name in acc.0 += 1; acc.1 += r.pointee["revenue"] ?? 0; acc.2 += name.count },
                                               merge: { $0 = ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2) })
        let binhu = wholeRevenue.filter { $0.zone == "binhu" }
        XCTAssertEqual(counted.0, 150)
        XCTAssertEqual(counted.1, binhu.reduce(0) { $0 + ($1["revenue"] ?? 0) })
        XCTAssertEqual(counted.2, 0, "no names asked for")
        // The directory alone (no figure read) has the agencies of the returns, names and all.
        let directory = try archive.directory(period: Period(year: 2025))
        XCTAssertEqual(Array(directory), whole.map { AgencyDirectory.Agency(zone: $0.zone, name: $0.agencyName, brandLevel: $0.brandLevel, creditCode: $0.creditCode) })
        XCTAssertEqual(try archive.directory(period: Period(year: 2025), zones: ["binhu"], names: false).map(\.name), Array(repeating: "", count: 150))
    }

    func testVerifyCatchesATamperedFileAndBadCounts() throws {
        let archive = try newArchive()
        _ = try archive.ingest(write("r.csv", returns([(Self.code("MA1XY4123"), "100")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        XCTAssertEqual(try archive.verify(), [])
        let queue = try DatabaseQueue(path: archive.path)
        // A small file is stored as read (one raw piece): the same length, other bytes.
        try queue.write { db in try db.execute(sql: "UPDATE file_piece SET bytes = CAST(replace(CAST(bytes AS TEXT), '100', '900') AS BLOB)") }
        let problems = try archive.verify()
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].what.en.contains("tampered"))
        try queue.write { db in try db.execute(sql: "UPDATE file SET rejected = 1") }
        XCTAssertTrue(try archive.verify().contains { $0.what.en.contains("rows 1 ≠ accepted 1 + rejected 1") })
    }

    /// A file of more than a piece is stored compressed, piece by piece, and read back byte for byte.
    func testALargeFileIsStoredCompressedAndReadBackExactly() throws {
        let archive = try newArchive()
        let text = returns((0..<12_000).map { (Self.code(String(format: "MA%07d", $0)), "\(100 + $0)") })
        XCTAssertGreaterThan(text.utf8.count, ChunkedFile.chunkSize, "more than one piece")
        let path = write("big.csv", text)
        guard case .stored(let file, let summary) = try archive.ingest(path, zones: zones, receivedAt: "2026-02-01T00:00:00.000Z") else {
            return XCTFail("not stored")
        }
        XCTAssertEqual(summary.rows, 12_000)
        XCTAssertEqual(file.accepted, 12_000)
        let queue = try DatabaseQueue(path: archive.path)
        let pieces = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT offset, size, codec, length(bytes) AS stored FROM file_piece WHERE file_id = ? ORDER BY offset",
                             arguments: [file.id])
        }
        XCTAssertEqual(pieces.map { $0["offset"] as Int64 }, [0, Int64(ChunkedFile.chunkSize)])
        XCTAssertEqual(pieces.map { $0["codec"] as String }, ["zstd", "zstd"])
        XCTAssertEqual(pieces.reduce(0) { $0 + ($1["size"] as Int64) }, file.size)
        XCTAssertLessThan(pieces.reduce(0) { $0 + ($1["stored"] as Int64) }, file.size / 3, "returns compress more than three times")
        XCTAssertEqual(try archive.verify(), [])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: archive.export(file, to: dir.appendingPathComponent("out").path))), Data(text.utf8))
        let rows = try archive.rows(of: file)
        XCTAssertEqual(rows.count, 12_000)
        XCTAssertEqual(rows[11_999].values.first { $0.0 == "revenue" }?.1, "12099", "the last row, read from the second piece")
        XCTAssertEqual(rows[11_999].values.first { $0.0 == "phone" }?.1, "19900000000")
    }

    /// Stored bytes that cannot be read back (a piece damaged, missing or of an unknown kind) are reported by
    /// verify and refused by export and show, with the file and why; nothing stops the process.
    func testUnreadableStoredBytesAreReportedNotCrashedOn() throws {
        let text = returns((0..<12_000).map { (Self.code(String(format: "MA%07d", $0)), "\(100 + $0)") })
        let damages: [(sql: String, reason: String)] = [
            ("UPDATE file_piece SET bytes = substr(bytes, 1, 100) WHERE offset > 0", "piece at byte 1048576 does not decompress"),
            ("UPDATE file_piece SET bytes = zeroblob(length(bytes)) WHERE offset > 0", "piece at byte 1048576 does not decompress"),
            ("DELETE FROM file_piece WHERE offset = 0", "piece at byte 1048576, expected 0"),
            ("DELETE FROM file_piece WHERE offset > 0", "pieces end at byte 1048576"),
            ("UPDATE file_piece SET codec = 'lz4' WHERE offset > 0", "unknown codec lz4"),
            ("UPDATE file_piece SET size = 'many' WHERE offset > 0", "records -1 bytes"),
            ("UPDATE file_piece SET bytes = x'' WHERE offset > 0", "does not decompress"),
        ]
        for (n, damage) in damages.enumerated() {
            let archive = try Archive(path: dir.appendingPathComponent("damaged-\(n).sqlite").path)
            guard case .stored(let file, _) = try archive.ingest(write("big.csv", text), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z") else {
                return XCTFail("not stored")
            }
            let queue = try DatabaseQueue(path: archive.path)
            try queue.write { db in try db.execute(sql: damage.sql) }
            let problems = try archive.verify()
            XCTAssertEqual(problems.count, 1, damage.sql)
            XCTAssertTrue(problems.first?.what.en.contains("stored bytes cannot be read") == true, "\(damage.sql): \(problems)")
            XCTAssertTrue(problems.first?.what.en.contains(damage.reason) == true, "\(damage.sql): \(problems)")
            XCTAssertThrowsError(try archive.export(file, to: dir.appendingPathComponent("out-\(n)").path), damage.sql) { error in
                XCTAssertEqual((error as? Archive.UnreadableFile)?.fileID, file.id, "\(error)")
            }
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out-\(n)").path)) ?? [], [])
            XCTAssertThrowsError(try archive.rows(of: file), damage.sql) { error in
                let m = Archive.failureMessage(error, path: archive.path)
                XCTAssertTrue(m?.en.contains("cannot be read") == true && m?.zh.contains("无法读取") == true, "\(error)")
            }
        }
    }

    /// A figure no return may hold (an archive written when cells took 14 digits of 万元, or altered) is reported
    /// as a damaged archive, naming the return and the field, not summed: twenty such returns overflowed a year's
    /// sum and stopped the white paper.
    func testAFigureBeyondTheFormIsReportedNotSummed() throws {
        let archive = try newArchive()
        _ = try archive.ingest(write("r.csv", returns([(Self.code("MA1XY4123"), "100"), (Self.code("MA1XY4124"), "200")])),
                               zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        XCTAssertEqual(try archive.returns(names: false).count, 2)
        let queue = try DatabaseQueue(path: archive.path)
        try queue.write { db in try db.execute(sql: "UPDATE record SET revenue = 999999999999990000 WHERE revenue = 1000000") }
        XCTAssertThrowsError(try archive.returns(names: false)) { error in
            let m = Archive.failureMessage(error, path: archive.path)
            XCTAssertTrue(m?.en.contains("revenue of \(Self.code("MA1XY4123")) is 999999999999990000, beyond what a return may hold") == true, "\(error)")
            XCTAssertTrue(m?.zh.contains("已损坏") == true, "\(error)")
        }
    }

    func testSkipsUnrecognisedFiles() throws {
        let archive = try newArchive()
        guard case .skipped(let s) = try archive.ingest(write("x.csv", "姓名,电话\n张三,1\n"), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z") else {
            return XCTFail("stored an unrecognised file")
        }
        XCTAssertEqual(s.findings.map(\.code), ["file.unrecognised"])
        XCTAssertEqual(try archive.files().count, 0)
    }

    func testLookupByIdOrHashPrefix() throws {
        let archive = try newArchive()
        _ = try archive.ingest(write("r.csv", returns([(Self.code("MA1XY4123"), "100")])), zones: zones, receivedAt: "2026-02-01T00:00:00.000Z")
        let f = try archive.files()[0]
        XCTAssertEqual(try archive.file(reference: "\(f.id)").sha256, f.sha256)
        XCTAssertEqual(try archive.file(reference: String(f.sha256.prefix(8))).id, f.id)
        XCTAssertThrowsError(try archive.file(reference: "ffffffffff"))
    }

    func testTimestamps() {
        XCTAssertEqual(Timestamp.parse("2025-12-31"), "2025-12-31T15:59:59.999Z", "a date means the end of that day in China")
        XCTAssertEqual(Timestamp.parse("2026-03-31T10:00:00+08:00"), "2026-03-31T02:00:00.000Z")
        XCTAssertNil(Timestamp.parse("yesterday"))
    }
}
