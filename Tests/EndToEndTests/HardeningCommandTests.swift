import Foundation
import XCTest

/// ipsurvey as a hostile user or a broken disk meets it (issue 14): it never hangs, crashes, garbles or leaks,
/// and says in both languages what is wrong and where.
final class HardeningCommandTests: XCTestCase {
    /// The demo data ingested into a fresh archive: (folder, archive path).
    func demoArchive() throws -> (URL, String) {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("a.sqlite").path
        let r = try ipsurvey(["ingest", "input", "--archive", archive], timeout: 120)
        XCTAssertEqual(r.status, 1, r.stderr)       // the demo's deliberate errors
        return (dir, archive)
    }

    func returnsHeader() throws -> String {
        let demo = try String(contentsOf: packageRoot.appendingPathComponent("input/returns/2025/quanshan.csv"), encoding: .utf8)
        return String(demo.split(separator: "\n")[0])
    }

    /// A copy of the demo's 2025 Quanshan file with `edit` applied to its second data row's cells.
    func editedReturns(_ edit: (inout [String]) -> Void) throws -> String {
        let demo = try String(contentsOf: packageRoot.appendingPathComponent("input/returns/2025/quanshan.csv"), encoding: .utf8)
        var lines = demo.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        edit(&cells)
        lines[2] = cells.joined(separator: ",")
        return lines.joined(separator: "\n")
    }

    // 1. A BOM and a megabyte of 0xFF, and 3 MB of random bytes named .csv: seconds, not minutes.
    func testUndecodableMegabytesAreCheckedInSeconds() throws {
        let dir = temporaryDirectory()
        let ff = dir.appendingPathComponent("ff.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array((try returnsHeader() + "\n").utf8) + [UInt8](repeating: 0xFF, count: 1 << 20) + [0x0A]).write(to: ff)
        // 3 MB of pseudo-random bytes without NUL, the same every run (a fixed linear congruential sequence).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let binary = dir.appendingPathComponent("attachment.csv")
        try Data((0..<(3 << 20)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56) | 1
        }).write(to: binary)
        let start = Date()
        let r = try ipsurvey(["validate", ff.path, binary.path, "--format", "json"], timeout: 60)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        XCTAssertEqual(r.status, 1, r.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let files = try XCTUnwrap(json["files"] as? [[String: Any]])
        let ffFindings = try XCTUnwrap(files.first { ($0["file"] as? String) == ff.path }?["findings"] as? [[String: Any]])
        XCTAssertEqual(ffFindings.filter { ($0["code"] as? String)?.hasSuffix("invalid_byte") == true }.count, 1)
        XCTAssertLessThan(r.stdout.count, 20_000, "no echo of the megabyte")
        let binFindings = try XCTUnwrap(files.first { ($0["file"] as? String) == binary.path }?["findings"] as? [[String: Any]])
        XCTAssertFalse(binFindings.isEmpty, "reported, not silently skipped")
    }

    // 2. A control character in a name: the row is rejected with a finding, and the white paper is still written.
    // 4. A formula in a target's source does not reach the CSV as a formula.
    func testAControlCharacterInANameNeitherPassesNorBlocksThePaper() throws {
        let dir = temporaryDirectory()
        let input = dir.appendingPathComponent("input")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("input"), to: input)
        let file = input.appendingPathComponent("returns/2025/quanshan.csv")
        try editedReturns { $0[1] = "泉山\u{01}示例\u{1B}]0;pwned\u{07}公司" }.write(to: file, atomically: true, encoding: .utf8)
        let targets = input.appendingPathComponent("targets.csv")
        var t = try String(contentsOf: targets, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = t[0].split(separator: ",").map(String.init)
        let sourceColumn = try XCTUnwrap(header.firstIndex { $0 == "source" || $0 == "依据" })
        var row = t[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        row[sourceColumn] = "=HYPERLINK(\"\"http://evil\"\";\"\"x\"\")"
        row[sourceColumn] = "\"" + row[sourceColumn] + "\""
        t[1] = row.joined(separator: ",")
        try t.joined(separator: "\n").write(to: targets, atomically: true, encoding: .utf8)

        let v = try ipsurvey(["validate", file.path, "--input", input.path, "--lang", "en"], timeout: 60)
        XCTAssertEqual(v.status, 1)
        XCTAssertTrue(v.text.contains("[agency_name.unsafe_character]") && v.text.contains("character 3 (U+0001)"), v.text)
        XCTAssertFalse(v.text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x01 }, "terminal-safe")

        let out = dir.appendingPathComponent("output")
        let archive = dir.appendingPathComponent("a.sqlite").path
        let r = try ipsurvey(["run", "--strict", "--input", input.path, "--archive", archive, "--out", out.path], timeout: 300)
        XCTAssertEqual(r.status, 1, "--strict: rejected rows exit 1, the paper still written\n\(r.stderr)")
        let xml = try String(contentsOf: out.appendingPathComponent("whitepaper-2025.xml"), encoding: .utf8)
        XCTAssertFalse(xml.contains("pwned"), "the rejected row is not published")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("whitepaper-2025.html").path))

        let csv = try ipsurvey(["targets", "--year", "2025", "--format", "csv", "--archive", archive], timeout: 60)
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertTrue(csv.text.contains("'=HYPERLINK"), csv.text)
        for line in csv.text.split(separator: "\r\n") {
            for cell in line.split(separator: ",") { XCTAssertFalse(cell.hasPrefix("=") || cell.hasPrefix("\"="), String(line)) }
        }

        // Text stored before today's check (written into the archive directly) is replaced, not a blocked paper.
        try python("""
            import sqlite3; c = sqlite3.connect('\(archive)')
            c.execute("UPDATE record SET agency_name = agency_name || char(1) || char(65535) WHERE agency_name IS NOT NULL"); c.commit()
            """)
        let again = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", out.path, "--lang", "en"], timeout: 300)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("control or non-characters that cannot be published"), again.stderr)
        let paper = try String(contentsOf: out.appendingPathComponent("whitepaper-2025.xml"), encoding: .utf8)
        XCTAssertTrue(paper.contains("\u{FFFD}") && !paper.unicodeScalars.contains { $0.value == 1 || $0.value == 0xFFFF })
    }

    // 3. A UTF-8 file with one bad byte on its last line is read as UTF-8, not as GB18030 mojibake.
    func testAUTF8FileWithOneBadByteIsReadAsUTF8() throws {
        let dir = temporaryDirectory()
        var bytes = Array(try String(contentsOf: packageRoot.appendingPathComponent("input/returns/2025/quanshan.csv"), encoding: .utf8).utf8)
        bytes.insert(0xFF, at: bytes.count - 2)
        let file = dir.appendingPathComponent("q.csv")
        try Data(bytes).write(to: file)
        let r = try ipsurvey(["validate", file.path, "--format", "json"], timeout: 60)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let f = try XCTUnwrap((json["files"] as? [[String: Any]])?.first)
        XCTAssertEqual(f["encoding"] as? String, "utf-8")
        XCTAssertEqual(f["accepted"] as? Int, 98)
        XCTAssertEqual(f["rejected"] as? Int, 1)
        XCTAssertFalse(r.text.contains("鏃") || r.text.contains("娉"), "no mojibake")
    }

    // 4. validate --format csv: values and file names that begin a formula are neutralised.
    func testTheFeedbackCSVHoldsNoFormula() throws {
        let dir = temporaryDirectory()
        try editedReturns { $0[7] = "=HYPERLINK(\"http://evil\";\"x\")"; $0[8] = "+cmd|' /C calc'!A0"; $0[9] = "@SUM(1)" }
            .write(to: dir.appendingPathComponent("=1+1.csv"), atomically: true, encoding: .utf8)
        let r = try ipsurvey(["validate", "=1+1.csv", "--format", "csv", "--input", packageRoot.appendingPathComponent("input").path],
                             in: dir, timeout: 60)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.text.contains("'=1+1.csv") && r.text.contains("'+cmd") && r.text.contains("'@SUM"), r.text)
        for line in r.text.split(separator: "\r\n").dropFirst() {
            // Every cell: not a formula, even once the quotes are taken off.
            for cell in line.split(separator: ",") {
                let bare = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                XCTAssertFalse(["=", "+", "@"].contains { bare.hasPrefix($0) }, String(line))
            }
        }
    }

    // 5. Option values that used to crash are usage errors (exit 2) with a message.
    func testOutOfRangeOptionValuesAreUsageErrors() throws {
        for args in [["report", "--year", "1989"], ["report", "--year", "0"], ["run", "--year", "1900"], ["targets", "--year", "2201"],
                     ["targets", "--year", "1899"], ["sample", "--rows", "0", "--out", temporaryDirectory().path],
                     ["sample", "--rows=-1", "--out", temporaryDirectory().path]] {
            let r = try ipsurvey(args, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("must be") && r.stderr.contains("应为"), r.stderr)
        }
        let one = temporaryDirectory()
        let r = try ipsurvey(["sample", "--rows", "1", "--out", one.path], timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try ipsurvey(["validate", one.path], timeout: 60).status, 0)
    }

    // 6. A damaged archive: verify says so (exit 1), ingest writes nothing (exit 2), reads say which file (exit 2).
    // 10. SQLite errors exit 2 with the archive named, in both languages.
    func testADamagedArchiveIsDiagnosedAndNotWrittenInto() throws {
        let (_, archive) = try demoArchive()
        // The first page of the table of rows, inverted (a page a third of the way in may hold a file's bytes, which
        // SQLite's check does not read).
        try python("""
            import sqlite3; f = '\(archive)'; c = sqlite3.connect(f)
            size = c.execute('PRAGMA page_size').fetchone()[0]
            root = c.execute("SELECT rootpage FROM sqlite_master WHERE name = 'record'").fetchone()[0]; c.close()
            o = (root - 1) * size
            h = open(f, 'r+b'); h.seek(o); b = h.read(size); h.seek(o); h.write(bytes(x ^ 0xFF for x in b)); h.close()
            """)
        let before = try Data(contentsOf: URL(fileURLWithPath: archive))
        let verify = try ipsurvey(["archive", "verify", "--archive", archive, "--lang", "en"], timeout: 60)
        XCTAssertEqual(verify.status, 1, verify.stderr)
        XCTAssertTrue(verify.text.contains("is damaged") && verify.text.contains("integrity_check"), verify.text + verify.stderr)
        let ingest = try ipsurvey(["ingest", "input/returns/2025/quanshan.csv", "--archive", archive], timeout: 60)
        XCTAssertEqual(ingest.status, 2)
        XCTAssertTrue(ingest.stderr.contains(archive) && ingest.stderr.contains("已损坏") && ingest.stderr.contains("damaged"), ingest.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: archive)), before, "nothing written")
        for args in [["archive", "list"], ["query", "--period", "2025", "--no-suppress"], ["archive", "show", "3"]] {
            let r = try ipsurvey(args + ["--archive", archive], timeout: 60)
            XCTAssertTrue(r.status == 2 || r.status == 0, "\(args) exits \(r.status): \(r.stderr)")
            if r.status == 2 { XCTAssertTrue(r.stderr.contains(archive), r.stderr) }
        }
    }

    // 7. An archive the user may not write (mode 444, a folder of another owner) is read.
    func testAReadOnlyArchiveCanBeQueried() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to act as another user") }
        let (dir, archive) = try demoArchive()
        chmod(archive, 0o444)
        chmod(dir.path, 0o755)
        for args in [["query", "--period", "2025", "--no-suppress", "--format", "csv"], ["archive", "list"], ["archive", "verify"]] {
            let r = try ipsurvey(args + ["--archive", archive], environment: ["HOME": "/tmp"], timeout: 60, as: "65534")
            XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        }
        // A file it does not hold yet (the same bytes again would change nothing, and need no writing).
        let zones = dir.appendingPathComponent("zones-again.csv")
        try (String(contentsOf: packageRoot.appendingPathComponent("input/zones.csv"), encoding: .utf8) + "\n").write(to: zones, atomically: true, encoding: .utf8)
        let write = try ipsurvey(["ingest", zones.path, "--archive", archive], timeout: 60, as: "65534")
        XCTAssertEqual(write.status, 2, write.text)
        XCTAssertTrue(write.stderr.contains(archive), write.stderr)
    }

    // 7. An archive of an earlier release: a query brings it up to date when the user may write it, and says
    // what to do when not.
    func testAnOlderArchiveIsUpgradedByAQueryOrExplained() throws {
        let dir = temporaryDirectory()
        let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/archive-v4.sqlite")
        let writable = dir.appendingPathComponent("w.sqlite").path, locked = dir.appendingPathComponent("r.sqlite").path
        try FileManager.default.copyItem(atPath: fixture.path, toPath: writable)
        try FileManager.default.copyItem(atPath: fixture.path, toPath: locked)
        let q = try ipsurvey(["query", "--period", "2025", "--no-suppress", "--archive", writable], timeout: 60)
        XCTAssertEqual(q.status, 0, q.stderr)
        guard getuid() == 0 else { return }
        chmod(locked, 0o444)
        chmod(dir.path, 0o755)
        let r = try ipsurvey(["query", "--period", "2025", "--no-suppress", "--archive", locked], environment: ["HOME": "/tmp"], timeout: 60, as: "65534")
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("older ipsurvey") && r.stderr.contains("旧版"), r.stderr)
    }

    // 9. A FIFO, a folder and a dangling link named *.csv: reported, and the other files are still read.
    func testOddEntriesInAnInputFolderDoNotHangOrStopTheCall() throws {
        let dir = temporaryDirectory()
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("input/returns/2025/quanshan.csv"), to: dir.appendingPathComponent("b.csv"))
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("a-fifo.csv").path, 0o644), 0)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("c-folder.csv"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("d-dangling.csv").path, withDestinationPath: "/nonexistent/x.csv")
        let input = packageRoot.appendingPathComponent("input").path
        let v = try ipsurvey(["validate", dir.path, "--input", input, "--lang", "en"], timeout: 60)
        XCTAssertEqual(v.status, 1, v.stderr)
        XCTAssertTrue(v.text.contains("b.csv  [returns, UTF-8]  rows 99, accepted 99"), v.text)
        XCTAssertTrue(v.text.contains("[file.not_regular]") && v.text.contains("a FIFO"), v.text)
        XCTAssertTrue(v.text.contains("d-dangling.csv: error [file.unreadable]"), v.text)
        XCTAssertFalse(v.text.contains("c-folder.csv  ["), "a folder is searched, not read")
        let archive = dir.appendingPathComponent("a.sqlite").path
        let i = try ipsurvey(["ingest", dir.path, "--archive", archive, "--input", input, "--format", "json"], timeout: 60)
        XCTAssertEqual(i.status, 1, i.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: i.stdout) as? [String: Any])
        let stored = (json["files"] as? [[String: Any]])?.filter { ($0["status"] as? String) == "stored" }.compactMap { $0["file"] as? String }
        XCTAssertEqual(stored, [dir.appendingPathComponent("b.csv").path])
    }

    // 10. An unrecognised file with an undecodable byte is an error; an unwritable --out exits 2 naming it.
    func testErrorsAreCountedAndOutputFailuresNamed() throws {
        let dir = temporaryDirectory()
        let bad = dir.appendingPathComponent("x.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array("名".utf8) + [0xFF] + Array("称,x\n1,2\n".utf8)).write(to: bad)
        let v = try ipsurvey(["validate", bad.path], timeout: 60)
        XCTAssertEqual(v.status, 1, v.text)
        let (_, archive) = try demoArchive()
        let e = try ipsurvey(["archive", "export", "1", "--archive", archive, "--out", "/dev/null/sub"], timeout: 60)
        XCTAssertEqual(e.status, 2)
        XCTAssertTrue(e.stderr.contains("/dev/null/sub") && e.stderr.contains("无法写入") && e.stderr.contains("cannot write"), e.stderr)
    }

    // 10. A full disk: the file is refused before it is written, with the archive named, exit 2.
    func testAFullDiskIsReportedWithTheArchiveNamed() throws {
        let mount = temporaryDirectory()
        let m = Process()
        m.executableURL = URL(fileURLWithPath: "/bin/mount")
        m.arguments = ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.path]
        m.standardError = FileHandle.nullDevice
        try m.run(); m.waitUntilExit()
        guard m.terminationStatus == 0 else { throw XCTSkip("cannot mount a small tmpfs here") }
        defer { let u = Process(); u.executableURL = URL(fileURLWithPath: "/bin/umount"); u.arguments = [mount.path]; try? u.run(); u.waitUntilExit() }
        let sample = temporaryDirectory()
        XCTAssertEqual(try ipsurvey(["sample", "--rows", "20000", "--out", sample.path], timeout: 120).status, 0)
        let archive = mount.appendingPathComponent("a.sqlite").path
        let r = try ipsurvey(["ingest", sample.path, "--archive", archive, "--input", sample.path], timeout: 120)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains(archive) && r.stderr.contains("磁盘") && r.stderr.contains("disk"), r.stderr)
        for suffix in ["-wal", "-journal"] {
            let left = (try? FileManager.default.attributesOfItem(atPath: archive + suffix)[.size] as? Int) ?? 0
            XCTAssertLessThan(left ?? 0, 1 << 20, "no half-written file left in \(suffix)")
        }
        XCTAssertEqual(try ipsurvey(["archive", "verify", "--archive", archive], timeout: 60).status, 0)
    }

    // 11. A tampered blob is re-hashed and refused on export.
    /// The demo archive with the stored bytes of its file #1 altered by `sql` (as anyone with sqlite3 could), and
    /// what `archive export 1` then does; it must write nothing.
    func exportAfterAltering(_ sql: String) throws -> (archive: String, export: RunResult) {
        let (dir, archive) = try demoArchive()
        try python("""
            import sqlite3; c = sqlite3.connect('\(archive)')
            c.execute("\(sql)"); c.commit()
            """)
        let out = dir.appendingPathComponent("export")
        let r = try ipsurvey(["archive", "export", "1", "--archive", archive, "--out", out.path, "--lang", "en"], timeout: 60)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [], [])
        return (archive, r)
    }

    func testExportRefusesATamperedFile() throws {
        let (_, r) = try exportAfterAltering("UPDATE file_piece SET bytes = CAST(replace(CAST(bytes AS TEXT), ',', ';') AS BLOB) WHERE file_id = 1")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("tampered or damaged"), r.stderr)
    }

    // 11b. A stored piece cut short (or otherwise unreadable) is reported by export, show and verify; none crashes.
    func testAnUnreadableStoredFileIsReported() throws {
        let (archive, e) = try exportAfterAltering("UPDATE file_piece SET bytes = substr(bytes, 1, 10) WHERE file_id = 1")
        XCTAssertEqual(e.status, 1, e.stderr)
        XCTAssertTrue(e.stderr.contains("the stored bytes of file #1") && e.stderr.contains("cannot be read")
                      && e.stderr.contains("Nothing was exported"), e.stderr)
        let s = try ipsurvey(["archive", "show", "1", "--archive", archive], timeout: 60)
        XCTAssertEqual(s.status, 2, s.stderr)
        XCTAssertTrue(s.stderr.contains("无法读取") && s.stderr.contains("cannot be read"), s.stderr)
        let v = try ipsurvey(["archive", "verify", "--archive", archive, "--lang", "en"], timeout: 60)
        XCTAssertEqual(v.status, 1, v.text)
        XCTAssertTrue(v.text.contains("MISMATCH: #1") && v.text.contains("stored bytes cannot be read (piece at byte 0 holds 10 bytes"), v.text)
    }

    // 12. Escape sequences from cells and file names never reach the terminal raw; long values are cut.
    func testNoEscapeSequenceReachesTheTerminal() throws {
        let dir = temporaryDirectory()
        let name = "evil\u{1B}]0;owned\u{07}\u{1B}[2J.csv"
        try editedReturns { $0[7] = "\u{1B}]8;;http://evil\u{1B}\\click\u{1B}]8;;\u{1B}\\" + String(repeating: "9", count: 200_000) }
            .write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let input = packageRoot.appendingPathComponent("input").path
        let v = try ipsurvey(["validate", dir.path, "--input", input], timeout: 60)
        XCTAssertEqual(v.status, 1)
        XCTAssertFalse(v.stdout.contains(0x1B) || v.stdout.contains(0x07), v.text)
        XCTAssertTrue(v.text.contains("evil<U+001B>]0;owned<U+0007>"), v.text)
        XCTAssertLessThan(v.stdout.count, 10_000, "the 200 KB value is not echoed")
        let archive = dir.appendingPathComponent("a.sqlite").path
        _ = try ipsurvey(["ingest", dir.path, "--archive", archive, "--input", input], timeout: 60)
        for args in [["archive", "list"], ["archive", "show", "1"]] {
            let r = try ipsurvey(args + ["--archive", archive], timeout: 60)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stdout.contains(0x1B) || r.stdout.contains(0x07), "\(args): \(r.text)")
        }
    }
}
