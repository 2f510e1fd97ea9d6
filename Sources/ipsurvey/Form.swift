import ArgumentParser
import Foundation
import SurveyCore
import SurveyWorkflow

struct Form: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A blank return form: a CSV header (UTF-8 with BOM) or an Excel workbook. 空白调查表（CSV或Excel）。",
        discussion: """
        Chinese column titles with units by default; --lang en gives the field ids. --kind gives the form of \
        the other input files. --format xlsx writes a workbook (to --output, default OUT/form-KIND-LANG.xlsx): \
        the other language's titles above the header, a drop-down list for every choice and the zone (from \
        INPUT/zones.csv), money with four decimals, counts as whole numbers, the credit code as text, the rule \
        of each column shown when a cell is selected, a frozen header and an instructions sheet.

        Example:
          ipsurvey form > 统计调查表.csv
          ipsurvey form --format xlsx --output 统计调查表.xlsx
          ipsurvey form --kind targets --lang en
        """
    )

    @Option(help: "Which file: returns, zones, regional, targets or agencies.")
    var kind: FileKind = .returns

    @Option(help: "csv (the header, to stdout) or xlsx (a workbook, to --output).")
    var format: FormFormat = .csv

    @Option(help: "Where the workbook goes (xlsx only; default OUT/form-KIND-LANG.xlsx).")
    var output: String?

    /// --lang zh: Chinese titles, en: field ids; --input: its zones.csv fills the workbook's zone list; --out.
    @OptionGroup var options: CommonOptions

    func run() throws {
        let language = options.language
        let out = options.out, input = options.input
        let form = SurveyCore.Form.of(kind)
        guard format == .xlsx else {
            Console.out("\u{FEFF}" + form.fields.map { CSVText.escape($0.header(language)) }.joined(separator: ",") + "\r\n")
            return
        }
        let path = output ?? (out as NSString).appendingPathComponent("form-\(kind.rawValue)-\(language.rawValue).xlsx")
        do {
            let data = try Feedback.formWorkbook(kind: kind, language: language, inputFolder: input)
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch let e as FileReadError {
            throw e.fail(language)
        } catch {
            throw OutputFailure(path: path, error: error).fail(language)
        }
        Console.err(language == .zh ? "已写入 \(SafeText.terminal(path))" : "wrote \(SafeText.terminal(path))")
    }
}

enum FormFormat: String, ExpressibleByArgument, CaseIterable { case csv, xlsx }

extension FileKind: ExpressibleByArgument {}
