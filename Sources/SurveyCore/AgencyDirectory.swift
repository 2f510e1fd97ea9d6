import Foundation

/// The agencies of a directory (机构名录): each one's zone, name, brand level and credit code, never a figure.
/// Kept column by column — every name's UTF-8 bytes in one buffer, zones and brand levels as small numbers, the
/// codes packed — because a national year has a million of them: as structs of four strings (and a sorted copy)
/// they were 150 MB and a retain and release per string moved in a 1M-agency report.
public struct AgencyDirectory: Sendable, RandomAccessCollection {
    /// One agency of the directory, made when asked for.
    public struct Agency: Sendable, Hashable {
        public let zone: String
        public let name: String
        public let brandLevel: String
        /// Not printed: it finds the agency's grade (AgencyGrade) when the office grades agencies.
        public let creditCode: CreditCode

        public init(zone: String, name: String, brandLevel: String, creditCode: CreditCode) {
            self.zone = zone; self.name = name; self.brandLevel = brandLevel; self.creditCode = creditCode
        }
    }

    /// The zone ids and brand level ids met so far; `zoneOf` and `brandOf` are places in them.
    private(set) var zoneIDs: [String] = [], brandIDs: [String] = []
    private var zoneOf: [UInt32] = [], brandOf: [UInt32] = []
    /// The names' bytes one after another; the name at `i` ends at `nameEnds[i]` and starts where `i − 1`'s ends.
    private var nameBytes: [UInt8] = [], nameEnds: [Int] = []
    private var codes: [CreditCode] = []
    /// The agency at place `i` is the one stored `i`-th, or `order[i]`-th once sorted: a sorted directory is the
    /// same columns in another order (a sorted copy of a million names' bytes was 68 MB more at the report's peak).
    private var order: [UInt32] = []

    public init() {}

    /// The directory of these agencies, in their order.
    public init(_ agencies: some Sequence<Agency>) {
        for a in agencies { append(zone: a.zone, name: a.name, brandLevel: a.brandLevel, creditCode: a.creditCode) }
    }

    /// The directory of the agencies of these returns, in their order.
    public init(returns: [SurveyReturn]) {
        for r in returns { append(zone: r.zone, name: r.agencyName, brandLevel: r.brandLevel, creditCode: r.creditCode) }
    }

    /// Where the name stored `s`-th starts in `nameBytes`.
    private func nameStart(_ s: Int) -> Int { s == 0 ? 0 : nameEnds[s - 1] }
    /// Where the agency at place `i` is stored.
    private func stored(_ i: Int) -> Int { order.isEmpty ? i : Int(order[i]) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { codes.count }

    public subscript(i: Int) -> Agency {
        Agency(zone: zone(at: i), name: name(at: i), brandLevel: brandLevel(at: i), creditCode: code(at: i))
    }

    public func zone(at i: Int) -> String { zoneIDs[Int(zoneOf[stored(i)])] }
    public func brandLevel(at i: Int) -> String { brandIDs[Int(brandOf[stored(i)])] }
    public func code(at i: Int) -> CreditCode { codes[stored(i)] }
    public func name(at i: Int) -> String { withName(at: i) { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the UTF-8 bytes of the name at `i` (no String made).
    public func withName<T>(at i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let s = stored(i)
        return try nameBytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[nameStart(s)..<nameEnds[s]]))
        }
    }

    public mutating func append(zone: String, name: String, brandLevel: String, creditCode: CreditCode) {
        var name = name
        name.withUTF8 { append(zone: zone, name: $0, brandLevel: brandLevel, creditCode: creditCode) }
    }

    /// Appends an agency whose name is these UTF-8 bytes (the archive's path: no String per name).
    public mutating func append(zone: String, name: UnsafeBufferPointer<UInt8>, brandLevel: String, creditCode: CreditCode) {
        zoneOf.append(Self.place(of: zone, in: &zoneIDs, last: zoneOf.last))
        brandOf.append(Self.place(of: brandLevel, in: &brandIDs, last: brandOf.last))
        nameBytes.append(contentsOf: name)
        nameEnds.append(nameBytes.count)
        if !order.isEmpty { order.append(UInt32(codes.count)) }
        codes.append(creditCode)
    }

    /// The directory with `other`'s agencies after these.
    public mutating func append(contentsOf other: AgencyDirectory) {
        let zones = other.zoneIDs.map { Self.place(of: $0, in: &zoneIDs, last: nil) }
        let brands = other.brandIDs.map { Self.place(of: $0, in: &brandIDs, last: nil) }
        let total = count + other.count
        precondition(total < Int(UInt32.max), "a directory of fewer than 4 billion agencies")
        if !order.isEmpty || !other.order.isEmpty {
            if order.isEmpty { order = (0..<count).map(UInt32.init) }
            let offset = UInt32(count)
            order += other.order.isEmpty ? (0..<other.count).map { offset + UInt32($0) } : other.order.map { offset + $0 }
        }
        // Exactly the room needed: the columns of a million agencies grown by doubling were 85 MB for 68 of names.
        zoneOf.reserveCapacity(total); brandOf.reserveCapacity(total); codes.reserveCapacity(total); nameEnds.reserveCapacity(total)
        nameBytes.reserveCapacity(nameBytes.count + other.nameBytes.count)
        zoneOf += other.zoneOf.map { zones[Int($0)] }
        brandOf += other.brandOf.map { brands[Int($0)] }
        let offset = nameBytes.count
        nameBytes += other.nameBytes
        nameEnds += other.nameEnds.map { $0 + offset }
        codes += other.codes
    }

    /// The place of `id` in `ids`, added when new; the last agency's place is tried first (a zone's agencies come
    /// together, and hashing a million ids was a tenth of sorting them).
    private static func place(of id: String, in ids: inout [String], last: UInt32?) -> UInt32 {
        if let last, ids[Int(last)] == id { return last }
        if let i = ids.firstIndex(of: id) { return UInt32(i) }
        ids.append(id)
        return UInt32(ids.count - 1)
    }

    /// By zone, then by name in code point order (its UTF-8 bytes), equal names by credit code (the returns may
    /// come in any order). Comparing the names as Strings (`utf8.lexicographicallyPrecedes`, and `<` on the
    /// zones) was 11 % of a 1M-return report (perf); here the names' bytes lie in one buffer and are compared
    /// with memcmp; each name's first 32 bytes are also four big-endian integers (zero after its end), compared
    /// first: they order names as their bytes do, and when they are equal the whole names are compared. (Sixteen
    /// bytes are five Chinese characters, often a city's name that the agencies of a zone share: the national
    /// sample's all begin 宿迁示例, and a million names sorted in 1.09 s with two integers, 0.78 s with four.)
    ///
    /// The two halves are sorted side by side, one a core, and merged (0.78 s on one core for a million). The
    /// sorted directory shares these columns and only holds its order.
    public func sortedByZoneAndName() -> AgencyDirectory {
        precondition(count < Int(UInt32.max), "a directory of fewer than 4 billion agencies")
        var rank = [UInt32](repeating: 0, count: zoneIDs.count)
        for (r, i) in zoneIDs.indices.sorted(by: { zoneIDs[$0] < zoneIDs[$1] }).enumerated() { rank[i] = UInt32(r) }
        // The keys side by side in one array (arrays looked up by index were a cache miss each); `index` is where
        // the agency is stored.
        struct Key { let first: UInt64, second: UInt64, third: UInt64, fourth: UInt64, zone: UInt32, index: UInt32 }
        var keys: [Key] = nameBytes.withUnsafeBufferPointer { all in
            func word(_ from: Int, _ end: Int) -> UInt64 {
                var w: UInt64 = 0
                for i in from..<(from + 8) { w = w << 8 | UInt64(i < end ? all[i] : 0) }
                return w
            }
            return codes.indices.map { i in
                let (s, e) = (nameStart(i), nameEnds[i])
                return Key(first: word(s, e), second: word(s + 8, e), third: word(s + 16, e), fourth: word(s + 24, e),
                           zone: rank[Int(zoneOf[i])], index: UInt32(i))
            }
        }
        var out = self
        out.order = []
        out.order.reserveCapacity(count)
        nameBytes.withUnsafeBufferPointer { all in
            // Read only, by both halves' sorts at once.
            nonisolated(unsafe) let base = all.baseAddress
            let ends = nameEnds, codes = self.codes
            @Sendable func less(_ x: Key, _ y: Key) -> Bool {
                if x.zone != y.zone { return x.zone < y.zone }
                if x.first != y.first { return x.first < y.first }
                if x.second != y.second { return x.second < y.second }
                if x.third != y.third { return x.third < y.third }
                if x.fourth != y.fourth { return x.fourth < y.fourth }
                let a = Int(x.index), b = Int(y.index)
                let sa = a == 0 ? 0 : ends[a - 1], sb = b == 0 ? 0 : ends[b - 1]
                let na = ends[a] - sa, nb = ends[b] - sb, n = Swift.min(na, nb)
                let c = n == 0 ? 0 : memcmp(base! + sa, base! + sb, n)
                if c != 0 { return c < 0 }
                if na != nb { return na < nb }
                return codes[a] < codes[b]
            }
            let middle = keys.count / 2
            keys.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let halves = [UnsafeMutableBufferPointer(rebasing: buffer[..<middle]),
                                                  UnsafeMutableBufferPointer(rebasing: buffer[middle...])]
                DispatchQueue.concurrentPerform(iterations: 2) { var half = halves[$0]; half.sort(by: less) }
            }
            // The two sorted halves merged (the first half's first on a tie, as one stable sort would have them).
            var left = 0, right = middle
            while left < middle && right < keys.count {
                if less(keys[right], keys[left]) { out.order.append(keys[right].index); right += 1 } else { out.order.append(keys[left].index); left += 1 }
            }
            while left < middle { out.order.append(keys[left].index); left += 1 }
            while right < keys.count { out.order.append(keys[right].index); right += 1 }
        }
        return out
    }

    /// Where each zone's agencies lie: its runs of neighbours, in order (one run when sorted by zone).
    public var runsByZone: [String: [Range<Int>]] {
        var runs: [String: [Range<Int>]] = [:]
        var start = 0
        for i in indices where i + 1 == count || zoneOf[stored(i + 1)] != zoneOf[stored(i)] {
            runs[zone(at: i), default: []].append(start..<(i + 1))
            start = i + 1
        }
        return runs
    }

    /// How many of the agencies at `positions` have each brand level (the directory's counts when it is too long
    /// to print).
    public func brandCounts(at positions: [Range<Int>]) -> [String: Int] {
        var counts = [Int](repeating: 0, count: brandIDs.count)
        for run in positions { for i in run { counts[Int(brandOf[stored(i)])] += 1 } }
        var out: [String: Int] = [:]
        for (i, n) in counts.enumerated() where n > 0 { out[brandIDs[i], default: 0] += n }
        return out
    }
}
