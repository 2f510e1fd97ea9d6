import ArgumentParser
import Foundation
import SurveyCore
import SurveyPublishing
import SurveyStatistics
import SurveyWorkflow

/// Why a published output (the white paper, the bulletin, the assessment) was not written, on the terminal: one
/// place for the problems they share, so each says them the same way.
enum PublishingFailure {
    /// Prints why `error` stopped the output and gives the exit code to throw (1: the data, a template, a schema or
    /// the audit; 2: usage); any other error is given back as it is. `what` names the output, `xmlFile` its XML file
    /// and `schema` its XSD.
    static func exit(for error: Error, what: Bilingual, xmlFile: String, schema: String, options: CommonOptions) -> Error {
        let language = options.language, zh = language == .zh
        let nothing = zh ? "未写出任何文件。" : "Nothing was written."
        switch error {
        case is Reporting.NoZones:
            Console.err(zh ? "错误：存档中没有集聚区（zones.csv）" : "error: the archive holds no zones (zones.csv)")
            return Exit.usageOrIO
        case let p as TemplateProblem:
            Console.err((zh ? "模板错误：" : "template error: ") + p.description)
            return Exit.dataErrors
        case let f as TemplateLintFailure:
            for p in f.problems { Console.err((zh ? "模板错误：" : "template error: ") + p.description) }
            Console.err(nothing)
            return Exit.dataErrors
        case let f as WhitePaper.SchemaFailure:
            Console.err(zh ? "XML \(what.zh)不符合 \(options.templates)/\(schema)，未写出任何文件：" :
                             "the XML \(what.en) is not valid against \(options.templates)/\(schema); nothing was written:")
            for p in f.problems { Console.err("  \(xmlFile):\(p.line): \(p.message)") }
            return Exit.dataErrors
        case let p as GradingRules.Problem:
            Console.err((zh ? "错误：" : "error: ") + SafeText.terminal(p.text(language)))
            Console.err(nothing)
            return Exit.dataErrors
        case let p as Publication.Problem:
            Console.err((zh ? "错误：" : "error: ") + SafeText.terminal(p.message(language)))
            Console.err(nothing)
            return Exit.dataErrors
        case let f as Reporting.AuditFailure:
            let period = zh && f.period.quarter == nil ? "\(f.period)年" : "\(f.period) "
            Console.err(zh ? "错误：\(period)公布数据集未通过保密审核，未写出任何文件（ipsurvey audit --period \(f.period) 列出详情）：" :
                             "error: the release of \(f.period) fails the disclosure audit; nothing was written (ipsurvey audit --period \(f.period) lists it):")
            for k in f.cells { Console.err("  \(k)") }
            return Exit.dataErrors
        case let e as OutsideRelease:
            Console.err((zh ? "错误：" : "error: ") + e.message[language])
            return Exit.usageOrIO
        default:
            return error
        }
    }
}
