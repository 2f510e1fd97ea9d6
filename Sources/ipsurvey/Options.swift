import ArgumentParser
import Foundation
import SurveyCore

extension Language: ExpressibleByArgument {}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Language of messages and reports: zh or en (default from LANG, else zh).")
    var lang: Language?

    @Option(help: "The archive (SQLite file).")
    var archive = "output/archive.sqlite"

    @Option(help: "The input folder (zones.csv, targets.csv, regional/, returns/).")
    var input = "input"

    @Option(help: "The output folder.")
    var out = "output"

    @Option(help: "The templates folder.")
    var templates = "templates"

    var language: Language { lang ?? Language.fromLocale(ProcessInfo.processInfo.environment["LANG"]) }
}

/// Where messages (stderr) and results (stdout) go; the only place that writes to the terminal.
enum Console {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    static func err(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    /// A progress line on stderr, rewritten in place; nil clears it.
    static func progress(_ text: String?) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + (text ?? "")).utf8))
    }
    /// A progress callback for a long pipeline: the progress line on a terminal, nothing otherwise.
    static var progressReporter: ((String?) -> Void)? {
        stderrIsTerminal ? { (text: String?) in progress(text) } : nil
    }
    /// Colour only on a terminal and without NO_COLOR.
    static var colour: Bool { isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
}

/// `--year` is a statistical year: the years a period may have (`Period`, 1990–2100).
enum YearOption {
    static let valid = 1990...2100

    static func check(_ year: Int?) throws {
        guard let year, !valid.contains(year) else { return }
        throw ValidationError("--year 应为 \(valid.lowerBound)–\(valid.upperBound) 之间的年份 / --year must be a year from \(valid.lowerBound) to \(valid.upperBound); got \(year)")
    }
}

/// `--period` is a statistical period: a year or a quarter, of the years a period may have.
enum PeriodOption {
    static func parse(_ text: String) throws -> Period {
        guard let p = Period(text) else {
            throw ValidationError("--period 应为年份或季度（如 2025、2025Q3）/ --period must be a year or a quarter (2025, 2025Q3); got \(SafeText.terminal(text))")
        }
        try YearOption.check(p.year)
        return p
    }
}

/// Exit codes of SPEC.md.
enum Exit {
    static let dataErrors = ExitCode(1)
    static let usageOrIO = ExitCode(2)
}

extension FileReadError {
    func fail(_ language: Language) -> ExitCode {
        let path = SafeText.terminal(path)
        Console.err(language == .zh ? "错误：\(path)：\(reason)" : "error: \(path): \(reason)")
        return Exit.usageOrIO
    }
}

/// A file or folder of `--out` that could not be written: named, with the system's reason (exit 2).
struct OutputFailure {
    let path: String
    let error: Error

    /// The POSIX reason under a Foundation error (`No space left on device`, `Permission denied` …).
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? Error).map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let e = error as? FileReadError { return e.reason }
        return ns.localizedDescription
    }

    func fail(_ language: Language) -> ExitCode {
        let reason = Self.reason(error), path = SafeText.terminal(path)
        Console.err("错误：无法写入 \(path)：\(reason)\nerror: cannot write \(path): \(reason)")
        return Exit.usageOrIO
    }
}

/// With IPSURVEY_TIMING set, prints how long each phase of a command took (to stderr): `lap("read")`.
final class PhaseTimer {
    private let on = ProcessInfo.processInfo.environment["IPSURVEY_TIMING"] != nil
    private var clock = Date()

    func callAsFunction(_ what: @autoclosure () -> String) {
        guard on else { return }
        Console.err(String(format: "timing: %@ %.3f s", what(), Date().timeIntervalSince(clock)))
        clock = Date()
    }
}

/// A published output refused for confidentiality: the message in the chosen language, then the other.
struct Refusal {
    let message: Bilingual
    init(_ message: Bilingual) { self.message = message }

    func fail(_ language: Language) -> ExitCode {
        Console.err(language == .zh ? message.zh + "\n" + message.en : message.en + "\n" + message.zh)
        return Exit.usageOrIO
    }
}
