#if canImport(Glibc)
import Glibc
#endif

// The fuzz target of the reader (issue 14): libFuzzer through `swiftc -sanitize=fuzzer,address`, compiled into
// one module with SurveyCore's sources (scripts/fuzz), so it reaches the reader behind `SurveyFile.records`.
//
// For every input it decodes the bytes in each encoding (UTF-8, UTF-8 with BOM, GB18030), splits them into
// records and checks every row against the returns form — and does so three ways: the bytes whole, cut at
// points chosen from the input, and one byte at a time. The three must give the same records, the same
// undecodable bytes and the same findings; any difference, crash, hang or memory error is a finding of the
// fuzzer. The first byte of an input picks the encoding and whether a valid returns header goes first (so the
// row checker is reached by most inputs).

/// Everything one reading produced, in order, as comparable text.
private func read(_ input: [UInt8], encoding: TextEncoding, cuts: [Int]) -> [String] {
    var out: [String] = []
    var checker: RowChecker? = nil
    var header = true
    do {
        try input.withUnsafeBufferPointer { all in
            try SurveyFile.records(encoding: encoding, label: "fuzz", chunks: { feed in
                var start = 0
                for cut in cuts + [all.count] where cut > start && cut <= all.count {
                    try feed(UnsafeBufferPointer(rebasing: all[start..<cut]))
                    start = cut
                }
            }, observe: { _ in }) { record, decoding in
                out.append("R \(record.line)-\(record.endLine) \(record.strings) \(record.issues)")
                out.append("D \(decoding.map { "\($0.offset)@\($0.line):\($0.byte)" })")
                if header {
                    header = false
                    if let kind = HeaderMap.recognise(record.strings) {
                        let map = HeaderMap(headers: record.strings, form: .of(kind))
                        out.append("H \(kind) \(map.findings.map(\.code))")
                        checker = RowChecker(form: .of(kind), header: map, zones: fuzzZones, encoding: encoding, expectedRows: 16)
                    }
                    return
                }
                if let checker {
                    let row = checker.check(record, decoding: decoding)
                    out.append("C \(row.isRejected) \(row.findings.map { "\($0.code)@\($0.line ?? 0):\($0.column ?? 0)=\($0.value ?? "")" }) \(row.values.count)")
                }
            }
        }
    } catch {
        out.append("E \(error)")
    }
    return out
}

private let fuzzZones = ZoneDirectory([
    Zone(id: "quanshan", name: Bilingual("徐州市泉山区", "Quanshan District, Xuzhou"), level: "national_pilot", city: "徐州市",
         divisionCode: "320311", planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2026, month: 12, day: 31)!,
         planDocument: "徐政办发〔2024〕8号"),
])

/// `IPSURVEY_FUZZ_WHOLE=1`: read each input once, whole — to measure the reader's own cost per execution.
private let wholeOnly = getenv("IPSURVEY_FUZZ_WHOLE") != nil

private let returnsHeader = Array((Form.returns.fields.map(\.id).joined(separator: ",") + "\n").utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0]
    var input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let encoding: TextEncoding = [.utf8, .utf8BOM, .gb18030][Int(mode % 3)]
    if mode & 0x04 != 0 { input = returnsHeader + input }
    if encoding == .utf8BOM && mode & 0x08 != 0 { input = [0xEF, 0xBB, 0xBF] + input }

    let whole = read(input, encoding: encoding, cuts: [])
    if wholeOnly { return 0 }
    // Cut points from the input itself: deterministic, and different for every input.
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in input.prefix(64) { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    var cuts: [Int] = []
    if !input.isEmpty {
        for k in 0..<4 { cuts.append(Int((h >> (UInt64(k) * 16)) & 0xFFFF) % input.count) }
    }
    let split = read(input, encoding: encoding, cuts: cuts.sorted())
    if split != whole { fatalError("split at \(cuts.sorted()) differs:\n\(diff(whole, split))") }
    if input.count <= 2048 {
        let bytewise = read(input, encoding: encoding, cuts: Array(0..<input.count))
        if bytewise != whole { fatalError("byte by byte differs:\n\(diff(whole, bytewise))") }
    }
    return 0
}

private func diff(_ a: [String], _ b: [String]) -> String {
    for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
        return "whole: \(i < a.count ? a[i] : "—")\nother: \(i < b.count ? b[i] : "—")"
    }
    return "(same)"
}
