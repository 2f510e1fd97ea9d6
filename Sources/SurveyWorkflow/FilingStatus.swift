import Foundation
import SurveyArchive
import SurveyCore

/// Who has filed for a period and who has not (回收率, 催报): the agencies expected — those with a return for the
/// period before — against the returns received by the as-of, late against a due date, per zone. Internal: it
/// names agencies, and with `contacts` their contact person and phone, read back from the stored bytes of their
/// last return (the archive keeps personal data nowhere else).
public enum FilingStatus {
    public struct Agency: Sendable {
        /// filed | late (filed after the due date) | missing (expected, not filed) | new (filed, not expected)
        public enum State: String, Sendable { case filed, late, missing, new }
        public let creditCode: String
        public let name: String
        public let zone: String
        public let state: State
        /// When its first return for the period arrived; nil when missing.
        public let receivedAt: String?
        /// Only with `contacts`, only for a missing agency: from its return for the period before.
        public let contact: String?
        public let phone: String?
    }

    public struct Count: Sendable {
        public let zone: String
        /// Agencies with a return for the period before, and how many of them have filed (late included).
        public var expected = 0, received = 0, late = 0, missing = 0
        /// Agencies that filed without a return for the period before.
        public var new = 0
        /// received ÷ expected; nil when none were expected.
        public var rate: Decimal? { expected == 0 ? nil : Decimal(received) / Decimal(expected) }
        public init(zone: String) { self.zone = zone }
    }

    public struct Result: Sendable {
        public let period: Period
        public let previous: Period
        public let asOf: String
        /// The end of the due date (China time), if one was given.
        public let due: String?
        /// The registry of resident agencies (agencies.csv) added agencies to those expected.
        public let registry: Bool
        public let agencies: [Agency]
        /// One per zone, in the archive's zone order, then the total (zone `all`).
        public let counts: [Count]
    }

    /// The period whose filers are expected to file for `period`: the year before, or the quarter before.
    public static func previous(_ period: Period) -> Period { period.previousPeriod }

    public static func evaluate(_ archive: Archive, period: Period, zones selected: [String], asOf: String, due: String?,
                                contacts: Bool) throws -> Result {
        let zoneIDs = try StatisticsInput.zones(archive, selected: selected, asOf: asOf).map(\.id)
        let before = previous(period)
        // Expected: the filers of the period before (whose last return holds their contact), and the agencies of the
        // registry resident during the period that did not file then.
        var expected: [(creditCode: String, agencyName: String, zone: String, filing: Archive.Filing?)] =
            try archive.filings(period: before, asOf: asOf).filter { zoneIDs.contains($0.zone) }.map { ($0.creditCode, $0.agencyName, $0.zone, $0) }
        let registered = try archive.registry(asOf: asOf).filter { zoneIDs.contains($0.zone) && $0.isResident(during: period) }
        let filedBefore = Set(expected.map(\.creditCode))
        for a in registered where !filedBefore.contains(a.creditCode) { expected.append((a.creditCode, a.agencyName, a.zone, nil)) }
        let received = try archive.filings(period: period, asOf: asOf).filter { zoneIDs.contains($0.zone) }
        let receivedByCode = Dictionary(received.map { ($0.creditCode, $0) }, uniquingKeysWith: { a, _ in a })
        let expectedCodes = Set(expected.map(\.creditCode))
        var storedFiles: [Int64: Archive.StoredFile] = [:]
        if contacts { for f in try archive.files() { storedFiles[f.id] = f } }
        var rowsOfFile: [Int64: [Int: [(String, String)]]] = [:]
        func personal(_ filing: Archive.Filing?) throws -> (contact: String?, phone: String?) {
            guard contacts, let filing, let file = storedFiles[filing.fileID] else { return (nil, nil) }
            if rowsOfFile[file.id] == nil {
                rowsOfFile[file.id] = Dictionary(try archive.rows(of: file).map { ($0.line, $0.values) }, uniquingKeysWith: { a, _ in a })
            }
            let values = rowsOfFile[file.id]?[filing.line] ?? []
            func value(_ id: String) -> String? { values.first { $0.0 == id }.map { $0.1 }.flatMap { $0.isEmpty ? nil : $0 } }
            return (value("contact"), value("phone"))
        }

        var agencies: [Agency] = []
        // An agency is counted in the zone of its return for the period before (its zone now, when it moved, is in
        // the list); one that filed only now, in the zone of its return.
        for e in expected {
            if let r = receivedByCode[e.creditCode] {
                let late = due.map { r.firstReceivedAt > $0 } ?? false
                agencies.append(Agency(creditCode: r.creditCode, name: r.agencyName, zone: r.zone, state: late ? .late : .filed,
                                       receivedAt: r.firstReceivedAt, contact: nil, phone: nil))
            } else {
                let p = try personal(e.filing)
                agencies.append(Agency(creditCode: e.creditCode, name: e.agencyName, zone: e.zone, state: .missing,
                                       receivedAt: nil, contact: p.contact, phone: p.phone))
            }
        }
        for r in received where !expectedCodes.contains(r.creditCode) {
            agencies.append(Agency(creditCode: r.creditCode, name: r.agencyName, zone: r.zone, state: .new,
                                   receivedAt: r.firstReceivedAt, contact: nil, phone: nil))
        }
        let counts = Self.counts(zones: zoneIDs, expected: expected.map { ($0.creditCode, $0.zone) },
                                 received: received.map { r in (r.creditCode, r.zone, due.map { r.firstReceivedAt > $0 } ?? false) })
        let order = Dictionary(uniqueKeysWithValues: zoneIDs.enumerated().map { ($1, $0) })
        agencies.sort { (order[$0.zone] ?? 0, $0.creditCode) < (order[$1.zone] ?? 0, $1.creditCode) }
        return Result(period: period, previous: before, asOf: asOf, due: due, registry: !registered.isEmpty, agencies: agencies,
                      counts: counts)
    }

    /// The counts per zone of `zones` (then the total, when more than one): each expected agency in its zone,
    /// received (late) when it filed, else missing; an agency that filed but was not expected is new, in the zone
    /// of its return. The first filing of a code counts.
    static func counts<Code: Hashable>(zones zoneIDs: [String], expected: [(code: Code, zone: String)],
                                       received: [(code: Code, zone: String, late: Bool)]) -> [Count] {
        var counts = Dictionary(uniqueKeysWithValues: zoneIDs.map { ($0, Count(zone: $0)) })
        // Only the expected codes are looked up in a table, and a zone is hashed when it is not the last one's:
        // a national year's million filings, each put in a table of filings and its zone hashed, were 0.3 s.
        let expectedCodes = Set(expected.map(\.code))
        var late: [Code: Bool] = [:]
        var zone = "", newInZone = 0
        func flush() { if newInZone > 0 { counts[zone, default: Count(zone: zone)].new += newInZone; newInZone = 0 } }
        for r in received {
            if expectedCodes.contains(r.code) {
                if late[r.code] == nil { late[r.code] = r.late }
                continue
            }
            if r.zone != zone { flush(); zone = r.zone }
            newInZone += 1
        }
        flush()
        for e in expected {
            counts[e.zone, default: Count(zone: e.zone)].expected += 1
            if let l = late[e.code] {
                counts[e.zone, default: Count(zone: e.zone)].received += 1
                if l { counts[e.zone, default: Count(zone: e.zone)].late += 1 }
            } else {
                counts[e.zone, default: Count(zone: e.zone)].missing += 1
            }
        }
        var total = Count(zone: "all")
        for c in counts.values {
            total.expected += c.expected; total.received += c.received; total.late += c.late; total.missing += c.missing; total.new += c.new
        }
        return zoneIDs.map { counts[$0, default: Count(zone: $0)] } + (zoneIDs.count > 1 ? [total] : [])
    }

    /// The counts of `evaluate` (no due date) from the agencies of returns already read: `previous` and `filed`
    /// those with a current return of the period before and of `period` in `zones` as of `asOf`, which are the
    /// filings of those periods; the registry is read from the archive. A national report reads a million filings less.
    public static func counts(_ archive: Archive, period: Period, zones zoneIDs: [String], asOf: String,
                              previous: AgencyDirectory, filed: AgencyDirectory) throws -> [Count] {
        // Codes as numbers (no string per return); a registry code that is not a valid credit code (nil) cannot
        // have filed, and is expected and missing all the same.
        var expected: [(code: CreditCode?, zone: String)] = previous.indices.map { (previous.code(at: $0), previous.zone(at: $0)) }
        let filedBefore = Set(expected.compactMap(\.code))
        for a in try archive.registry(asOf: asOf) where zoneIDs.contains(a.zone) && a.isResident(during: period) {
            let code = CreditCode(a.creditCode)
            if let code, filedBefore.contains(code) { continue }
            expected.append((code, a.zone))
        }
        return counts(zones: zoneIDs, expected: expected, received: filed.indices.map { (filed.code(at: $0), filed.zone(at: $0), false) })
    }
}
