import Foundation
import SurveyArchive
import SurveyCore
import SurveyStatistics

/// Reading what Statistics needs from the archive.
public enum StatisticsInput {
    /// The stored form of an `--as-of`, the end of time when none is given.
    public static func asOf(_ text: String?) throws -> String {
        guard let text else { return Timestamp.end }
        guard let t = Timestamp.parse(text) else { throw UsageError("--as-of: not a date or time: \(text)") }
        return t
    }

    /// The zones of the archive at `asOf` that `selected` names (all of them when it names none), in the archive's
    /// order; a zone id it does not know is a usage error listing the valid ones.
    public static func zones(_ archive: Archive, selected: [String], asOf: String) throws -> [Zone] {
        let known = try archive.zones(asOf: asOf)
        for z in selected where !known.contains(where: { $0.id == z }) {
            throw UsageError("unknown zone '\(z)'; valid: \(known.map(\.id).joined(separator: ", "))")
        }
        return selected.isEmpty ? known : known.filter { selected.contains($0.id) }
    }

    /// The returns and regional figures a request needs: only the number fields its indicators read, and last
    /// year's returns only when one compares with them.
    /// `more` are number fields read beside the indicators' (a release's measures, to check it on the same read).
    public static func dataset(_ archive: Archive, period: Period, zones: [String], asOf: String, indicators: [Indicator],
                               more: Set<String> = []) throws -> Dataset {
        let ids = try self.zones(archive, selected: zones, asOf: asOf).map(\.id)
        let fields = indicators.reduce(into: more) { $0.formUnion($1.fields) }
        // This year and last year are read side by side, on two connections (the machine has 2 cores).
        let periods = indicators.contains(where: \.needsPreviousYear) ? [period, period.previousYear] : [period]
        let read = ParallelResults<[SurveyReturn]>(count: periods.count)
        DispatchQueue.concurrentPerform(iterations: periods.count) { i in
            read.set(i, Result { try archive.returns(periods: [periods[i]], zones: ids, asOf: asOf, names: false, fields: fields) })
        }
        let results = try read.values.map { try $0.get() }
        return Dataset(period: period, returns: results[0], previous: results.count > 1 ? results[1] : [],
                       regional: try archive.regional(asOf: asOf), zones: ids)
    }
}


/// An option the user gave that cannot be used: the command line reports it as a usage error (exit 2).
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
