import Foundation

extension SampleGenerator {
    /// A national-census shaped data set: `rows` returns of one year in one file (`returns/returns-YEAR.csv`),
    /// every field filled (a field the agency has nothing to report is 0), and one agency name in ten holding a
    /// comma and quotes (`"…示例""慧衡"",华诚…"` on disk), so a reader must get quoting right; with zones.csv,
    /// targets.csv and regional/ as `write(rows:to:)` writes them. The shape of the single-file benchmark.
    public func writeOneYear(rows: Int, year: Int, to directory: String) throws {
        var rng = SplitMix64(seed: seed)
        let fm = FileManager.default
        let put = try Self.startDataSet(in: directory)
        let path = (directory as NSString).appendingPathComponent("returns/returns-\(year).csv")
        guard fm.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw FileReadError(path: path, reason: "cannot create")
        }
        var buffer = Array((Self.csvLine(Form.returns.fields.map(\.id)) + "\n").utf8)
        buffer.reserveCapacity(1 << 21)
        var local = [Int](repeating: 0, count: 3), tmLocal = [Int](repeating: 0, count: 3)
        var serial = 0
        let total = Self.zoneModels.reduce(0) { $0 + $1.agencies2025 }
        let breakdown = 8..<15
        for z in 0..<3 {
            let count = z == 2 ? max(0, rows - serial) : rows * Self.zoneModels[z].agencies2025 / total
            for _ in 0..<count {
                var a = Self.makeAgencies(count: 1, zone: z, rng: &rng, serial: &serial)[0]
                if serial % 10 == 0 {
                    a.name = a.name.replacingOccurrences(of: "示例", with: "示例\"").replacingOccurrences(of: "（", with: "\",分所（")
                }
                var row = Self.returnRow(a, year: year, rng: &rng)
                if row[breakdown].allSatisfy(\.isEmpty) { row[8 + a.types[0]] = row[7] }
                for i in row.indices where row[i].isEmpty { row[i] = "0" }
                row.append(Choices.provinceDesignation.options[serial % 3].id)
                local[z] += Int(row[25]) ?? 0
                tmLocal[z] += Int(row[29]) ?? 0
                buffer += Self.csvLine(row).utf8
                buffer.append(0x0A)
                if buffer.count > 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
            }
        }
        handle.write(Data(buffer))
        try handle.close()
        var regional = ["zone,period,indicator,value,source"]
        for z in 0..<3 {
            regional += Self.regionalRows(zone: z, year: year, localPatents: local[z], localTrademarks: tmLocal[z], rng: &rng).map(Self.csvLine)
        }
        try put("regional/regional.csv", regional.joined(separator: "\n") + "\n")
    }
}
