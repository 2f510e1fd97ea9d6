import ArgumentParser
import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics
import SurveyWorkflow

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-check a release's disclosure control as an attacker would. 保密审核。",
        discussion: """
        Takes the release of --period in force at --as-of (the one the white paper printed), and for every cell \
        the primary rule hides (fewer than 3 agencies, or one above 85 %) minimises and maximises it by linear \
        programming (GLPK) over every additive relation of the linked set — totals equal the sum of their parts \
        along zone, kind of agency and brand level; the revenue breakdown and foreign revenue are at most revenue \
        — with the published cells as constants within their rounding and every value ≥ 0. A cell is protected \
        when the attacker's interval reaches 10 % below and above its value, also for an agency that alone makes \
        another hidden cell of its relations and knows that one, and when no published total implies a sum of \
        hidden cells that fails the primary rule. Prints the narrowest protection found; exit 1 if any cell is \
        under the rule. Once the year's release and all four of its quarters' are out, it also checks them together \
        (a year's cell is the sum of its quarters'): no linked cell may be hidden in only one of the five; exit 1 if \
        one is. The audit's output shows confidential values: internal use only.

        Example:
          ipsurvey audit --period 2025
        """
    )

    @Option(help: "Period: 2025 or 2025Q1.") var period: String
    @Option(help: "The release in force at this date or time (default: the latest).") var asOf: String?
    @Flag(help: "List every hidden cell, not only the narrowest and those under the rule.") var all = false
    @OptionGroup var options: CommonOptions

    func run() async throws {
        let language = options.language
        let zh = language == .zh
        guard let p = Period(period) else { throw ValidationError(zh ? "--period：不是统计期：\(period)" : "--period: not a period: \(period)") }
        let stamp = try StatisticsInput.asOf(asOf)
        let archive = try ArchiveCommand.open(options)
        let release: Release
        do {
            guard let r = try Releasing.load(archive, period: p, stamp: stamp) else {
                throw Releasing.Problem(message: Bilingual("\(p) 尚无公布数据集（release）；请先运行 ipsurvey report", "\(p) has no release yet; run ipsurvey report first"))
            }
            release = r
        } catch let e as Releasing.Problem {
            throw Refusal(e.message).fail(language)
        }
        let result = try Auditing.audit(release)
        Console.out(AuditOutput.render(result, all: all, language: language))
        // The year and its quarters together, once all five releases are out (a year's cell is the sum of its quarters').
        var quarters: [Int: Release] = [:]
        var year: Release?
        do {
            year = try Releasing.load(archive, period: Period(year: p.year), stamp: stamp)
            for q in 1...4 { if let r = try Releasing.load(archive, period: Period(year: p.year, quarter: q), stamp: stamp) { quarters[q] = r } }
        } catch let e as Releasing.Problem {
            throw Refusal(e.message).fail(language)
        }
        var linkedFailure = false
        if let year, quarters.count == 4 {
            let (checked, exposed) = Linkage.audit(year: year, quarters: quarters)
            Console.out(zh ? "年度与四个季度的公布数据集（年度数据为四个季度之和）：核对 \(checked) 个相关联的单元，" : "The year's release and its four quarters' (a year's cell is the sum of its quarters'): \(checked) linked cells checked, ")
            if exposed.isEmpty {
                Console.out(zh ? "没有一个只在其中一个统计期隐去（否则可由其余四个相减得出）。\n" : "none hidden in only one of the five (the other four would give it away).\n")
            } else {
                linkedFailure = true
                Console.out(zh ? "以下单元只在一个统计期隐去，可由其余四个相减得出：\n" : "these are hidden in only one of the five, and the other four give them away:\n")
                for k in exposed { Console.out("  \(k)\n") }
            }
        }
        if !result.failures.isEmpty || linkedFailure { throw Exit.dataErrors }
    }
}

enum AuditOutput {
    static func range(_ r: ClosedRange<Double>) -> String {
        "[\(String(format: "%.2f", r.lowerBound)), \(r.upperBound.isFinite ? String(format: "%.2f", r.upperBound) : "∞")]"
    }

    static func line(_ f: Auditing.Finding, _ zh: Bool) -> String {
        var out = "\(f.key)\t\(f.status.rawValue)\t\(f.contributors)\t\(String(format: "%.2f", f.value))\t\(range(f.interval))"
        if let s = f.withSingleton { out += zh ? "\t知情机构：\(range(s))" : "\tinsider: \(range(s))" }
        if f.impliedFailure { out += zh ? "\t合计暗含的保密单元之和不满足主规则" : "\ta total implies a sum of hidden cells that fails the primary rule" }
        out += "\t" + (f.margin.isFinite ? String(format: "%.1f%%", f.margin * 100) : "∞")
        return out + (f.isProtected ? "" : (zh ? "\t不足" : "\tUNDER THE RULE"))
    }

    static func render(_ r: Auditing.Result, all: Bool, language: Language) -> String {
        let zh = language == .zh
        let rel = r.release
        var out = zh ? "保密审核：\(rel.period)，公布数据集截至 \(Timestamp.civilTime(rel.asOf) ?? rel.asOf)（内部资料，含保密数据）\n"
                     : "Disclosure audit: \(rel.period), release as of \(Timestamp.civilTime(rel.asOf) ?? rel.asOf) (internal: shows confidential values)\n"
        out += zh ? "可公布单元 \(rel.publishableCount) 个，其中隐藏 \(rel.hiddenCount) 个；受主规则保护的单元 \(r.findings.count) 个\n"
                  : "\(rel.publishableCount) publishable cells, \(rel.hiddenCount) hidden; \(r.findings.count) cells under the primary rule\n"
        out += zh ? "单元\t状态\t机构数\t真实值（万元）\t攻击者区间（万元）\t保护幅度\n" : "cell\tstatus\tagencies\tvalue (10k yuan)\tattacker's interval\tmargin\n"
        let shown = all ? r.findings : r.failures
        for f in shown { out += line(f, zh) + "\n" }
        if let n = r.narrowest {
            out += (zh ? "最窄保护：" : "narrowest protection: ") + line(n, zh) + "\n"
        }
        out += r.failures.isEmpty
            ? (zh ? "结果：每个保密单元的攻击者区间均至少达到其值上下 \(rel.rule.protectionPercent)%。\n" : "Result: every hidden cell's interval reaches at least \(rel.rule.protectionPercent) % below and above its value.\n")
            : (zh ? "结果：\(r.failures.count) 个单元不满足保密规则。\n" : "Result: \(r.failures.count) cells are under the rule.\n")
        return out
    }
}
