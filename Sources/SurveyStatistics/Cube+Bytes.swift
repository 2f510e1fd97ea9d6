import Foundation
import SurveyCore

/// A cube as bytes, to store beside its release: little-endian 64-bit integers and length-prefixed UTF-8 texts, in
/// the order below. Written by hand: a national cube is some thousands of cells of about a hundred numbers each,
/// and JSON (Codable) of it was many megabytes that took longer to decode than the query it saves.
extension Cube {
    /// What the bytes mean: the plan's slots (from the catalogue) and the release's measures. A cube stored under
    /// another layout (an older ipsurvey, another catalogue) is not read.
    public static var layout: String {
        let p = plan
        func name(_ i: Int) -> String { SurveyReturn.numberFields[i] }
        return """
            ipsurvey cube v1
            fields \(p.fields.map(name).joined(separator: ","))
            pairs \(p.pairs.map { "\(name($0.n))/\(name($0.d))" }.joined(separator: ","))
            thresholds \(p.thresholds.map(String.init).joined(separator: ","))
            same \(p.sameSample.map(name).joined(separator: ","))
            flags \(p.distinct) \(p.designations) \(p.brand) \(p.top) \(p.squares)
            measures \(Release.measures.joined(separator: ","))
            """
    }

    /// Bytes that do not make a cube of this layout.
    public struct Damaged: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { "stored totals unreadable: \(reason)" }
    }

    public var bytes: Data {
        var w = ByteWriter()
        w.text(period.description)
        w.int(zones.count); for z in zones { w.text(z) }
        func fine(_ f: Fine) { w.text(f.zone); w.text(f.kind); w.text(f.brand); w.int(Int(f.types)) }
        w.int(now.count)
        for cell in now {
            fine(cell.fine); w.totals(cell.totals)
            for m in cell.measures { w.int64(m.sum); w.int(m.reported); w.int(m.contributors); w.int64(m.largest) }
        }
        w.int(before.count)
        for cell in before { fine(cell.fine); w.totals(cell.totals) }
        w.int(pairs.count)
        for pair in pairs { w.int(pair.now); w.int(pair.before); for s in pair.totals { w.same(s) } }
        return Data(w.out)
    }

    /// A cube from `bytes`; `Damaged` when they are not one of this layout (never a crash).
    public init(bytes: Data) throws {
        var r = ByteReader(Array(bytes))
        guard let period = Period(try r.text()) else { throw Damaged(reason: "period") }
        let zones = try (0..<r.count()).map { _ in try r.text() }
        func fine() throws -> Fine {
            let zone = try r.text(), kind = try r.text(), brand = try r.text(), types = try r.int()
            guard let t = UInt32(exactly: types) else { throw Damaged(reason: "business types") }
            return Fine(zone: zone, kind: kind, brand: brand, types: t)
        }
        let plan = Cube.plan
        let now = try (0..<r.count()).map { _ in
            Now(fine: try fine(), totals: try r.totals(plan), measures: try Release.measures.map { _ in
                Measure(sum: try r.int64(), reported: try r.int(), contributors: try r.int(), largest: try r.int64())
            })
        }
        let before = try (0..<r.count()).map { _ in Before(fine: try fine(), totals: try r.totals(plan)) }
        let pairs = try (0..<r.count()).map { _ in
            let p = Pair(now: try r.int(), before: try r.int(), totals: try plan.sameSample.map { _ in try r.same() })
            guard now.indices.contains(p.now), before.indices.contains(p.before) else { throw Damaged(reason: "same-sample cell") }
            return p
        }
        guard r.atEnd else { throw Damaged(reason: "trailing bytes") }
        self.init(period: period, zones: zones, now: now, before: before, pairs: pairs)
    }
}

private struct ByteWriter {
    var out: [UInt8] = []
    mutating func int64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    mutating func int(_ v: Int) { int64(Int64(v)) }
    mutating func text(_ s: String) { int(s.utf8.count); out.append(contentsOf: s.utf8) }
    mutating func positive(_ p: PositiveValues) { int(p.count); int64(p.sum); int64(p.largest) }
    mutating func same(_ s: GroupTotals.SameSample) {
        int64(s.now); int64(s.before); int(s.both); positive(s.nowPositive); positive(s.beforePositive)
    }
    mutating func totals(_ t: GroupTotals) {
        int(t.returns)
        for v in t.sums { int64(v) }
        for v in t.reported { int(v) }
        for v in t.pairNumerator { int64(v) }
        for v in t.pairDenominator { int64(v) }
        for v in t.pairBoth { int(v) }
        for v in t.atLeast { int(v) }
        int(t.designated.count)
        for (d, n) in t.designated.sorted(by: { $0.key < $1.key }) { text(d); int(n) }
        int(t.designatedAny); int(t.brand); int(t.revenues); int64(t.revenueSum)
        int(t.largest.count); for v in t.largest { int64(v) }
        positive(t.positive)
        int64(Int64(bitPattern: UInt64(truncatingIfNeeded: t.squares >> 64))); int64(Int64(bitPattern: UInt64(truncatingIfNeeded: t.squares)))
        text(t.squaresBeyond.map { "\($0)" } ?? "")
        for s in t.same { same(s) }
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var at = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var atEnd: Bool { at == bytes.count }

    mutating func int64() throws -> Int64 {
        guard bytes.count - at >= 8 else { throw Cube.Damaged(reason: "cut short at byte \(at)") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
        at += 8
        return Int64(bitPattern: v)
    }
    mutating func int() throws -> Int {
        let v = try int64()
        guard let i = Int(exactly: v) else { throw Cube.Damaged(reason: "number at byte \(at - 8)") }
        return i
    }
    /// A count of items that follow, each at least 8 bytes (so a damaged count cannot ask for more than is there).
    mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0, n <= (bytes.count - at) / 8 else { throw Cube.Damaged(reason: "count at byte \(at - 8)") }
        return n
    }
    mutating func text() throws -> String {
        let n = try int()
        guard n >= 0, n <= bytes.count - at else { throw Cube.Damaged(reason: "text at byte \(at - 8)") }
        defer { at += n }
        guard let s = String(validating: bytes[at..<at + n], as: UTF8.self) else { throw Cube.Damaged(reason: "text at byte \(at)") }
        return s
    }
    mutating func positive() throws -> PositiveValues { PositiveValues(count: try int(), sum: try int64(), largest: try int64()) }
    mutating func same() throws -> GroupTotals.SameSample {
        GroupTotals.SameSample(now: try int64(), before: try int64(), both: try int(), nowPositive: try positive(), beforePositive: try positive())
    }
    mutating func totals(_ plan: TotalsPlan) throws -> GroupTotals {
        var t = GroupTotals(plan, codesMayRepeat: false)
        t.returns = try int()
        for i in t.sums.indices { t.sums[i] = try int64() }
        for i in t.reported.indices { t.reported[i] = try int() }
        for i in t.pairNumerator.indices { t.pairNumerator[i] = try int64() }
        for i in t.pairDenominator.indices { t.pairDenominator[i] = try int64() }
        for i in t.pairBoth.indices { t.pairBoth[i] = try int() }
        for i in t.atLeast.indices { t.atLeast[i] = try int() }
        for _ in 0..<(try count()) { let d = try text(); t.designated[d] = try int() }
        t.designatedAny = try int(); t.brand = try int(); t.revenues = try int(); t.revenueSum = try int64()
        let n = try count()
        guard n <= 6 else { throw Cube.Damaged(reason: "largest revenues") }
        t.largest = try (0..<n).map { _ in try int64() }
        t.positive = try positive()
        let high = UInt64(bitPattern: try int64()), low = UInt64(bitPattern: try int64())
        t.squares = UInt128(high) << 64 | UInt128(low)
        let beyond = try text()
        if !beyond.isEmpty {
            guard let d = Decimal(string: beyond, locale: Locale(identifier: "en_US_POSIX")) else { throw Cube.Damaged(reason: "squares") }
            t.squaresBeyond = d
        }
        for i in t.same.indices { t.same[i] = try same() }
        return t
    }
}
