import ArgumentParser
import Foundation
import SurveyCore
import SurveyWorkflow

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic, realistic data set (示例数据) of any size. 生成示例数据。",
        discussion: """
        Writes DIR/zones.csv, DIR/targets.csv, DIR/regional/regional.csv and DIR/returns/returns-YYYY.csv \
        (2023–2025, three zones). The same --rows and --seed always give the same bytes. \
        --demo writes the demo data set shipped in input/ instead.

        Example:
          ipsurvey sample --rows 1000000 --seed 1 --out /tmp/big
          ipsurvey sample --rows 1000000 --one-year 2025 --seed 1 --out /tmp/national
          ipsurvey sample --demo --out input
        """
    )

    @Option(help: "Number of returns.")
    var rows = 1000

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Folder to write to.")
    var out: String

    @Option(name: .customLong("one-year"), help: "Write all the returns as one file of this year, every field filled, one name in ten with a comma and quotes (the national-census shape of the single-file benchmark).")
    var oneYear: Int?

    @Flag(help: "Write the demo data set of input/ (three zones, 2023–2025, with revisions and deliberate errors).")
    var demo = false

    func validate() throws {
        guard demo || (1...100_000_000).contains(rows) else {
            throw ValidationError("--rows 应为 1 到 100000000 之间的整数 / --rows must be a whole number from 1 to 100,000,000; got \(rows)")
        }
        if let oneYear, !(1990...2100).contains(oneYear) {
            throw ValidationError("--one-year 应为 1990 到 2100 之间的年份 / --one-year must be a year from 1990 to 2100; got \(oneYear)")
        }
    }

    func run() throws {
        do { try write() } catch let e as FileReadError {
            throw OutputFailure(path: e.path, error: e).fail(.zh)
        } catch let e as CocoaError {
            throw OutputFailure(path: e.filePath ?? out, error: e).fail(.zh)
        }
    }

    func write() throws {
        let generator = SampleGenerator(seed: demo ? 2025 : seed)
        if demo {
            for file in try DemoData.files(generator) {
                let path = (out as NSString).appendingPathComponent(file.path)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try file.bytes.write(to: URL(fileURLWithPath: path))
            }
            Console.err("demo data written to \(out)")
        } else if let oneYear {
            try generator.writeOneYear(rows: rows, year: oneYear, to: out)
            Console.err("\(rows) returns of \(oneYear) written to \(out)")
        } else {
            try generator.write(rows: rows, to: out)
            Console.err("\(rows) returns written to \(out)")
        }
    }
}
