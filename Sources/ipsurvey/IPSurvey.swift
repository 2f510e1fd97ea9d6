import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyWorkflow

@main
struct IPSurvey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ipsurvey",
        abstract: "知识产权服务业统计调查系统 — IP service industry statistics for cluster zones.",
        discussion: """
        Checks the survey returns (统计调查表) that service agencies send as CSV (UTF-8 or GBK), \
        archives them, computes the statistics the zone plans require and publishes the annual white paper.

        Exit codes: 0 success; 1 the data has errors (rows rejected, a template or schema failure); \
        2 usage or I/O error.
        """,
        version: ToolInfo.version,
        subcommands: [Run.self, Validate.self, Ingest.self, Report.self, Query.self, Audit.self, Targets.self, Status.self, Grade.self, Assess.self, ArchiveCommand.self, Form.self, Sample.self],
        defaultSubcommand: Run.self
    )
}

extension IPSurvey {
    /// Runs the command; usage errors exit 2 as SPEC.md says (argument-parser's own code is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let e as UsageError {
            FileHandle.standardError.write(Data(("Error: " + e.message + "\n").utf8))
            Foundation.exit(2)
        } catch where Archive.failureMessage(error, path: ArchiveCommand.openedPath ?? "") != nil {
            // A damaged, read-only or full archive: what happened and to which file, in both languages, exit 2.
            let m = Archive.failureMessage(error, path: SafeText.terminal(ArchiveCommand.openedPath ?? ""))!
            FileHandle.standardError.write(Data(("错误：" + m.zh + "\nerror: " + m.en + "\n").utf8))
            Foundation.exit(2)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

enum ToolInfo {
    static let version = "0.1.0"
}
