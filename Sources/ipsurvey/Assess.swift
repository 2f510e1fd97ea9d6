import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics
import SurveyWorkflow

struct Assess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The end-of-term assessment of a zone's plan (期满考核, 苏知发〔2017〕139号). 目标完成情况评估。",
        discussion: """
        Writes OUT/assessment-ZONE.html and .xml: every target of the zone's plan (input/targets.csv) judged by \
        its deadline year's figures when they are in the archive (final: met or not met), else by the latest \
        year's (interim: met, on track or behind against the plan period), with the evidence — the releases, the \
        files and their SHA-256, the regional figures' sources — and the counts. Figures from the returns are \
        printed from the year's release, hidden where the white paper hides them. The grade (优秀 / 合格 / 不合格) \
        is the provincial IP office's decision: the report proposes one only when INPUT/assessment.txt gives the \
        office's rule (优秀 = 90%, 合格 = 60%: the share of targets met at their deadline) and every target is \
        final, and says so. Without --as-of, "now" is the latest receipt in the archive.

        Example:
          ipsurvey assess --zone binhu --as-of 2026-12-31
          ipsurvey assess --zone quanshan --lang en
        """
    )

    @Option(help: "Zone id.") var zone: String
    @Option(help: "Assess as the archive stood at this date or time (the deadlines are judged against it).") var asOf: String?
    @OptionGroup var options: CommonOptions

    func run() async throws {
        let language = options.language
        let zh = language == .zh
        let archive = try ArchiveCommand.open(options, writing: true)
        let outcome: Assessing.Outcome
        do {
            outcome = try Assessing.assess(archive, zone: zone, asOf: asOf, language: language, templatesFolder: options.templates,
                                           rulesPath: (options.input as NSString).appendingPathComponent(Assessing.rulesFile),
                                           toolVersion: ToolInfo.version,
                                           sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init))
        } catch is Assessing.NoReturns {
            Console.err(zh ? "错误：存档中没有年度调查表，无法评估" : "error: no annual returns in the archive; nothing to assess")
            throw Exit.dataErrors
        } catch {
            throw PublishingFailure.exit(for: error, what: Bilingual("评估报告", "assessment"), xmlFile: "assessment-\(zone).xml",
                                         schema: AssessmentPaper.schemaFile, options: options)
        }
        ReportCommand.printExposed(outcome.exposed, language: language)
        try ReportCommand.write(html: outcome.output.html, xml: outcome.output.xml, baseName: outcome.baseName, options: options)
        let html = (options.out as NSString).appendingPathComponent(outcome.baseName + ".html")
        let xml = (options.out as NSString).appendingPathComponent(outcome.baseName + ".xml")
        let counts = outcome.output.view.counts.filter { $0.count != "0" }.map { "\($0.status) \($0.count)" }.joined(separator: zh ? "，" : ", ")
        Console.out(zh ? "已写出 \(html)\n已写出 \(xml)（\(outcome.targets.count) 项目标：\(counts)；已通过 \(AssessmentPaper.schemaFile) 校验）\n"
                       : "Wrote \(html)\nWrote \(xml) (\(outcome.targets.count) targets: \(counts); valid against \(AssessmentPaper.schemaFile))\n")
    }
}
