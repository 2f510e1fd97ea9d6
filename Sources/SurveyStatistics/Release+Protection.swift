import Foundation
import SurveyCore

/// A linear programme over bounded variables: what an attacker knows about the hidden cells of a release.
public struct LinearProblem: Sendable {
    /// One row: lower ≤ Σ coefficient × variable ≤ upper (±infinity for none).
    public struct Row: Sendable {
        public let terms: [(variable: Int, coefficient: Double)]
        public let lower: Double
        public let upper: Double
    }
    public var lower: [Double] = []
    public var upper: [Double] = []
    public var rows: [Row] = []
    public var variableCount: Int { lower.count }
}

/// Minimises and maximises variables of a linear programme: the attacker's tool. Statistics does not solve linear
/// programmes itself; the audit room provides one (GLPK), and the release search uses the same.
public protocol IntervalSolver: Sendable {
    /// For each variable of `targets`, its minimum and maximum over the feasible set (nil: infeasible; the upper
    /// end may be `.infinity`).
    func ranges(of targets: [Int], in problem: LinearProblem) throws -> [ClosedRange<Double>?]
}

/// What the attacker can derive for one hidden cell, and whether it is enough.
public struct Protection: Sendable {
    public let cell: Int
    /// The attacker's interval in 万元 from the published cells alone.
    public let interval: ClosedRange<Double>
    /// The narrowest interval when one other single-agency cell of its relations is known to its agency, and
    /// what it must reach the protection share of (the value, or the rest of it when that cell is a part).
    public let withSingleton: ClosedRange<Double>?
    public let singletonBase: Double?
    /// A relation whose hidden parts have a published total that fails the primary rule (two singletons …).
    public let impliedFailure: Int?
    /// The share (fraction) the interval reaches below and above the true value, the smaller of the two.
    public let margin: Double
    public let isProtected: Bool
}

/// How the releases of one year tie together: every measure of the linked set is a flow, so a year's cell is the sum
/// of its four quarters' (宿城's quarterly returns add up to its annual ones). A cell hidden in one of them and
/// published in all the others is given away by subtraction; so is one hidden where the others are known. A release
/// is therefore protected with the year's other releases as they stand:
/// - a quarter hides every cell the year's release hides, and protects those the year hides under the primary
///   rule (A, O) like its own primary cells, so that the year's figure is protected by all four quarters'
///   intervals, not by one quarter's; the year's secondary cells (D) it hides as they are, so that no quarter
///   gives one away and with it a primary cell of the year;
/// - it also hides a cell only one other quarter hides when the year publishes it and this quarter completes the
///   four;
/// - the year hides every cell a quarter hides, once all four quarters are out;
/// - a cell the others publish in full (the year and the other three quarters, or all four quarters) is known:
///   it never protects anything here, and if this release must hide it, the office is told (`exposed`).
/// Only cells the quarters add up to are linked: those of a zone that files quarterly, and the all-zone cells when
/// every zone with annual returns files quarterly (in the demo only 宿城 does, so the year's all-zone figures are
/// not the sum of any quarters').
public struct Linkage: Sendable, Equatable {
    /// Keys to hide here.
    public var hidden: Set<ReleaseKey> = []
    /// Of those, the keys to protect like primary cells (hidden under the primary rule where they are linked from).
    public var sensitive: Set<ReleaseKey> = []
    /// Keys an attacker has from the linked releases alone.
    public var known: Set<ReleaseKey> = []
    public init(hidden: Set<ReleaseKey> = [], sensitive: Set<ReleaseKey> = [], known: Set<ReleaseKey> = []) {
        self.hidden = hidden; self.sensitive = sensitive; self.known = known
    }

    /// The linkage of `period` given the releases in force of the other periods of its year (`year` is the annual
    /// release, nil for the year itself or when there is none; `quarters` the other quarterly ones by quarter).
    public static func of(_ period: Period, current: Release, year: Release?, quarters: [Int: Release]) -> Linkage {
        func hiddenKeys(_ r: Release) -> Set<ReleaseKey> { Set(r.cells.filter { !$0.structural && $0.status != .free && $0.reported > 0 }.map(\.key)) }
        func primaryKeys(_ r: Release) -> Set<ReleaseKey> { Set(r.cells.filter { !$0.structural && $0.isSensitive && $0.reported > 0 }.map(\.key)) }
        func freeKeys(_ r: Release) -> Set<ReleaseKey> { Set(r.cells.filter { !$0.structural && $0.status == .free }.map(\.key)) }
        var out = Linkage()
        let others = quarters.filter { $0.key != period.quarter }.sorted { $0.key < $1.key }.map(\.value)
        func zones(_ r: Release) -> Set<String> { Set(r.cells.filter { $0.key.zone != ReleaseKey.all && $0.reported > 0 }.map(\.key.zone)) }
        let quarterly = (period.quarter == nil ? others : others + [current]).map(zones).reduce(into: Set<String>()) { $0.formUnion($1) }
        let annual = period.quarter == nil ? zones(current) : year.map(zones) ?? []
        let allZonesLinked = !quarterly.isEmpty && annual.isSubset(of: quarterly)
        func linked(_ k: ReleaseKey) -> Bool { k.zone == ReleaseKey.all ? allZonesLinked : quarterly.contains(k.zone) }
        if period.quarter == nil {
            guard others.count == 4 else { return out }
            for q in others { out.hidden.formUnion(hiddenKeys(q)); out.sensitive.formUnion(primaryKeys(q)) }
            out.known = others.dropFirst().map(freeKeys).reduce(into: freeKeys(others[0])) { $0.formIntersection($1) }
        } else if let y = year {
            out.hidden = hiddenKeys(y)
            out.sensitive = primaryKeys(y)
            if others.count == 3 {
                let free = freeKeys(y)
                var hiddenOnce: [ReleaseKey: Int] = [:]
                for q in others { for k in hiddenKeys(q) { hiddenOnce[k, default: 0] += 1 } }
                for (k, n) in hiddenOnce where n == 1 && free.contains(k) { out.hidden.insert(k) }
                for q in others { out.sensitive.formUnion(primaryKeys(q).intersection(out.hidden)) }
                out.known = others.map(freeKeys).reduce(into: free) { $0.formIntersection($1) }
            }
        }
        out.hidden = out.hidden.filter(linked)
        out.sensitive = out.sensitive.filter(linked).intersection(out.hidden)
        out.known = out.known.filter(linked).subtracting(out.hidden)
        return out
    }

    /// The attacker's check of a whole year once its release and all four quarters' are out: every linked cell
    /// must be hidden in none of the five, or in at least two (hidden in exactly one, the other four give it
    /// away). `checked` counts the linked cells present in all five.
    public static func audit(year: Release, quarters: [Int: Release]) -> (checked: Int, exposed: [ReleaseKey]) {
        let four = (1...4).compactMap { quarters[$0] }
        guard four.count == 4 else { return (0, []) }
        let all = [year] + four
        func zones(_ r: Release) -> Set<String> { Set(r.cells.filter { $0.key.zone != ReleaseKey.all && $0.reported > 0 }.map(\.key.zone)) }
        let quarterly = all.dropFirst().map(zones).reduce(into: Set<String>()) { $0.formUnion($1) }
        let allZonesLinked = !quarterly.isEmpty && zones(year).isSubset(of: quarterly)
        var checked = 0
        var exposed: [ReleaseKey] = []
        for c in year.cells where !c.structural && (c.key.zone == ReleaseKey.all ? allZonesLinked : quarterly.contains(c.key.zone)) {
            let statuses = all.compactMap { $0.cell(c.key) }.filter { !$0.structural }.map(\.status)
            guard statuses.count == 5 else { continue }
            checked += 1
            if statuses.filter({ $0 != .free }).count == 1 { exposed.append(c.key) }
        }
        return (checked, exposed)
    }

    /// The cells `release` hides that the linked releases give away all the same (a late return or a revision in
    /// a quarter the year was published without): the office must know before publishing.
    public func exposed(in release: Release) -> [ReleaseKey] {
        release.cells.filter { !$0.structural && $0.status != .free && known.contains($0.key) }.map(\.key)
    }
}

extension Release {
    /// Half a unit of the published figures (万元 with 2 decimals): the rounding an attacker must allow for.
    static let halfUnit = 0.005

    /// Decides the suppression pattern: the primary cells, then secondary cells (D) until every sensitive cell
    /// is protected against every additive relation of the set. Deterministic: cells are visited in key order,
    /// candidates tried cheapest first (smallest value, then key), so the same data give the same pattern.
    ///
    /// The search is that of a modular method, checked by the attacker's own linear programme:
    /// 1. a hidden cell alone in an equality (its total and all other parts published) is pinned down: the
    ///    cheapest other cell of that relation able to move by the protection margin is hidden too;
    /// 2. hidden parts of a published total whose sum fails the primary rule (two single agencies) get a third;
    /// 3. every sensitive cell is then checked by linear programming; while its interval is short, the
    ///    candidate of its relations that widens it most (the first that suffices, cheapest first) is hidden.
    public mutating func protect(using solver: IntervalSolver, linkage: Linkage = Linkage()) throws {
        linkedKnown = linkage.known
        var hidden = cells.map { $0.structural || $0.status != .free || (linkage.hidden.contains($0.key) && $0.reported > 0) }
        closeStructure(&hidden)
        let sensitive = cells.indices.filter { (cells[$0].isSensitive || linkage.sensitive.contains(cells[$0].key)) && cells[$0].yuan > 0 }
        // One measure's table at a time first (fast), then everything coupled, as the audit sees it; a cell the
        // coupled programme finds short is repaired with it.
        var unresolved: Set<Int> = []
        for s in sensitive where !(try repair(s, hidden: &hidden, using: solver, coupled: false)) { unresolved.insert(s) }
        let coupledIntervals = try intervals(of: sensitive, hidden: hidden, using: solver)
        for s in sensitive where unresolved.contains(s) || !(coupledIntervals[s].map { enough($0, cell: s, base: cells[s].approximate) } ?? false) {
            try repair(s, hidden: &hidden, using: solver, coupled: true)
        }
        for i in cells.indices where hidden[i] && cells[i].status == .free && !cells[i].structural { cells[i].status = .secondary }
    }

    /// Hides cells around sensitive cell `s` until it is protected; false when it gave up (uncoupled only).
    @discardableResult
    mutating func repair(_ s: Int, hidden: inout [Bool], using solver: IntervalSolver, coupled: Bool) throws -> Bool {
        var check = try protection(of: s, hidden: hidden, using: solver, coupled: coupled)
        var steps = 0
        while !check.isProtected {
            steps += 1
            let candidates = self.candidates(for: s, hidden: hidden)
            guard !candidates.isEmpty else { return false }
            var best: (cell: Int, deficiency: Double)? = nil
            let current = deficiency(check)
            for c in candidates.prefix(steps > 4 ? 6 : 16) {
                var trial = hidden
                trial[c] = true
                closeStructure(&trial)
                let d = deficiency(try protection(of: s, hidden: trial, using: solver, coupled: coupled))
                if d == 0 { best = (c, 0); break }
                if d < current - 1e-12, best == nil || d < best!.deficiency - 1e-12 { best = (c, d) }
            }
            // Nothing helps on its own. One table at a time, that is left to the coupled pass (a cascade of
            // cells there hid 55 cells of other measures for one cell of the demo's 2024 and took 10 s). Coupled,
            // the nearest cheapest candidate is hidden and the search looks again (each step hides one more
            // cell, so it ends; with every cell hidden, every cell is protected).
            if best == nil && !coupled { return false }
            hidden[best?.cell ?? candidates[0]] = true
            closeStructure(&hidden)
            check = try protection(of: s, hidden: hidden, using: solver, coupled: coupled)
        }
        return true
    }

    /// Whether an interval reaches the protection share of `base` below and above the value of `cell`.
    func enough(_ i: ClosedRange<Double>, cell s: Int, base: Double) -> Bool {
        let v = cells[s].approximate
        let need = Double(rule.protectionPercent) / 100
        let tolerance = 1e-7 * max(1, v)
        return i.upperBound >= v + need * base - tolerance && i.lowerBound <= v - need * base + tolerance
    }

    /// The attacker's interval of each of `targets` from the published cells, everything coupled: one programme
    /// per linked component, solved once for all its targets.
    func intervals(of targets: [Int], hidden: [Bool], using solver: IntervalSolver) throws -> [Int: ClosedRange<Double>] {
        var out: [Int: ClosedRange<Double>] = [:]
        for s in targets where out[s] == nil {
            let (problem, variable) = attackProblem(around: s, hidden: hidden)
            let inComponent = targets.filter { variable[$0] != nil && hidden[$0] && out[$0] == nil }
            let ranges = try solver.ranges(of: inComponent.map { variable[$0]! }, in: problem)
            for (t, r) in zip(inComponent, ranges) { out[t] = r ?? (cells[t].approximate...cells[t].approximate) }
        }
        return out
    }

    /// How far a protection is from the rule (0: protected).
    func deficiency(_ p: Protection) -> Double {
        if p.isProtected { return 0 }
        var d = 0.0
        let v = cells[p.cell].approximate
        let need = Double(rule.protectionPercent) / 100
        d += max(0, (1 + need) * v - p.interval.upperBound) / v + max(0, p.interval.lowerBound - (1 - need) * v) / v
        if let i = p.withSingleton, let base = p.singletonBase, base > 0 {
            d += max(0, v + need * base - i.upperBound) / base + max(0, i.lowerBound - (v - need * base)) / base
        }
        if p.impliedFailure != nil { d += 1 }
        return max(d, 1e-9)
    }

    /// Rules 1 and 2 above, without linear programming, until nothing changes.
    func closeStructure(_ hidden: inout [Bool]) {
        var changed = true
        while changed {
            changed = false
            for relation in relations where relation.isEquality {
                let members = relation.cells
                let h = members.filter { hidden[$0] }
                if h.count == 1 {
                    let alone = h[0]
                    // A zero cannot be moved down; a cell never shown that nobody needs protected may be pinned.
                    if cells[alone].yuan == 0 || (cells[alone].structural && !cells[alone].isSensitive) { continue }
                    let others = alone == relation.total ? relation.parts : relation.parts.filter { $0 != alone }
                    let pool = (others.isEmpty ? [relation.total] : others).filter { !hidden[$0] && !cells[$0].structural && cells[$0].yuan > 0 }
                    if let pick = partner(for: alone, among: pool) { hidden[pick] = true; changed = true }
                } else if h.count >= 2, !hidden[relation.total], h.allSatisfy({ $0 != relation.total }) {
                    if impliedSumFails(h) {
                        let pool = relation.parts.filter { !hidden[$0] && !cells[$0].structural && cells[$0].yuan > 0 }
                        if let pick = pool.min(by: cheaper) { hidden[pick] = true; changed = true }
                    }
                }
            }
        }
    }

    /// The cheapest cell of `pool` able to move by the protection margin of `cell`; else the largest.
    func partner(for cell: Int, among pool: [Int]) -> Int? {
        // yuan × p / 100 without the product (a national cell times 10 passes 64 bits).
        let yuan = cells[cell].yuan, p = Int64(rule.protectionPercent)
        let need = yuan / 100 * p + yuan % 100 * p / 100
        let able = pool.filter { cells[$0].yuan >= need }
        return able.min(by: cheaper) ?? pool.max { cheaper($0, $1) }
    }

    /// Cost order of hiding a cell: the zones' and the whole set's totals last (the figures every paper leads
    /// with), then smaller values first (less information lost), then key order.
    func cheaper(_ a: Int, _ b: Int) -> Bool {
        let ta = isHeadline(a), tb = isHeadline(b)
        if ta != tb { return !ta }
        return cells[a].yuan != cells[b].yuan ? cells[a].yuan < cells[b].yuan : cells[a].key < cells[b].key
    }

    func isHeadline(_ i: Int) -> Bool {
        let k = cells[i].key
        return k.kind == ReleaseKey.all && k.brand == ReleaseKey.all && k.businessType == ReleaseKey.all
    }

    /// Whether the sum of these disjoint cells, if a published total implied it, would fail the primary rule.
    func impliedSumFails(_ parts: [Int]) -> Bool {
        var contributors = 0, sum: Int64 = 0, largest: Int64 = 0
        for p in parts { contributors += cells[p].contributors; sum += cells[p].yuan; largest = max(largest, cells[p].largest) }
        return rule.primary(contributors: contributors, sum: sum, largest: largest) != .free
    }

    /// Published cells of the relations around `cell`, nearest first: those of its own relations, then those of
    /// the relations of the hidden cells it is linked to, by how many relations away; cheapest first within each.
    func candidates(for cell: Int, hidden: [Bool]) -> [Int] {
        var out: [Int] = []
        var seen: Set<Int> = [cell], frontier = [cell], visitedHidden: Set<Int> = [cell]
        while !frontier.isEmpty {
            var ring: [Int] = [], next: [Int] = []
            for c in frontier {
                for r in relationsOf[c] {
                    for d in relations[r].cells {
                        if hidden[d] {
                            if visitedHidden.insert(d).inserted { next.append(d) }
                        } else if !cells[d].structural && cells[d].yuan > 0 && !linkedKnown.contains(cells[d].key) && seen.insert(d).inserted {
                            ring.append(d)
                        }
                    }
                }
            }
            out += ring.sorted(by: cheaper)
            if out.count >= 48 { break }
            frontier = next.sorted()
        }
        // The totals every paper leads with only when nothing nearer is left.
        return out.filter { !isHeadline($0) } + out.filter(isHeadline)
    }

    /// The hidden cells linked to `cell` through relations (a relation links the hidden cells it holds): only
    /// these move together. Published cells enter the programme with their rounding, but do not link further
    /// (what that leaves out is at most the half-unit rounding of a published cell counted twice). Uncoupled,
    /// only equalities link (one measure's table at a time).
    func component(of cell: Int, hidden: [Bool], coupled: Bool = true) -> [Int] {
        var seen: Set<Int> = [cell], queue = [cell]
        while let c = queue.popLast() {
            for r in relationsOf[c] where coupled || relations[r].isEquality {
                for m in relations[r].cells where hidden[m] && seen.insert(m).inserted { queue.append(m) }
            }
        }
        return seen.sorted()
    }

    /// What the attacker reads of a published cell: the figure as printed (2 decimals), the true value within
    /// half a unit of it.
    func publishedBounds(_ c: Int) -> ClosedRange<Double> {
        if cells[c].reported == 0 { return 0...0 }
        let printed = NSDecimalNumber(decimal: cells[c].value!.rounded(2)).doubleValue
        return max(0, printed - Release.halfUnit)...(printed + Release.halfUnit)
    }

    /// The attacker's programme for the relations around `cell`: one variable per cell of those relations, published
    /// cells bounded by their rounding, hidden ones ≥ 0 (or fixed where `known` says an agency knows them).
    ///
    /// Coupled, it is the whole programme the audit solves. Uncoupled — what the search uses, 10–20× faster — the
    /// measures are solved one table at a time: each "at most revenue" relation becomes a bound on its hidden
    /// cells from its published ones (a part at most the total less the published parts, a total at least the
    /// published parts). The audit then checks the pattern with everything coupled.
    func attackProblem(around cell: Int, hidden: [Bool], known: [Int: Double] = [:], coupled: Bool = true) -> (LinearProblem, variable: [Int: Int]) {
        let linked = component(of: cell, hidden: hidden, coupled: coupled)
        var used: [Int] = []
        var seenRelations = Set<Int>()
        for c in linked { for r in relationsOf[c] where (coupled || relations[r].isEquality) && seenRelations.insert(r).inserted { used.append(r) } }
        used.sort()
        var memberSet = Set<Int>(linked)
        for r in used { for c in relations[r].cells { memberSet.insert(c) } }
        let members = memberSet.sorted()
        var variable: [Int: Int] = [:]
        var problem = LinearProblem()
        for c in members {
            variable[c] = problem.lower.count
            var range: ClosedRange<Double>
            if let v = known[c] { range = v...v }
            else if hidden[c] { range = 0...Double.infinity }
            else { range = publishedBounds(c) }
            if !coupled && hidden[c] && known[c] == nil {
                for r in relationsOf[c] where !relations[r].isEquality {
                    let relation = relations[r]
                    let publishedParts = relation.parts.filter { $0 != c && !hidden[$0] }.reduce(0.0) { $0 + publishedBounds($1).lowerBound }
                    if relation.total == c {
                        range = max(range.lowerBound, publishedParts)...max(range.upperBound, publishedParts)
                    } else if !hidden[relation.total] {
                        let cap = max(range.lowerBound, publishedBounds(relation.total).upperBound - publishedParts)
                        range = range.lowerBound...min(range.upperBound, cap)
                    }
                }
            }
            problem.lower.append(range.lowerBound); problem.upper.append(range.upperBound)
        }
        for r in used {
            let relation = relations[r]
            var terms = [(variable: variable[relation.total]!, coefficient: -1.0)]
            for p in relation.parts { terms.append((variable[p]!, 1)) }
            problem.rows.append(LinearProblem.Row(terms: terms, lower: relation.isEquality ? 0 : -.infinity, upper: 0))
        }
        return (problem, variable)
    }

    /// The attacker's view of hidden cell `s` under the pattern `hidden`.
    ///
    /// Three attackers: anyone, from the published cells (the interval must reach the protection share of the
    /// value below and above it); an agency that alone makes another hidden cell of the same relations and
    /// knows it exactly (when that cell is a part of `s`, what it learns is the rest of `s`, so the interval
    /// must reach the share of the rest); and anyone reading a published total whose hidden parts fail the
    /// primary rule together (two single agencies in one line learn each other's figure).
    public func protection(of s: Int, hidden: [Bool], using solver: IntervalSolver, coupled: Bool = true) throws -> Protection {
        let v = cells[s].approximate
        func enough(_ i: ClosedRange<Double>, _ base: Double) -> Bool { self.enough(i, cell: s, base: base) }
        func margin(_ i: ClosedRange<Double>, _ base: Double) -> Double {
            guard base > 0 else { return .infinity }
            return min(i.upperBound - v, v - i.lowerBound) / base
        }
        let (problem, variable) = attackProblem(around: s, hidden: hidden, coupled: coupled)
        let interval = try solver.ranges(of: [variable[s]!], in: problem)[0] ?? (v...v)
        var narrowest: (ClosedRange<Double>, base: Double)? = nil
        var insiders: [(cell: Int, base: Double)] = []
        for r in relationsOf[s] where coupled || relations[r].isEquality {
            let relation = relations[r]
            for c in relation.cells where c != s && hidden[c] && cells[c].contributors == 1 && !insiders.contains(where: { $0.cell == c }) {
                let nested = relation.total == s || relation.total == c
                // A total and its part both made by one agency are that same agency's figure: nothing to learn.
                if nested && cells[s].contributors == 1 { continue }
                insiders.append((c, relation.total == s ? v - cells[c].approximate : v))
            }
        }
        var insiderFails = false
        for (t, base) in insiders.sorted(by: { $0.cell < $1.cell }) {
            let (p, vars) = attackProblem(around: s, hidden: hidden, known: [t: cells[t].approximate], coupled: coupled)
            let i = try solver.ranges(of: [vars[s]!], in: p)[0] ?? (v...v)
            if !enough(i, base) { insiderFails = true }
            if narrowest == nil || margin(i, base) < margin(narrowest!.0, narrowest!.base) { narrowest = (i, base) }
        }
        var implied: Int? = nil
        for r in relationsOf[s] {
            let relation = relations[r]
            guard relation.isEquality, !hidden[relation.total], relation.total != s else { continue }
            let h = relation.parts.filter { hidden[$0] }
            if h.count >= 2, impliedSumFails(h) { implied = r; break }
        }
        let ok = v == 0 || (enough(interval, v) && !insiderFails && implied == nil)
        let m = min(margin(interval, v), narrowest.map { margin($0.0, $0.base) } ?? .infinity)
        return Protection(cell: s, interval: interval, withSingleton: narrowest?.0, singletonBase: narrowest?.base,
                          impliedFailure: implied, margin: m, isProtected: ok)
    }

    /// The attacker's view of every sensitive cell under the release's own pattern (what `audit` prints): its
    /// interval from the published cells with every relation coupled, and the insiders' and implied sums' checks
    /// (one measure's table at a time).
    public func audit(using solver: IntervalSolver) throws -> [Protection] {
        let hidden = cells.map { $0.structural || $0.status != .free }
        let sensitive = cells.indices.filter { cells[$0].isSensitive && cells[$0].yuan > 0 }
        let coupled = try intervals(of: sensitive, hidden: hidden, using: solver)
        return try sensitive.map { s in
            let local = try protection(of: s, hidden: hidden, using: solver, coupled: false)
            let interval = coupled[s] ?? local.interval
            let v = cells[s].approximate
            let m = min(v > 0 ? min(interval.upperBound - v, v - interval.lowerBound) / v : .infinity, local.margin)
            return Protection(cell: s, interval: interval, withSingleton: local.withSingleton, singletonBase: local.singletonBase,
                              impliedFailure: local.impliedFailure, margin: m,
                              isProtected: local.isProtected && enough(interval, cell: s, base: v))
        }
    }

    /// For tests and the audit's own test: the release with one hidden cell published (a broken pattern).
    public func publishing(_ key: ReleaseKey) -> Release {
        var copy = self
        if let i = index[key] { copy.cells[i].status = .free }
        return copy
    }
}
