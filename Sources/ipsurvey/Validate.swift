import ArgumentParser
import Foundation
import SurveyCore
import SurveyWorkflow

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check returns without archiving them; print every problem. 检查调查表（不入库）。",
        discussion: """
        Takes files and folders (searched recursively for .csv and .xlsx). Each file is recognised by its \
        header (survey returns, zones, regional statistics, targets, agencies); a workbook's header is found \
        by its titles on the form's sheet (or the first visible one), and each finding names its cell. \
        Returns are checked against the zones given in the same call, else INPUT/zones.csv. --format xlsx \
        writes, for every file, the feedback workbook to send back (OUT/feedback/NAME.feedback.xlsx): each \
        row as submitted, the cells at fault marked and the problems beside them, in --lang.

        Example:
          ipsurvey validate input/returns
          ipsurvey validate --format csv --lang zh returns-from-agencies/ > problems.csv
          ipsurvey validate --format xlsx --lang zh 回收/泉山-某代理所.xlsx
        """
    )

    @Argument(help: "Files or folders to check.")
    var paths: [String]

    @Option(help: "Output format: text, json, csv (UTF-8 with BOM, for Excel) or xlsx (a feedback workbook per file).")
    var format: FindingFormat = .text

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let language = options.language
        do {
            // Only the JSON output shows each file's SHA-256: the other formats skip hashing (5 % of a check).
            let summaries = try Checking.checkAll(paths, inputFolder: options.input, hashing: format == .json)
            if format == .xlsx {
                let folder = (options.out as NSString).appendingPathComponent("feedback")
                for summary in summaries {
                    let path = (folder as NSString).appendingPathComponent(Feedback.name(for: summary.path, input: options.input, extension: "xlsx"))
                    do {
                        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                        try Feedback.workbook(summary, language: language).write(to: URL(fileURLWithPath: path), options: .atomic)
                    } catch let e as FileReadError {
                        throw e
                    } catch {
                        throw OutputFailure(path: path, error: error).fail(language)
                    }
                    Console.out("\(SafeText.terminal(summary.path)) → \(SafeText.terminal(path))\n")
                }
            } else {
                Console.out(FindingOutput.render(summaries, format: format, language: language))
            }
            if summaries.contains(where: { $0.rejected > 0 || $0.hasErrors }) { throw Exit.dataErrors }
        } catch let e as FileReadError {
            throw e.fail(language)
        }
    }
}

