import Foundation
import SurveyCore

/// Where a target stands in the end-of-term assessment (期满考核, 苏知发〔2017〕139号: 《建设方案》中确定的目标……
/// 的完成情况).
public enum AssessmentStatus: String, Sendable, CaseIterable {
    /// At its deadline (the deadline year's figure) or earlier: the target is reached.
    case met
    /// The deadline year's figure does not reach it.
    case not_met
    /// Before the deadline year's figure: progress keeps up with the plan period (序时进度).
    case on_track
    /// Before the deadline year's figure: progress falls behind the plan period.
    case behind
    /// No figure to judge by.
    case no_data

    public var name: Bilingual {
        switch self {
        case .met: Bilingual("已完成", "met")
        case .not_met: Bilingual("未完成", "not met")
        case .on_track: Bilingual("进度正常", "on track")
        case .behind: Bilingual("滞后", "behind")
        case .no_data: Bilingual("无数据", "no data")
        }
    }
}

extension AssessmentStatus {
    /// How many targets have each status, in `allCases` order, then how many the release hides (`confidential`: a
    /// status that would bound a hidden actual is not published).
    public static func counts(_ targets: [AssessedTarget], confidentiality: [ConfStatus]) -> [(id: String, targets: Int)] {
        let shown = zip(targets, confidentiality).map { $1 != .free ? "confidential" : $0.status.rawValue }
        return (allCases.map(\.rawValue) + ["confidential"]).map { id in (id, shown.filter { $0 == id }.count) }
    }
}

/// One target of the zone's plan as the assessment judges it.
public struct AssessedTarget: Sendable {
    /// The evaluation of the year judged by (its actual, progress, base …).
    public let result: TargetResult
    /// The year whose figures it is judged by: the deadline's year, or the latest year with returns before it.
    public let year: Int
    /// Judged by the deadline year's figures (期末); false: an interim reading of an earlier year (期中).
    public let isFinal: Bool
    /// The deadline has passed by the as-of (the end of the deadline day, China time).
    public let deadlinePassed: Bool
    public let status: AssessmentStatus

    /// Judges `result`, the evaluation of `year`: final when `year` is the deadline's year.
    public init(_ result: TargetResult, year: Int, deadlinePassed: Bool) {
        self.result = result
        self.year = year
        self.deadlinePassed = deadlinePassed
        isFinal = year >= result.target.deadline.year
        switch result.status {
        case .met: status = .met
        case .no_data, .contribution: status = .no_data
        case .on_track: status = isFinal ? .not_met : .on_track
        case .behind: status = isFinal ? .not_met : .behind
        }
    }
}

/// The office's rule for proposing an assessment grade (优秀 / 合格 / 不合格): the lowest share of the plan's targets
/// met at their deadline for 优秀 and for 合格. The plans and 苏知发〔2017〕139号 set no such thresholds — the grade
/// is the province's decision — so there is no rule unless the office writes one (`input/assessment.txt`), and the
/// report then only proposes a grade and says so.
public struct AssessmentRules: Sendable, Equatable {
    public let excellent: Decimal
    public let pass: Decimal

    public init(excellent: Decimal, pass: Decimal) { self.excellent = excellent; self.pass = pass }

    /// 优秀, 合格, 不合格 (the three grades of 苏知发〔2017〕139号).
    public static let grades = [Bilingual("优秀", "excellent"), Bilingual("合格", "pass"), Bilingual("不合格", "fail")]

    /// Reads `优秀 = 90%` and `合格 = 60%` (or `excellent = 0.9`, `pass = 0.6`); `#` starts a comment.
    public static func parse(_ text: String, file: String) throws -> AssessmentRules {
        var excellent: Decimal?, pass: Decimal?
        func problem(_ line: Int?, _ zh: String, _ en: String) -> GradingRules.Problem {
            GradingRules.Problem(file: file, line: line, message: Bilingual(zh, en))
        }
        for (index, raw) in text.components(separatedBy: .newlines).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == "＝" }) else {
                throw problem(index + 1, "应为“名称 = 内容”：\(SafeText.echo(line))", "expected “key = value”: \(SafeText.echo(line))")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            let percent = value.hasSuffix("%") || value.hasSuffix("％")
            if percent { value = String(value.dropLast()).trimmingCharacters(in: .whitespaces) }
            guard value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), var share = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) else {
                throw problem(index + 1, "应为比例（如 90% 或 0.9）：\(SafeText.echo(value))", "expected a share (90% or 0.9): \(SafeText.echo(value))")
            }
            if percent { share /= 100 }
            guard share >= 0, share <= 1 else {
                throw problem(index + 1, "比例应在 0 至 100% 之间", "the share must be from 0 to 100 %")
            }
            switch key {
            case "优秀", "excellent": excellent = share
            case "合格", "pass": pass = share
            default: throw problem(index + 1, "未知名称“\(SafeText.echo(key))”；可用：优秀、合格（excellent, pass）", "unknown key “\(SafeText.echo(key))”; known: excellent, pass (优秀, 合格)")
            }
        }
        guard let excellent, let pass else { throw problem(nil, "应写明“优秀”和“合格”两条", "both “excellent” and “pass” must be given") }
        guard excellent >= pass else { throw problem(nil, "“优秀”的比例不应低于“合格”", "the share for “excellent” must not be below “pass”") }
        return AssessmentRules(excellent: excellent, pass: pass)
    }

    /// The grade proposed for `met` of `total` targets met at their deadline; nil while any target is not yet judged
    /// by its deadline year's figures (nothing is proposed before the end of the term).
    public func propose(_ targets: [AssessedTarget]) -> (grade: Bilingual, share: Decimal)? {
        guard !targets.isEmpty, targets.allSatisfy(\.isFinal) else { return nil }
        let share = Decimal(targets.filter { $0.status == .met }.count) / Decimal(targets.count)
        return (share >= excellent ? Self.grades[0] : share >= pass ? Self.grades[1] : Self.grades[2], share)
    }
}
