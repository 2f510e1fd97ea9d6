import ArgumentParser
import SurveyCore

struct Form: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a blank return form (CSV header, UTF-8 with BOM so Excel shows Chinese). 打印空白调查表。",
        discussion: """
        Chinese column titles with units by default; --lang en prints the field ids. \
        --kind prints the header of the other input files.

        Example:
          ipsurvey form > 统计调查表.csv
          ipsurvey form --kind targets --lang en
        """
    )

    @Option(help: "Which file: returns, zones, regional or targets.")
    var kind: FileKind = .returns

    @Option(help: "zh: Chinese titles; en: field ids.")
    var lang: Language?

    func run() throws {
        let language = lang ?? Language.fromLocale(ProcessInfo.processInfo.environment["LANG"])
        let form = SurveyCore.Form.of(kind)
        Console.out("\u{FEFF}" + form.fields.map { CSVText.escape($0.header(language)) }.joined(separator: ",") + "\r\n")
    }
}

extension FileKind: ExpressibleByArgument {}
import Foundation
