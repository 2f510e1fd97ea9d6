import ArgumentParser
import SurveyCore

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
        subcommands: [Validate.self, Ingest.self, ArchiveCommand.self, Form.self, Sample.self]
    )
}

enum ToolInfo {
    static let version = "0.1.0"
}
