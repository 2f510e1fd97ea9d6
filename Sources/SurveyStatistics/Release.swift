import Foundation
import SurveyCore

/// The disclosure rule (保密规则) in one place: every output, the release search and the audit read it here.
public struct DisclosureRule: Sendable {
    /// A money cell of fewer contributing agencies is confidential (A).
    public let minimumAgencies: Int
    /// A money cell where one agency holds more than this share (percent) is confidential (O).
    public let dominancePercent: Int64
    /// The attacker's interval for a hidden cell must reach this share (percent) below and above its value.
    public let protectionPercent: Int

    public static let standard = DisclosureRule(minimumAgencies: 3, dominancePercent: 85, protectionPercent: 10)

    /// The primary status of a sum of `contributors` positive values (largest `largest`) adding up to `sum`.
    public func primary(contributors: Int, sum: Int64, largest: Int64) -> ConfStatus {
        if contributors == 0 { return .free }              // nothing to reveal: the cell is empty or zero
        if contributors < minimumAgencies { return .tooFew }
        if largest.timesExceeds(100, sum, times: dominancePercent) { return .dominant }     // (128-bit: a national sum)
        return .free
    }
}

/// One cell of the linked set: a money measure (营业收入, 质押融资额 …) over one group of agencies.
///
/// Groups are zone × agency kind × brand level, each dimension a value or "*" (all). The key can also name a
/// business type (multi-label) and its complement (`without`: the agencies without the type, which a total
/// minus a business-type cell gives); releases do not hold such cells yet, so money by business type is not
/// published (counts of agencies by business type are).
public struct ReleaseKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let all = "*"
    public let measure: String
    public let zone: String
    public let kind: String
    public let brand: String
    public let businessType: String
    public let without: Bool

    public init(measure: String, zone: String = all, kind: String = all, brand: String = all, businessType: String = all, without: Bool = false) {
        self.measure = measure; self.zone = zone; self.kind = kind; self.brand = brand; self.businessType = businessType; self.without = without
    }

    /// `revenue zone=binhu kind=* brand=* type=*` — the form in the pattern digest and in messages.
    public var description: String {
        "\(measure) zone=\(zone) kind=\(kind) brand=\(brand) type=\(without ? "not-" : "")\(businessType)"
    }

    public static func < (a: ReleaseKey, b: ReleaseKey) -> Bool { a.description.utf8.lexicographicallyPrecedes(b.description.utf8) }
}

/// A cell of a release: its exact value, how many agencies make it, and whether it may be published.
public struct ReleaseCell: Sendable {
    public let key: ReleaseKey
    /// Σ of the measure in yuan over the agencies that reported it.
    public let yuan: Int64
    /// Returns in the group that reported the measure (0: no data).
    public let reported: Int
    /// Agencies with a value above zero, and the largest of those values (yuan).
    public let contributors: Int
    public let largest: Int64
    /// The primary rule's verdict (A, O or F).
    public let primary: ConfStatus
    /// The verdict of the release: primary, or D when hidden so that another cell cannot be worked out.
    public internal(set) var status: ConfStatus

    /// The exact value in 万元; nil when nobody in the group reported the measure.
    public var value: Decimal? { reported == 0 ? nil : Decimal(yuan) / 10_000 }
    /// The value in 万元 as a binary number, for the attacker's linear programme only (never printed).
    var approximate: Double { Double(yuan) / 10_000 }
    /// Never shown by any output (the agencies without a business type).
    public var structural: Bool { key.without }
    public var isPublished: Bool { !structural && status == .free }
    /// Worked out by the primary rule as one agency's or dominated: what the release protects.
    public var isSensitive: Bool { primary != .free }
}

/// An additive relation between cells of the linked set that an attacker can use: `total = Σ parts`, or for the
/// revenue breakdown and foreign revenue `Σ parts ≤ total`.
public struct Relation: Sendable {
    public let total: Int
    public let parts: [Int]
    public let isEquality: Bool
    public var cells: [Int] { [total] + parts }
}

/// The protected release of one period (as of one moment): every cell any published output of the period can
/// show, with one suppression pattern for all of them — the all-zone and per-zone white papers, the bulletin,
/// `targets` and every suppressed `query` print cells of this pattern and nothing else.
public struct Release: Sendable {
    /// The money measures of the linked set: revenue, its breakdown, foreign revenue, pledge financing, transactions.
    public static let measures: [String] = ["revenue"] + Form.revenueBreakdown.map(\.field) + ["foreign_revenue", "pledge_financing", "transaction_value"]
    /// Each measure's place in a return's numbers, in the order of `measures` (each is a number field of the form,
    /// which `CubeTests.testEveryMeasureIsANumberField` checks; one found nowhere would be left out, not a crash).
    static let measureFields: [Int] = measures.compactMap { SurveyReturn.numberIndex[$0] }
    /// The measures that make up revenue, at most (营业收入构成; foreign revenue is a part of revenue too).
    static let withinRevenue: [[String]] = [Form.revenueBreakdown.map(\.field), ["foreign_revenue"]]

    public let period: Period
    /// The archive state the release answers for.
    public let asOf: String
    /// Every zone of the archive (the release always covers all of them), in zones.csv order.
    public let zones: [String]
    public let rule: DisclosureRule
    /// Non-empty cells, in key order.
    public internal(set) var cells: [ReleaseCell]
    public let relations: [Relation]
    /// Cells the releases of the same year's other periods already give away (see `Linkage`): never hidden to
    /// protect another cell, since hiding them would protect nothing.
    var linkedKnown: Set<ReleaseKey> = []
    let index: [ReleaseKey: Int]
    /// Relations each cell is in.
    let relationsOf: [[Int]]

    /// The cells of the linked set computed from the current returns of `period` for every zone (agencies of
    /// other periods are ignored); primary statuses only. `protect` decides the pattern.
    public init(period: Period, asOf: String, zones: [String], returns: [SurveyReturn], rule: DisclosureRule = .standard) {
        var sums = ReleaseSums(zones: zones)
        let fieldIndex = Release.measureFields
        // Each return (in place: `for r in returns` copied each) is added to its zone × kind × brand cell only;
        // the seven groups with an "all" are summed from those cells afterwards (sums, counts and the largest
        // value all add up so): adding each return to its eight groups was a fifth of a national query.
        returns.withUnsafeBufferPointer { returns in for i in returns.indices {
            let r = returns.baseAddress! + i
            guard r.pointee.period == period, let s = sums.slot(zone: r.pointee.zone, kind: r.pointee.agencyKind, brand: r.pointee.brandLevel)
            else { continue }
            let numbers = r.pointee.numbers
            sums.members[s] += 1
            for (m, fi) in fieldIndex.enumerated() {
                guard let v = numbers[fi] else { continue }
                let c = m * sums.groups + s
                sums.sum[c] += v; sums.reported[c] += 1
                if v > 0 { sums.contributors[c] += 1; sums.largest[c] = max(sums.largest[c], v) }
            }
        } }
        self.init(period: period, asOf: asOf, zones: zones, rule: rule, sums: sums)
    }

    /// The cells from the sums of each zone × kind × brand cell (the groups with an "all" not yet summed).
    init(period: Period, asOf: String, zones: [String], rule: DisclosureRule, sums: ReleaseSums) {
        self.period = period; self.asOf = asOf; self.zones = zones; self.rule = rule
        let kinds = sums.kinds, brands = sums.brands
        let measures = Release.measures
        let z1 = zones.count + 1, k1 = kinds.count + 1, b1 = brands.count + 1
        let groups = sums.groups
        var sum = sums.sum, largest = sums.largest, reported = sums.reported, contributors = sums.contributors, members = sums.members
        for z in zones.indices { for k in kinds.indices { for b in brands.indices {
            let s = (z * k1 + k) * b1 + b
            guard members[s] > 0 else { continue }
            for g in 1..<8 {
                let t = ((g & 4 == 0 ? z : zones.count) * k1 + (g & 2 == 0 ? k : kinds.count)) * b1 + (g & 1 == 0 ? b : brands.count)
                members[t] += members[s]
                for m in measures.indices {
                    let from = m * groups + s, to = m * groups + t
                    sum[to] += sum[from]; reported[to] += reported[from]; contributors[to] += contributors[from]
                    largest[to] = max(largest[to], largest[from])
                }
            }
        } } }
        var cells: [ReleaseCell] = []
        func name(_ values: [String], _ i: Int) -> String { i == values.count ? ReleaseKey.all : values[i] }
        for (m, measure) in measures.enumerated() {
            for z in 0..<z1 { for k in 0..<k1 { for b in 0..<b1 {
                let g = (z * k1 + k) * b1 + b, i = m * z1 * k1 * b1 + g
                guard members[g] > 0 else { continue }
                let key = ReleaseKey(measure: measure, zone: name(zones, z), kind: name(kinds, k), brand: name(brands, b))
                cells.append(ReleaseCell(key: key, yuan: sum[i], reported: reported[i], contributors: contributors[i], largest: largest[i],
                                         primary: rule.primary(contributors: contributors[i], sum: sum[i], largest: largest[i]), status: .free))
            } } }
        }
        cells.sort { $0.key < $1.key }
        for i in cells.indices { cells[i].status = cells[i].primary }
        let index = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($1.key, $0) })
        self.cells = cells
        self.index = index

        // The additive relations among the non-empty cells (an empty group is known to be zero: counts of agencies
        // are published, so it is left out of its relations).
        var relations: [Relation] = []
        func relate(_ total: ReleaseKey, _ parts: [ReleaseKey], equal: Bool = true) {
            guard let ti = index[total] else { return }
            let ps = parts.compactMap { index[$0] }
            guard !ps.isEmpty else { return }
            relations.append(Relation(total: ti, parts: ps, isEquality: equal))
        }
        let zoneValues = zones + [ReleaseKey.all], kindValues = kinds + [ReleaseKey.all], brandValues = brands + [ReleaseKey.all]
        for measure in measures {
            for k in kindValues { for b in brandValues {
                relate(ReleaseKey(measure: measure, kind: k, brand: b), zones.map { ReleaseKey(measure: measure, zone: $0, kind: k, brand: b) })
            } }
            for z in zoneValues { for b in brandValues {
                relate(ReleaseKey(measure: measure, zone: z, brand: b), kinds.map { ReleaseKey(measure: measure, zone: z, kind: $0, brand: b) })
            } }
            for z in zoneValues { for k in kindValues {
                relate(ReleaseKey(measure: measure, zone: z, kind: k), brands.map { ReleaseKey(measure: measure, zone: z, kind: k, brand: $0) })
            } }
        }
        // Parts of revenue: the business lines, and foreign revenue, each at most revenue, in every group.
        for cell in cells where cell.key.measure == "revenue" {
            let k = cell.key
            for parts in Release.withinRevenue {
                relate(k, parts.map { ReleaseKey(measure: $0, zone: k.zone, kind: k.kind, brand: k.brand, businessType: k.businessType, without: k.without) },
                       equal: false)
            }
        }
        self.relations = relations
        var of = [[Int]](repeating: [], count: cells.count)
        for (r, relation) in relations.enumerated() { for c in relation.cells { of[c].append(r) } }
        self.relationsOf = of
    }

    /// The cell of `key`, nil when its group has no agency.
    public func cell(_ key: ReleaseKey) -> ReleaseCell? { index[key].map { cells[$0] } }

    /// The pattern as text, one hidden cell a line (`key<TAB>status`), in key order: what the digest is taken of.
    public var patternText: String {
        var out = "ipsurvey release v1\nperiod \(period)\n"
        for c in cells where !c.structural && c.status != .free { out += "\(c.key)\t\(c.status.rawValue)\n" }
        return out
    }

    /// Cells that any output may show (structural ones left out), and how many of them are hidden.
    public var publishableCount: Int { cells.filter { !$0.structural }.count }
    public var hiddenCount: Int { cells.filter { !$0.structural && $0.status != .free }.count }
}

extension Release {
    /// The cells' values as text, one a line (`key<TAB>yuan<TAB>reported<TAB>contributors<TAB>largest`): what the
    /// data digest is taken of, so a release recorded earlier is known to answer for the same data.
    public var valuesText: String {
        var out = "ipsurvey release values v1\nperiod \(period)\n"
        for c in cells { out += "\(c.key)\t\(c.yuan)\t\(c.reported)\t\(c.contributors)\t\(c.largest)\n" }
        return out
    }

    /// Why a recorded pattern does not fit these cells.
    public struct PatternMismatch: Error, Sendable, CustomStringConvertible {
        public let line: String
        public var description: String { "the recorded pattern names a cell this release does not have: \(line)" }
    }

    /// This release with the statuses of a recorded pattern (`patternText` of an earlier run) instead of a new
    /// search: a query answers from the release as it was published.
    public func applying(pattern: String) throws -> Release {
        var copy = self
        let byText = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($1.key.description, $0) })
        for i in copy.cells.indices { copy.cells[i].status = .free }
        for line in pattern.split(separator: "\n").dropFirst(2) {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let i = byText[String(parts[0])], let status = ConfStatus(rawValue: String(parts[1])) else {
                throw PatternMismatch(line: String(line))
            }
            copy.cells[i].status = status
        }
        return copy
    }
}

/// Dense accumulators of a release's cells: each measure over zone × kind × brand, each a value or all (a return
/// touches 8 cells per measure). Business types are not in the linked set yet (see ReleaseKey): with their
/// complements every total is linked to seven overlapping groups, and the search no longer ran in seconds.
struct ReleaseSums {
    let kinds = Choices.agencyKind.options.map(\.id), brands = Choices.brandLevel.options.map(\.id)
    let zoneIndex: [String: Int], kindIndex: [String: Int], brandIndex: [String: Int]
    let k1: Int, b1: Int
    /// Groups per measure.
    let groups: Int
    var sum: [Int64], largest: [Int64], reported: [Int], contributors: [Int]
    /// Returns per group.
    var members: [Int]

    init(zones: [String]) {
        zoneIndex = Dictionary(uniqueKeysWithValues: zones.enumerated().map { ($1, $0) })
        kindIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
        brandIndex = Dictionary(uniqueKeysWithValues: brands.enumerated().map { ($1, $0) })
        k1 = kinds.count + 1; b1 = brands.count + 1
        groups = (zones.count + 1) * k1 * b1
        let plain = Release.measures.count * groups
        sum = [Int64](repeating: 0, count: plain); largest = sum
        reported = [Int](repeating: 0, count: plain); contributors = reported
        members = [Int](repeating: 0, count: groups)
    }

    /// The group of one zone, kind and brand level (nil for a value the release does not know).
    func slot(zone: String, kind: String, brand: String) -> Int? {
        guard let z = zoneIndex[zone], let k = kindIndex[kind], let b = brandIndex[brand] else { return nil }
        return (z * k1 + k) * b1 + b
    }
}

/// A published cell that changes between two releases of a period because of the returns of fewer agencies than
/// the primary rule allows (a late return, a revision): the difference of the two figures is theirs.
public struct Revision: Sendable {
    public let key: ReleaseKey
    public let before: Decimal?
    public let after: Decimal?
    /// Agencies whose contribution to the cell changed.
    public let agencies: Int
}

extension Release {
    /// The group keys (measure left as "") a return counts in: zone × kind × brand, each a value or all.
    static func groups(of r: SurveyReturn) -> [ReleaseKey] {
        var out: [ReleaseKey] = []
        for z in [r.zone, ReleaseKey.all] { for k in [r.agencyKind, ReleaseKey.all] { for b in [r.brandLevel, ReleaseKey.all] {
            out.append(ReleaseKey(measure: "", zone: z, kind: k, brand: b))
        } } }
        return out
    }

    /// The cells published in both `earlier` and this release whose value differs because fewer than the
    /// minimum number of agencies changed their returns (`before` and `now` are the two releases' returns).
    public func revisions(since earlier: Release, before: [SurveyReturn], now: [SurveyReturn]) -> [Revision] {
        // The returns of the release's zones (as its cells: a return of a zone it does not know is in none), and
        // two returns alike when they are in the same groups with the same measures: the returns may have been
        // read with names and every field, or without.
        let zoneSet = Set(zones)
        func byCode(_ rs: [SurveyReturn]) -> [CreditCode: SurveyReturn] {
            var out: [CreditCode: SurveyReturn] = [:]
            for r in rs where r.period == period && zoneSet.contains(r.zone) { out[r.creditCode] = r }
            return out
        }
        let old = byCode(before), new = byCode(now)
        var changed: [ReleaseKey: Int] = [:]
        let fields = Array(zip(Release.measures, Release.measureFields))
        func alike(_ a: SurveyReturn?, _ b: SurveyReturn?) -> Bool {
            guard let a, let b else { return a == nil && b == nil }
            return a.zone == b.zone && a.agencyKind == b.agencyKind && a.brandLevel == b.brandLevel && fields.allSatisfy { a.numbers[$0.1] == b.numbers[$0.1] }
        }
        for code in Set(old.keys).union(new.keys) {
            let a = old[code], b = new[code]
            if alike(a, b) { continue }
            for (measure, fi) in fields {
                var contribution: [ReleaseKey: Int64] = [:]
                if let a, let v = a.numbers[fi] { for g in Release.groups(of: a) { contribution[g, default: 0] -= v } }
                if let b, let v = b.numbers[fi] { for g in Release.groups(of: b) { contribution[g, default: 0] += v } }
                let presence = Set((a.map(Release.groups) ?? []) + (b.map(Release.groups) ?? []))
                for g in presence where contribution[g, default: 0] != 0 || (a?.numbers[fi] == nil) != (b?.numbers[fi] == nil) {
                    let key = ReleaseKey(measure: measure, zone: g.zone, kind: g.kind, brand: g.brand, businessType: g.businessType, without: g.without)
                    changed[key, default: 0] += 1
                }
            }
        }
        var out: [Revision] = []
        for (key, agencies) in changed where agencies < rule.minimumAgencies && !key.without {
            guard let c = cell(key), c.isPublished, let e = earlier.cell(key), e.isPublished, c.value != e.value else { continue }
            out.append(Revision(key: key, before: e.value, after: c.value, agencies: agencies))
        }
        return out.sorted { $0.key < $1.key }
    }
}
