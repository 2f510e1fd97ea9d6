import Foundation
import XCTest

/// `ipsurvey ingest` and `ipsurvey archive` as a user runs them, including crashes and concurrency.
final class IngestCommandTests: XCTestCase {
    func testIngestDemoDataThenAgainChangesNothing() throws {
        let archive = temporaryDirectory().appendingPathComponent("a.sqlite").path
        let first = try ipsurvey(["ingest", "input", "--archive", archive, "--format", "json"])
        XCTAssertEqual(first.status, 1, "the demo data has rejected rows")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: first.stdout) as? [String: Any])
        let files = try XCTUnwrap(json["files"] as? [[String: Any]])
        XCTAssertEqual(files.count, 23)
        XCTAssertEqual(files.map { $0["status"] as? String }, Array(repeating: "stored", count: 23))
        XCTAssertEqual(files.first?["file"] as? String, "input/zones.csv", "zones first")
        XCTAssertEqual(files.reduce(0) { $0 + ($1["rows"] as! Int) }, 1145)
        XCTAssertEqual(files.reduce(0) { $0 + ($1["accepted"] as! Int) }, 1134)
        XCTAssertEqual(files.reduce(0) { $0 + ($1["rejected"] as! Int) }, 11)
        let before = try ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).stdout
        let second = try ipsurvey(["ingest", "input", "--archive", archive, "--lang", "en"])
        XCTAssertTrue(second.text.contains("Stored 0 files; 23 unchanged or skipped"), second.text)
        XCTAssertEqual(try ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).stdout, before)
        XCTAssertEqual(try ipsurvey(["archive", "verify", "--archive", archive]).status, 0)
    }

    /// A file read in parts whose encoding its start guesses wrong (ASCII, then GB18030) is stored as GB18030,
    /// once, every name decoded, under the SHA-256 of its bytes; ingesting it again changes nothing.
    func testABigFileThatTurnsOutGB18030IsStoredAsGB18030() throws {
        let (dir, path, _) = try asciiThenGB18030Returns()
        let archive = dir.appendingPathComponent("a.sqlite").path
        let r = try ipsurvey(["ingest", dir.path, "--archive", archive, "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any], r.stderr)
        let file = try XCTUnwrap((json["files"] as? [[String: Any]])?.first { ($0["file"] as? String)?.hasSuffix("returns-2025.csv") == true })
        XCTAssertEqual(file["status"] as? String, "stored")
        XCTAssertEqual(file["encoding"] as? String, "gb18030")
        XCTAssertEqual(file["rows"] as? Int, 80000)
        XCTAssertEqual(file["accepted"] as? Int, 80000)
        XCTAssertEqual(file["sha256"] as? String, try sha256sum(path))
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).stdout) as? [String: Any])
        XCTAssertEqual((list["files"] as? [[String: Any]])?.filter { ($0["file"] as? String)?.hasSuffix("returns-2025.csv") == true }.count, 1)
        let again = try ipsurvey(["ingest", path.path, "--archive", archive, "--lang", "en"])
        XCTAssertTrue(again.text.contains("Stored 0 files; 1 unchanged or skipped"), again.text)
    }

    func testArchiveShowListAndExport() throws {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("a.sqlite").path
        try ipsurvey(["ingest", "input", "--archive", archive])
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).stdout) as? [String: Any])
        let files = try XCTUnwrap(list["files"] as? [[String: Any]])
        let late = try XCTUnwrap(files.first { ($0["file"] as? String)?.hasSuffix("quanshan-late-returns.csv") == true })
        for key in ["id", "file", "sha256", "kind", "received_at", "rows", "accepted", "rejected", "warnings"] { XCTAssertNotNil(late[key], key) }
        let sha = try XCTUnwrap(late["sha256"] as? String)
        let show = try ipsurvey(["archive", "show", String(sha.prefix(10)), "--archive", archive, "--format", "json"])
        let shown = try XCTUnwrap(JSONSerialization.jsonObject(with: show.stdout) as? [String: Any])
        XCTAssertEqual(shown["encoding"] as? String, "utf-8")
        let rows = try XCTUnwrap(shown["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 15)
        XCTAssertEqual(rows[3]["status"] as? String, "rejected")
        XCTAssertEqual((rows[3]["values"] as? [String: String])?["revenue"], "12a")
        XCTAssertEqual(((rows[3]["findings"] as? [[String: Any]])?.first?["code"]) as? String, "revenue.not_a_number")
        XCTAssertEqual((rows[0]["values"] as? [String: String])?["agency_name"], "<script>alert(1)</script>")
        // The binhu originals of the three revised returns are superseded.
        let binhu = try XCTUnwrap(files.first { ($0["file"] as? String) == "input/returns/2025/binhu.csv" })
        let binhuShow = try ipsurvey(["archive", "show", "\(binhu["id"]!)", "--archive", archive, "--format", "json"])
        XCTAssertEqual(binhuShow.text.components(separatedBy: "\"status\":\"superseded\"").count - 1, 3)
        // Export writes the original bytes under a safe name.
        let out = dir.appendingPathComponent("exported").path
        let exported = try ipsurvey(["archive", "export", "\(late["id"]!)", "--archive", archive, "--out", out])
        let path = exported.text.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(path.hasPrefix(out + "/"), path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)),
                       try Data(contentsOf: packageRoot.appendingPathComponent("input/returns/2025/supplement/quanshan-late-returns.csv")))
        XCTAssertEqual(try ipsurvey(["archive", "show", "999", "--archive", archive]).status, 2)
    }

    func testTwoProcessesIngestingAtOnceBothStore() throws {
        let dir = temporaryDirectory()
        let data = dir.appendingPathComponent("data").path
        try ipsurvey(["sample", "--rows", "30000", "--seed", "5", "--out", data])
        let archive = dir.appendingPathComponent("a.sqlite").path
        try ipsurvey(["ingest", data + "/zones.csv", "--archive", archive])
        let group = DispatchGroup()
        let results = ResultBox()
        for year in [2023, 2024] {
            group.enter()
            DispatchQueue.global().async {
                let r = try? ipsurvey(["ingest", "\(data)/returns/returns-\(year).csv", "--archive", archive])
                results.add(r?.status ?? -1)
                group.leave()
            }
        }
        group.wait()
        XCTAssertEqual(results.values, [0, 0])
        let list = try ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).text
        XCTAssertTrue(list.contains("returns-2023.csv") && list.contains("returns-2024.csv"), list)
        XCTAssertEqual(try ipsurvey(["archive", "verify", "--archive", archive]).status, 0)
    }

    /// `ipsurvey ingest path --archive archive` started in the background, once it writes (its journal is there).
    func ingestWritingItsJournal(_ path: String, archive: String) throws -> Process {
        let process = Process()
        process.executableURL = ipsurveyBinary
        process.arguments = ["ingest", path, "--archive", archive]
        process.currentDirectoryURL = packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !FileManager.default.fileExists(atPath: archive + "-journal") { usleep(5_000) }
        return process
    }

    /// A reader while a file is being written waits for it (the archive has a rollback journal: see
    /// `Archive.init`) and then answers, with that file stored whole.
    func testAReaderDuringAnIngestWaitsAndSeesTheFileWhole() throws {
        let dir = temporaryDirectory()
        let data = dir.appendingPathComponent("data").path
        try ipsurvey(["sample", "--one-year", "2025", "--rows", "100000", "--seed", "4", "--out", data])
        let archive = dir.appendingPathComponent("a.sqlite").path
        try ipsurvey(["ingest", data + "/zones.csv", "--archive", archive])
        let returns = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: data + "/returns").first)
        let process = try ingestWritingItsJournal(data + "/returns/" + returns, archive: archive)
        XCTAssertTrue(process.isRunning, "the ingest finished before the reader started; make the data larger")
        let list = try ipsurvey(["archive", "list", "--archive", archive, "--format", "json"])
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(list.status, 0, list.stderr)
        let files = try XCTUnwrap((JSONSerialization.jsonObject(with: list.stdout) as? [String: Any])?["files"] as? [[String: Any]])
        // Before the file or after it, never part of it.
        for f in files where f["kind"] as? String == "returns" { XCTAssertEqual(f["accepted"] as? Int, 100_000, "\(f)") }
    }

    func testKillDuringIngestLeavesTheArchiveConsistentAndARerunCompletes() throws {
        let dir = temporaryDirectory()
        let data = dir.appendingPathComponent("data").path
        try ipsurvey(["sample", "--rows", "150000", "--seed", "9", "--out", data])
        let archive = dir.appendingPathComponent("a.sqlite").path
        let process = try ingestWritingItsJournal(data, archive: archive)
        // Past the first files, so the kill lands inside a returns file's transaction.
        usleep(700_000)
        XCTAssertTrue(process.isRunning, "the ingest finished before the kill; make the data larger")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        XCTAssertTrue(FileManager.default.fileExists(atPath: archive + "-journal"), "the killed file's journal is left")
        // A read-only command first lets SQLite roll the killed file back.
        let verify = try ipsurvey(["archive", "verify", "--archive", archive, "--lang", "en"])
        XCTAssertEqual(verify.status, 0, verify.text)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive + "-journal"), "rolled back")
        let partial = try XCTUnwrap(JSONSerialization.jsonObject(with: ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).stdout) as? [String: Any])
        let stored = (partial["files"] as? [[String: Any]]) ?? []
        XCTAssertLessThan(stored.count, 6, "the kill came before the end")
        for f in stored { XCTAssertEqual(f["rows"] as? Int, (f["accepted"] as! Int) + (f["rejected"] as! Int)) }

        let rerun = try ipsurvey(["ingest", data, "--archive", archive, "--format", "json"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let after = try XCTUnwrap(JSONSerialization.jsonObject(with: ipsurvey(["archive", "list", "--archive", archive, "--format", "json"]).stdout) as? [String: Any])
        let all = try XCTUnwrap(after["files"] as? [[String: Any]])
        XCTAssertEqual(all.count, 6)
        XCTAssertEqual(all.filter { ($0["kind"] as? String) == "returns" }.reduce(0) { $0 + ($1["accepted"] as! Int) }, 150_000)
        XCTAssertEqual(try ipsurvey(["archive", "verify", "--archive", archive]).status, 0)
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int32] = []
    func add(_ v: Int32) { lock.lock(); items.append(v); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return items }
}
