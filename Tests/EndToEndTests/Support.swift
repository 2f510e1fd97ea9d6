import Foundation
import SurveyCore
import XCTest

/// The package root (two levels above this file's folder).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `ipsurvey` executable, beside the test bundle (or `IPSURVEY_BINARY`, to run these tests against
/// another build — an older one, to see a test fail where the defect it covers is not fixed).
var ipsurveyBinary: URL {
    if let other = ProcessInfo.processInfo.environment["IPSURVEY_BINARY"] { return URL(fileURLWithPath: other) }
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("ipsurvey")
    }
    return Bundle.main.bundleURL.appendingPathComponent("ipsurvey")
}

struct RunResult {
    let status: Int32
    let stdout: Data
    let stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs the binary in the package root (so `input/` is the demo data) and waits for it.
@discardableResult
func ipsurvey(_ arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:],
              timeout: TimeInterval? = nil, as user: String? = nil) throws -> RunResult {
    let process = Process()
    if let user {
        // Another user (to test permissions, which root ignores): through util-linux's setpriv.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=\(user)", "--regid=\(user)", "--clear-groups", ipsurveyBinary.path] + arguments
    } else {
        process.executableURL = ipsurveyBinary
        process.arguments = arguments
    }
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["LANG"] = "C.UTF-8"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    // stdout through a pipe; stderr to a file, so neither can fill up and block the child.
    let out = Pipe()
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("ipsurvey-stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    if let timeout {
        // A hang is a failure, not a stuck test run: the child is killed and exits with a signal.
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { process.terminate() } }
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try err.close()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    try? FileManager.default.removeItem(at: errURL)
    return RunResult(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
}

/// The demo data ingested once, received on 2026-02-15, for the tests that only read it (status, grading).
let demoArchive: String = {
    let a = temporaryDirectory().appendingPathComponent("a.sqlite").path
    _ = try? ipsurvey(["ingest", "input", "--archive", a, "--received-at", "2026-02-15"])
    return a
}()

func temporaryDirectory() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsurvey-e2e-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs python3 with the archive's sqlite3 (to damage or tamper with it as an attacker would).
func python(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = ["-c", script]
    try p.run()
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, file: file, line: line)
}

/// A sample year of 80,000 returns (`sample --one-year`), big enough to be read in parts (over 16 MB), made ASCII
/// for its first 1.2 MB and GB18030 after: a file whose encoding a look at its start guesses wrong. Its folder (with
/// the sample's zones.csv), its path and its bytes.
func asciiThenGB18030Returns() throws -> (dir: URL, path: URL, bytes: [UInt8]) {
    let dir = temporaryDirectory()
    XCTAssertEqual(try ipsurvey(["sample", "--rows", "80000", "--one-year", "2025", "--seed", "3", "--out", dir.path]).status, 0)
    let path = dir.appendingPathComponent("returns/returns-2025.csv")
    let text = try String(contentsOf: path, encoding: .utf8)
    var head = "", tail = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if head.utf8.count < 1_200_000 { head += String(line.unicodeScalars.map { $0.isASCII ? Character($0) : "x" }) + "\n" }
        else { tail += line + "\n" }
    }
    let bytes = Array(head.utf8) + GB18030Transcoder.encode(String(tail.dropLast()))
    XCTAssertGreaterThan(bytes.count, SurveyFile.splitSize, "read in parts")
    try Data(bytes).write(to: path)
    return (dir, path, bytes)
}

/// The SHA-256 of a file, from coreutils' sha256sum.
func sha256sum(_ path: URL) throws -> String {
    let sum = Process(), pipe = Pipe()
    sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    sum.arguments = [path.path]
    sum.standardOutput = pipe
    try sum.run()
    let digest = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
    sum.waitUntilExit()
    return String(digest)
}
