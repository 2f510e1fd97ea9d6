import ArgumentParser
import Foundation
import SurveyCore
import SurveyWorkflow

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check returns without archiving them; print every problem. 检查调查表（不入库）。",
        discussion: """
        Takes files and folders (searched recursively for .csv). Each file is recognised by its header \
        (survey returns, zones, regional statistics, targets). Returns are checked against the zones given \
        in the same call, else INPUT/zones.csv.

        Example:
          ipsurvey validate input/returns
          ipsurvey validate --format csv --lang zh returns-from-agencies/ > problems.csv
        """
    )

    @Argument(help: "Files or folders to check.")
    var paths: [String]

    @Option(help: "Output format: text, json or csv (UTF-8 with BOM, for Excel).")
    var format: FindingFormat = .text

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let language = options.language
        do {
            // Only the JSON output shows each file's SHA-256: the other formats skip hashing (5 % of a check).
            let summaries = try Checking.checkAll(paths, inputFolder: options.input, hashing: format == .json)
            Console.out(FindingOutput.render(summaries, format: format, language: language))
            if summaries.contains(where: { $0.rejected > 0 || $0.hasErrors }) { throw Exit.dataErrors }
        } catch let e as FileReadError {
            throw e.fail(language)
        }
    }
}

