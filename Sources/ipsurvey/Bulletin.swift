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
        } catch is Reporting.NoZones {
            Console.err(zh ? "错误：存档中没有集聚区（zones.csv）" : "error: the archive holds no zones (zones.csv)")
            throw Exit.usageOrIO
        } catch let p as TemplateProblem {
            Console.err((zh ? "模板错误：" : "template error: ") + p.description)
            throw Exit.dataErrors
        } catch let f as TemplateLintFailure {
            for p in f.problems { Console.err((zh ? "模板错误：" : "template error: ") + p.description) }
            Console.err(zh ? "未写出任何文件。" : "Nothing was written.")
            throw Exit.dataErrors
        } catch let f as WhitePaper.SchemaFailure {
            Console.err(zh ? "XML 季度公报不符合 \(options.templates)/\(BulletinPaper.schemaFile)，未写出任何文件：" :
                             "the XML bulletin is not valid against \(options.templates)/\(BulletinPaper.schemaFile); nothing was written:")
            for p in f.problems { Console.err("  bulletin-\(quarter).xml:\(p.line): \(p.message)") }
            throw Exit.dataErrors
        } catch let p as GradingRules.Problem {
            Console.err((zh ? "错误：" : "error: ") + SafeText.terminal(p.text(language)))
            Console.err(zh ? "未写出任何文件。" : "Nothing was written.")
            throw Exit.dataErrors
        } catch let p as Publication.Problem {
            Console.err((zh ? "错误：" : "error: ") + SafeText.terminal(p.message(language)))
            Console.err(zh ? "未写出任何文件。" : "Nothing was written.")
            throw Exit.dataErrors
        } catch let f as Reporting.QuarterAuditFailure {
            Console.err(zh ? "错误：\(f.period) 公布数据集未通过保密审核，未写出任何文件（ipsurvey audit --period \(f.period) 列出详情）：" :
                             "error: the release of \(f.period) fails the disclosure audit; nothing was written (ipsurvey audit --period \(f.period) lists it):")
            for k in f.cells { Console.err("  \(k)") }
            throw Exit.dataErrors
        } catch let e as OutsideRelease {
            Console.err((zh ? "错误：" : "error: ") + e.message[language])
            throw Exit.usageOrIO
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
