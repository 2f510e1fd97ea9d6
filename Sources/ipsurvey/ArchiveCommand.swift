import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyWorkflow

struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Inspect, verify and export the archive. 查看、校验、导出存档。",
        discussion: """
        Example:
          ipsurvey archive list
          ipsurvey archive show 3 --format json
          ipsurvey archive verify
          ipsurvey archive export 3f2a9c --out /tmp/originals
        """,
        subcommands: [List.self, Show.self, Verify.self, Export.self]
    )

    /// The archive this process opened, named by the message of an archive error (`IPSurvey.main`).
    nonisolated(unsafe) static var openedPath: String?

    /// Opens an existing archive, or fails with a clear message when there is none yet. Read-only unless the
    /// command writes (`report` records releases).
    static func open(_ options: CommonOptions, writing: Bool = false) throws -> Archive {
        guard FileManager.default.fileExists(atPath: options.archive) else {
            Console.err(options.language == .zh ? "错误：存档 \(options.archive) 不存在；请先运行 ipsurvey ingest。"
                                                : "error: no archive at \(options.archive); run ipsurvey ingest first.")
            throw Exit.usageOrIO
        }
        openedPath = options.archive
        do {
            return try Archive(path: options.archive, readOnly: !writing)
        } catch is Archive.OutdatedSchema where access(options.archive, W_OK) == 0 {
            // An archive of an earlier release that this user may write: brought up to date, as before read-only
            // opens existed (only one the user may not write is refused, with the message of `OutdatedSchema`).
            return try Archive(path: options.archive)
        }
    }

    /// Opens the archive to write into, creating it if there is none (`ingest`, `run`); a damaged one is
    /// refused before anything is written.
    static func create(_ options: CommonOptions) throws -> Archive {
        openedPath = options.archive
        return try Archive(path: options.archive, checkFirst: true)
    }

    static func lookup(_ archive: Archive, _ reference: String, _ language: Language) throws -> Archive.StoredFile {
        do { return try archive.file(reference: reference) } catch let e as Archive.LookupError {
            switch e {
            case .notFound(let r): Console.err(language == .zh ? "错误：存档中没有编号或SHA-256前缀为 \(r) 的文件" : "error: no archived file with id or SHA-256 prefix \(r)")
            case .ambiguous(let r, _): Console.err(language == .zh ? "错误：SHA-256前缀 \(r) 对应多个文件，请写长一些" : "error: SHA-256 prefix \(r) names several files; give more characters")
            }
            throw Exit.usageOrIO
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored files with their counts.",
                                                        discussion: "Example:\n  ipsurvey archive list --format json")
        @Option(help: "text or json") var format: FindingFormat = .text
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let files = try ArchiveCommand.open(options).files()
            if format == .json {
                let items = files.map { f in
                    "{\"id\":\(f.id),\"file\":\(JSONText.string(f.name)),\"sha256\":\(JSONText.string(f.sha256)),\"kind\":\(JSONText.string(f.kind)),\"received_at\":\(JSONText.string(f.receivedAt)),\"rows\":\(f.rows),\"accepted\":\(f.accepted),\"rejected\":\(f.rejected),\"warnings\":\(f.warnings)}"
                }
                Console.out("{\"files\":[" + items.joined(separator: ",") + "]}\n")
                return
            }
            let zh = options.language == .zh
            var out = zh ? "编号  SHA-256       类型      接收时间                  行数  接受  拒绝  警告  文件\n"
                         : "id    sha256        kind      received_at               rows  acc.  rej.  warn  file\n"
            func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
                let fill = String(repeating: " ", count: max(0, n - s.count))
                return left ? fill + s : s + fill
            }
            for f in files {
                out += pad("\(f.id)", 5) + " " + String(f.sha256.prefix(12)) + "  " + pad(f.kind, 9) + " " + pad(f.receivedAt, 24) + " "
                    + [f.rows, f.accepted, f.rejected, f.warnings].map { pad("\($0)", 5, left: true) }.joined(separator: " ") + "  " + SafeText.terminal(f.name) + "\n"
            }
            Console.out(out)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one stored file: its rows as read, their status and findings.",
                                                        discussion: "Example:\n  ipsurvey archive show 3 --format json")
        @Argument(help: "File id or a unique prefix of its SHA-256.") var id: String
        @Option(help: "text or json") var format: FindingFormat = .text
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let archive = try ArchiveCommand.open(options)
            let file = try ArchiveCommand.lookup(archive, id, options.language)
            let rows = try archive.rows(of: file)
            if format == .json {
                var out = "{\"id\":\(file.id),\"file\":\(JSONText.string(file.name)),\"sha256\":\(JSONText.string(file.sha256)),\"encoding\":\(JSONText.string(file.encoding)),\"format\":\(JSONText.string(file.format)),\"kind\":\(JSONText.string(file.kind)),\"received_at\":\(JSONText.string(file.receivedAt)),\"findings\":\(Finding.jsonArray(file.findings)),\"rows\":["
                out += rows.map { r in
                    let values = r.values.map { "\(JSONText.string($0.0)):\(JSONText.string($0.1))" }.joined(separator: ",")
                    let by = r.supersededBy.map { ",\"superseded_by\":{\"file_id\":\($0.fileID),\"received_at\":\(JSONText.string($0.receivedAt))}" } ?? ""
                    return "{\"line\":\(r.line),\"status\":\(JSONText.string(r.status))\(by),\"values\":{\(values)},\"findings\":\(Finding.jsonArray(r.findings))}"
                }.joined(separator: ",")
                Console.out(out + "]}\n")
                return
            }
            let zh = options.language == .zh
            var out = "#\(file.id) \(SafeText.terminal(file.name))  \(file.sha256)  \(file.format == "xlsx" ? "xlsx" : file.encoding)  \(file.receivedAt)\n"
            out += zh ? "行数 \(file.rows)，接受 \(file.accepted)，拒绝 \(file.rejected)，警告 \(file.warnings)\n"
                      : "rows \(file.rows), accepted \(file.accepted), rejected \(file.rejected), warnings \(file.warnings)\n"
            for f in file.findings { out += "  [\(f.code)] \(SafeText.terminal(f.message[options.language]))\n" }
            for r in rows {
                let status = zh ? ["accepted": "接受", "rejected": "拒绝", "superseded": "已被替代"][r.status]! : r.status
                var line = "  \(r.line): \(status)"
                if let by = r.supersededBy { line += zh ? "（被第 \(by.fileID) 号文件替代，\(by.receivedAt)）" : " (by file #\(by.fileID), \(by.receivedAt))" }
                out += line + "\n"
                for f in r.findings { out += "      [\(f.code)] \(SafeText.terminal(f.message[options.language]))\n" }
            }
            Console.out(out)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every stored file and check rows in = accepted + rejected; exit 1 on any mismatch.",
            discussion: "Example:\n  ipsurvey archive verify")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let archive = try ArchiveCommand.open(options)
            let zh = options.language == .zh
            // SQLite's own check first: the checks below read typed values, which a damaged page can garble.
            let damage = try archive.damage(full: true)
            if !damage.isEmpty {
                Console.out(zh ? "存档 \(options.archive) 已损坏（SQLite integrity_check），未继续校验；请用备份恢复：\n"
                               : "the archive \(options.archive) is damaged (SQLite integrity_check); nothing else was checked. Restore it from a backup:\n")
                for d in damage { Console.out("  " + SafeText.terminal(d) + "\n") }
                throw Exit.dataErrors
            }
            let problems = try archive.verify()
            let files = try archive.files()
            for p in problems { Console.out((zh ? "不一致：" : "MISMATCH: ") + "#\(p.fileID) \(SafeText.terminal(p.name)): \(SafeText.terminal(p.what[options.language]))\n") }
            // Each recorded release: the archive must still give its cells, and its pattern its digest.
            let releases = try archive.allReleases()
            let releaseProblems = try Releasing.verify(archive)
            for (r, p) in releaseProblems {
                Console.out((zh ? "不一致：" : "MISMATCH: ") + SafeText.terminal("release \(r.period) \(r.asOf): \(p.message[options.language])") + "\n")
            }
            Console.out(zh ? "已校验 \(files.count) 个文件、\(releases.count) 个公布数据集，发现 \(problems.count + releaseProblems.count) 处不一致\n"
                           : "Verified \(files.count) files and \(releases.count) releases: \(problems.count + releaseProblems.count) problems\n")
            if !problems.isEmpty || !releaseProblems.isEmpty { throw Exit.dataErrors }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a stored file's original bytes into a folder, under a safe name.",
            discussion: "Example:\n  ipsurvey archive export 3 --out /tmp/originals")
        @Argument(help: "File id or a unique prefix of its SHA-256.") var id: String
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let archive = try ArchiveCommand.open(options)
            let file = try ArchiveCommand.lookup(archive, id, options.language)
            do {
                let path = try archive.export(file, to: options.out)
                Console.out(SafeText.terminal(path) + "\n")
            } catch let e as Archive.TamperedFile {
                Console.err(options.language == .zh
                    ? "错误：第 \(e.fileID) 号文件 \(SafeText.terminal(e.name)) 的存档内容SHA-256为 \(e.actual)，与入库时记录的 \(e.recorded) 不符（被改动或损坏），未导出。"
                    : "error: the stored bytes of file #\(e.fileID) \(SafeText.terminal(e.name)) hash to \(e.actual), not the recorded \(e.recorded) (tampered or damaged); nothing was exported.")
                throw Exit.dataErrors
            } catch let e as Archive.UnreadableFile {
                let m = Archive.failureMessage(e, path: SafeText.terminal(options.archive))!
                Console.err((options.language == .zh ? "错误：" + m.zh + "未导出。" : "error: " + m.en + " Nothing was exported.") + "\n")
                throw Exit.dataErrors
            } catch let e as CocoaError {
                throw OutputFailure(path: options.out, error: e).fail(options.language)
            }
        }
    }
}
