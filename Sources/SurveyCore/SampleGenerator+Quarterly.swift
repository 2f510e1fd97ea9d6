import Foundation

extension SampleGenerator {
    /// The four quarterly returns (统计期 `YYYYQ1`…`Q4`) consistent with one annual return row: the year's flows split
    /// over the quarters exactly (in yuan and units: the four quarters add up to the annual figure), the stocks at
    /// each quarter's end with the fourth equal to the year's end; clients served counted per quarter (distinct
    /// firms recur, so the quarters add up to more than the year). Every quarter obeys the form's rules. A random
    /// stream of its own (from the credit code and year), so the annual files stay as they are.
    static func quarterlyRows(_ annual: [String]) -> [[String]] {
        var seed: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in (annual[0] + annual[3]).utf8 { seed = (seed ^ UInt64(b)) &* 0x100_0000_01B3 }
        var rng = SplitMix64(seed: seed)
        func frac(_ lo: Double, _ hi: Double) -> Double { Double.random(in: lo...hi, using: &rng) }
        // Seasonal weights: the fourth quarter a little heavier, as year-end closing makes it.
        let raw = [frac(0.8, 1.1), frac(0.9, 1.1), frac(0.9, 1.15), frac(1.0, 1.3)]
        let weights = raw.map { $0 / raw.reduce(0, +) }
        func split(_ total: Int64) -> [Int64] {
            var parts = weights.prefix(3).map { Int64((Double(total) * $0).rounded(.down)) }
            parts.append(total - parts.reduce(0, +))
            return parts
        }
        // A part may not exceed its whole in any quarter: the excess moves to a quarter with room (there always is
        // one, since the year's part does not exceed the year's whole).
        func fit(_ child: inout [Int64], within parent: [Int64]) {
            for i in 0..<4 where child[i] > parent[i] {
                var excess = child[i] - parent[i]
                child[i] = parent[i]
                for j in 0..<4 where excess > 0 && parent[j] > child[j] {
                    let moved = min(parent[j] - child[j], excess)
                    child[j] += moved
                    excess -= moved
                }
            }
        }
        func yuan(_ s: String) -> Int64? {
            guard !s.isEmpty else { return nil }
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 4, withPad: "0", startingAt: 0) : "0000"
            return Int64(parts[0])! * 10_000 + Int64(fraction)!
        }
        func wan(_ v: Int64) -> String { Money(yuan: v).wanExact }
        func count(_ s: String) -> Int64? { s.isEmpty ? nil : Int64(s)! }
        func money(_ i: Int) -> [Int64]? { yuan(annual[i]).map(split) }
        func counts(_ i: Int) -> [Int64]? { count(annual[i]).map(split) }
        var q = Array(repeating: annual, count: 4)
        func put(_ i: Int, _ values: [Int64]?, _ text: (Int64) -> String) {
            for k in 0..<4 { q[k][i] = values.map { text($0[k]) } ?? "" }
        }
        // Revenue: the sum of its lines' quarters when the return breaks it down, so the breakdown stays exact.
        let lines = (8...14).map(money)
        var revenue = money(7)!
        if lines.contains(where: { $0 != nil }) {
            revenue = (0..<4).map { k in lines.compactMap { $0?[k] }.reduce(0, +) }
        }
        put(7, revenue, wan)
        for (n, line) in lines.enumerated() { put(8 + n, line, wan) }
        var foreign = money(15)
        if foreign != nil { fit(&foreign!, within: revenue) }
        put(15, foreign, wan)
        // Pledge financing only in the quarters with deals.
        if let deals = counts(17), let amount = yuan(annual[16]) {
            let total = deals.reduce(0, +)
            var pledge = deals.prefix(3).map { total == 0 ? 0 : amount * $0 / total }
            pledge.append(amount - pledge.reduce(0, +))
            if deals[3] == 0, let last = deals.lastIndex(where: { $0 > 0 }) { pledge[last] += pledge[3]; pledge[3] = 0 }
            put(16, pledge, wan)
            put(17, deals, String.init)
        }
        put(18, money(18), wan)
        // Stocks at each quarter's end.
        let staff = count(annual[19])!, degree = count(annual[20]) ?? 0, attorneys = count(annual[21]) ?? 0
        let ratios = [frac(0.9, 0.95), frac(0.94, 0.97), frac(0.96, 0.99), 1.0]
        let staffQ = ratios.map { max(1, Int64((Double(staff) * $0).rounded(.up))) }
        put(19, staffQ, String.init)
        if !annual[20].isEmpty { put(20, (0..<4).map { min(staffQ[$0], Int64((Double(degree) * ratios[$0]).rounded(.down))) }, String.init) }
        if !annual[21].isEmpty { put(21, (0..<4).map { min(staffQ[$0], Int64((Double(attorneys) * ratios[$0]).rounded(.down))) }, String.init) }
        var hires = counts(22)
        if hires != nil { fit(&hires!, within: staffQ) }
        put(22, hires, String.init)
        var grads = counts(23)
        if grads != nil, let h = hires { fit(&grads!, within: h) }
        put(23, grads, String.init)
        // Filings and their parts.
        let filings = counts(24)
        var local = counts(25), inventions = counts(26)
        if let f = filings { if local != nil { fit(&local!, within: f) }; if inventions != nil { fit(&inventions!, within: f) } }
        put(24, filings, String.init); put(25, local, String.init); put(26, inventions, String.init)
        put(27, counts(27), String.init)
        let tm = counts(28)
        var tmLocal = counts(29)
        if let t = tm, tmLocal != nil { fit(&tmLocal!, within: t) }
        put(28, tm, String.init); put(29, tmLocal, String.init)
        // Clients served in each quarter: distinct firms, a share of the year's.
        let clients = count(annual[30])!, hightech = count(annual[31]) ?? 0
        let shares = (0..<4).map { _ in frac(0.4, 0.65) }
        let clientsQ = shares.map { max(1, Int64((Double(clients) * $0).rounded())) }
        put(30, clientsQ, String.init)
        if !annual[31].isEmpty { put(31, (0..<4).map { min(clientsQ[$0], Int64((Double(hightech) * shares[$0]).rounded())) }, String.init) }
        let notified = counts(32)
        var withdrawn = counts(33)
        if let n = notified, withdrawn != nil { fit(&withdrawn!, within: n) }
        put(32, notified, String.init); put(33, withdrawn, String.init)
        let year = Int(annual[3])!
        for k in 0..<4 {
            q[k][3] = "\(year)Q\(k + 1)"
            // Filed in the month after the quarter.
            let month = k == 3 ? 1 : (k + 1) * 3 + 1
            q[k][36] = SimpleDate(year: k == 3 ? year + 1 : year, month: month, day: Int(frac(5, 25.99)))!.description
        }
        return q
    }
}
