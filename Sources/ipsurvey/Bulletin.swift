import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyPublishing
import SurveyStatistics
import SurveyWorkflow

/// The quarterly bulletin on disk and on the terminal (`report --quarter`).
enum BulletinCommand {
    static func report(_ archive: Archive, quarter: Period, zones selected: [String], asOf: String?, options: CommonOptions) throws {
        let language = options.language
        let zh = language == .zh
        let lap = PhaseTimer()
        let outcome: Reporting.BulletinOutcome
        do {
            outcome = try Reporting.bulletin(archive, quarter: quarter, zones: selected, asOf: asOf, language: language,
                                             templatesFolder: options.templates,
                                             publicationFolder: (options.input as NSString).appendingPathComponent("publication"),
                                             gradingRules: (options.input as NSString).appendingPathComponent(AgencyGrading.rulesFile),
                                             toolVersion: ToolInfo.version,
                                             sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init),
                                             lap: { lap($0) })
        } catch let e as Reporting.NoQuarterlyReturns {
            Console.err(zh ? "错误：存档中没有 \(e.period) 的季度调查表，无法生成季度公报" : "error: the archive holds no quarterly returns for \(e.period); no bulletin to write")
            throw Exit.dataErrors
        } catch {
            throw PublishingFailure.exit(for: error, what: Bilingual("季度公报", "bulletin"), xmlFile: "bulletin-\(quarter).xml",
                                         schema: BulletinPaper.schemaFile, options: options)
        }
        ReportCommand.printRevisions(outcome.revisions, language: language)
        ReportCommand.printExposed(outcome.exposed, language: language)
        try ReportCommand.write(html: outcome.output.html, xml: outcome.output.xml, baseName: outcome.baseName, options: options)
        let figures = outcome.output.view.figures
        let hidden = figures.filter { $0.conf != "F" }.count
        let out = (options.out as NSString).appendingPathComponent(outcome.baseName)
        Console.out(zh ? "已写出 \(out).html\n已写出 \(out).xml（\(figures.count) 项数据，其中 \(hidden) 项保密；已通过 \(BulletinPaper.schemaFile) 校验）\n"
                       : "Wrote \(out).html\nWrote \(out).xml (\(figures.count) figures, \(hidden) confidential; valid against \(BulletinPaper.schemaFile))\n")
    }
}
