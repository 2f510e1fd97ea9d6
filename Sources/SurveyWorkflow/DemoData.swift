import Foundation
import SurveyCore
import SurveyWorkbook

/// The demo data set of `input/`.
public enum DemoData {
    /// The file of the demo that comes as a workbook: one agency's 2025 return, sent as agencies mostly send them.
    public static let workbookPath = "returns/2025/binhu-agency-return.xlsx"

    /// The generator's demo files, with the last return of 滨湖's 2025 file taken out of it and sent instead as
    /// that agency would: the blank form's workbook, filled in (the figures are the same; one file more).
    public static func files(_ generator: SampleGenerator) throws -> [(path: String, bytes: Data)] {
        var out: [(path: String, bytes: Data)] = []
        let demo = generator.demo()
        let zones = demo.first { $0.path == "zones.csv" }.map { zonesOf($0.bytes) } ?? []
        for file in demo {
            guard file.path == "returns/2025/binhu.csv" else { out.append((file.path, Data(file.bytes))); continue }
            // The file's lines end in CRLF; its last line is the return that goes into the workbook.
            let bytes = file.bytes
            let end = bytes.count >= 2 && bytes[bytes.count - 2] == 0x0D ? bytes.count - 2 : bytes.count
            guard let lf = bytes[..<end].lastIndex(of: 0x0A), let first = bytes.firstIndex(of: 0x0D) else {
                out.append((file.path, Data(file.bytes))); continue
            }
            let last = String(decoding: bytes[(lf + 1)..<end], as: UTF8.self)
            out.append((file.path, Data(bytes[...lf])))
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let header = CSVText.cells(of: String(decoding: bytes[bom..<first], as: UTF8.self))
            out.append((workbookPath, try FormWorkbook.data(kind: .returns, language: .zh, zones: zones, columns: header,
                                                            filled: [CSVText.cells(of: last)])))
        }
        return out.sorted { $0.path < $1.path }
    }

    private static func zonesOf(_ bytes: [UInt8]) -> [Zone] {
        var zones: [Zone] = []
        bytes.withUnsafeBufferPointer { b in
            var header: HeaderMap? = nil
            try? SurveyFile.records(bytes: b, encoding: .utf8) { record, _ in
                guard let map = header else { header = HeaderMap(headers: record.strings, form: .zones); return }
                let row = RowChecker(form: .zones, header: map, zones: .empty, encoding: .utf8, expectedRows: 8).check(record)
                if !row.isRejected, let z = Zone(form: .zones, values: row.values) { zones.append(z) }
            }
        }
        return zones
    }
}
