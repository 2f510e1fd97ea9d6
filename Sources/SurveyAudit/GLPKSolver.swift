import CGLPK
import SurveyStatistics

/// The attacker's solver: GLPK's simplex (Debian's libglpk-dev), minimising and maximising one variable at a time.
/// A problem object is made per call (GLPK is not thread-safe per problem object).
public struct GLPKSolver: IntervalSolver {
    public init() {}

    /// Why a programme could not be solved (GLPK's own return code).
    public struct Failure: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "the linear programme could not be solved (GLPK \(code))" }
    }

    public func ranges(of targets: [Int], in problem: LinearProblem) throws -> [ClosedRange<Double>?] {
        guard let lp = glp_create_prob() else { throw Failure(code: -1) }
        defer { glp_delete_prob(lp) }
        let n = problem.variableCount, m = problem.rows.count
        if n == 0 { return targets.map { _ in nil } }
        glp_add_cols(lp, Int32(n))
        for j in 0..<n {
            let lo = problem.lower[j], hi = problem.upper[j]
            glp_set_col_bnds(lp, Int32(j + 1), bounds(lo, hi), lo.isFinite ? lo : 0, hi.isFinite ? hi : 0)
        }
        if m > 0 {
            glp_add_rows(lp, Int32(m))
            // GLPK's sparse matrix: 1-based arrays, index 0 unused.
            var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
            for (i, row) in problem.rows.enumerated() {
                glp_set_row_bnds(lp, Int32(i + 1), bounds(row.lower, row.upper), row.lower.isFinite ? row.lower : 0, row.upper.isFinite ? row.upper : 0)
                for term in row.terms { ia.append(Int32(i + 1)); ja.append(Int32(term.variable + 1)); ar.append(term.coefficient) }
            }
            glp_load_matrix(lp, Int32(ia.count - 1), &ia, &ja, &ar)
        }
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        var out: [ClosedRange<Double>?] = []
        for t in targets {
            for j in 0..<n { glp_set_obj_coef(lp, Int32(j + 1), j == t ? 1 : 0) }
            func solve(_ direction: Int32) throws -> Double? {
                glp_set_obj_dir(lp, direction)
                let rc = glp_simplex(lp, &parm)
                guard rc == 0 else { throw Failure(code: rc) }
                switch glp_get_status(lp) {
                case GLP_OPT: return glp_get_obj_val(lp)
                case GLP_UNBND: return direction == GLP_MAX ? .infinity : -.infinity
                default: return nil
                }
            }
            guard let lo = try solve(GLP_MIN), let hi = try solve(GLP_MAX) else { out.append(nil); continue }
            out.append(min(lo, hi)...max(lo, hi))
        }
        return out
    }

    func bounds(_ lo: Double, _ hi: Double) -> Int32 {
        switch (lo.isFinite, hi.isFinite) {
        case (true, true): lo == hi ? GLP_FX : GLP_DB
        case (true, false): GLP_LO
        case (false, true): GLP_UP
        case (false, false): GLP_FR
        }
    }
}
