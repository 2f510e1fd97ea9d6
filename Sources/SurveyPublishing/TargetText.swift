import Foundation
import SurveyCore
import SurveyStatistics

/// One plan target as every published output prints it (the white paper, the bulletin, the assessment): the goal
/// in the plan's terms, the actual value (hidden where the release hides it), progress and status.
struct TargetText {
    let format: NumberFormat
    let language: Language
    var zh: Bool { language == .zh }
    func t(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }

    /// The goal as written: `≥ 7,000.00 万元`, `约 25 家（±10%）`, `新增 ≥ 30（较2023年）` …
    func goal(_ t0: PlanTarget, _ indicator: Indicator?) -> String {
        let v = indicator.map { format.withUnit(t0.value, $0) } ?? NSDecimalNumber(decimal: t0.value).stringValue
        switch t0.op {
        case .atLeastIndicator(let ref): return "≥ " + (Catalogue.indicator(ref)?.name[language] ?? ref)
        case .about: return t("约 ", "about ") + v + "（±" + format.percent(t0.tolerance ?? PlanTarget.defaultTolerance) + "）"
        case .increaseAtLeast: return t("新增 ≥ ", "increase ≥ ") + v + (t0.baseYear.map { t("（较\($0)年）", " (on \($0))") } ?? "")
        case .growthAtLeast: return t("增长 ≥ ", "growth ≥ ") + format.percent(t0.value) + (t0.baseYear.map { t("（较\($0)年）", " (on \($0))") } ?? "")
        default:
            let sign = [">=": "≥", "<=": "≤", ">": "＞", "<": "＜"]["\(t0.op)"] ?? "\(t0.op)"
            return "\(sign) \(v)"
        }
    }

    /// `unmeasured`: why the output has no figure for the target although the indicator exists (the bulletin: a yearly
    /// figure, or one quarters cannot add up); printed instead of what would measure it.
    func view(_ result: TargetResult, conf: ConfStatus, unmeasured: Bilingual? = nil) -> TargetView {
        let t0 = result.target
        let indicator = result.indicator
        let name = indicator?.name[language] ?? t0.indicator
        let goal = self.goal(t0, indicator)
        let hidden = conf != .free
        var actual = NumberFormat.noData
        if hidden { actual = NumberFormat.suppressed }
        else if let a = result.actual, let indicator { actual = format.withUnit(a, indicator) }
        else if let unmeasured { actual = unmeasured[language] }
        else if let indicator { actual = t("无数据（需", "no data (needs ") + indicator.measuredBy[language] + t("）", ")") }
        if !hidden, let r = result.reference { actual += zh ? "（参照值 \(format.percent(r))）" : " (reference \(format.percent(r)))" }
        if !hidden, let base = result.base, let change = result.change, let indicator, let year = t0.baseYear {
            let shown = t0.op == .growthAtLeast ? format.percent(change) : format.withUnit(change, indicator)
            actual += zh ? "（\(year)年 \(format.withUnit(base, indicator))，\(t0.op == .growthAtLeast ? "增长" : "新增") \(shown)）"
                    : " (\(year): \(format.withUnit(base, indicator)); \(t0.op == .growthAtLeast ? "growth" : "increase") \(shown))"
        }
        if !hidden, let d = result.deviation { actual += zh ? "（偏差 \(format.percent(d))）" : " (deviation \(format.percent(d)))" }
        let progress = hidden ? NumberFormat.suppressed : (result.progress.map(format.percent) ?? "—")
        let bar = hidden ? "0" : (result.progress.map { min(max($0, 0), 1) * 100 }.map { $0.fixed(1) } ?? (result.status == .met ? "100.0" : "0"))
        return TargetView(indicator: name, goal: goal, actual: actual, progress: progress, bar: bar,
                status: hidden ? t("数据保密", "confidential") : result.status.name[language],
                statusID: hidden ? "confidential" : result.status.rawValue,
                deadline: t0.deadline.description, source: t0.source, quote: t0.quote)
    }
}
