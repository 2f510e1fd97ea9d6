import XCTest
@testable import SurveyCore

final class AgencyDirectoryTests: XCTestCase {
    /// A name written from its bytes is the cell `CSVText.cell` makes of it, whatever it holds: formulas,
    /// quotes, commas, line breaks, control and bidi characters, bytes that are not UTF-8.
    func testCellFromBytesIsTheCellOfTheText() {
        let names: [[UInt8]] = [
            "宿迁示例知识产权代理有限公司", "", "A, B and C", "say \"hi\"", "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0",
            "-3.25", "-x", "@SUM(A1)", "two\r\nlines", "tab\there", "esc\u{1B}[31m", "bidi\u{202E}txet", "c1\u{85}", "\u{FFFE}",
            "名称，全角逗号", "\t=1",
        ].map { Array($0.utf8) } + [[0xE5, 0xAE], [0x41, 0xFF, 0x42], [0x22, 0xC0, 0x80]]
        for bytes in names {
            var out: [UInt8] = []
            bytes.withUnsafeBufferPointer { CSVText.appendCell($0, to: &out) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), CSVText.cell(String(decoding: bytes, as: UTF8.self)), "\(bytes)")
        }
    }

    /// Sorted by zone, then by the name's bytes (code point order), then by credit code; runs and brand counts
    /// per zone follow.
    func testSortedByZoneAndName() throws {
        let codes = ["91320100MA1X00001C", "91320100MA1X00002F", "91320100MA1X00003J", "91320100MA1X00004M", "91320100MA1X00005Q"]
            .compactMap { CreditCode($0) }
        XCTAssertEqual(codes.count, 5, "the test's codes are valid")
        let agencies = [
            AgencyDirectory.Agency(zone: "sy", name: "宿迁示例知识产权代理有限公司乙分公司甲", brandLevel: "none", creditCode: codes[0]),
            AgencyDirectory.Agency(zone: "qs", name: "Zeta", brandLevel: "national", creditCode: codes[1]),
            AgencyDirectory.Agency(zone: "sy", name: "宿迁示例知识产权代理有限公司乙分公司", brandLevel: "provincial", creditCode: codes[2]),
            AgencyDirectory.Agency(zone: "qs", name: "Alpha", brandLevel: "none", creditCode: codes[4]),
            AgencyDirectory.Agency(zone: "qs", name: "Alpha", brandLevel: "none", creditCode: codes[3]),
        ]
        let sorted = AgencyDirectory(agencies).sortedByZoneAndName()
        let expected = agencies.sorted {
            $0.zone != $1.zone ? $0.zone < $1.zone
                : $0.name != $1.name ? $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) : $0.creditCode < $1.creditCode
        }
        XCTAssertEqual(Array(sorted), expected)
        XCTAssertEqual(sorted.runsByZone, ["qs": [0..<3], "sy": [3..<5]])
        XCTAssertEqual(sorted.brandCounts(at: [0..<3]), ["none": 2, "national": 1])
        XCTAssertEqual(sorted.brandCounts(at: [3..<5]), ["none": 1, "provincial": 1])
        var joined = AgencyDirectory(agencies.prefix(2))
        joined.append(contentsOf: AgencyDirectory(agencies.dropFirst(2)))
        XCTAssertEqual(Array(joined), agencies)
    }

    /// Many agencies sharing long beginnings of names (beyond the 32 bytes compared as integers), in two halves
    /// sorted apart and merged: the order of one plain sort. A sorted directory keeps its order when more are
    /// appended to it or it is appended to another.
    func testAThousandNamesSortAsOnePlainSortAndKeepTheirOrderWhenJoined() throws {
        var state: UInt64 = 7
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        func code() -> CreditCode {
            while true {
                let body = String((0..<17).map { _ in alphabet[next(alphabet.count)] })
                for last in alphabet { if let c = CreditCode(body + String(last)) { return c } }
            }
        }
        let stems = ["宿迁示例知识产权代理有限公司分所", "宿迁示例知识产权代理有限公司", "无锡示例", "Alpha", ""]
        let agencies = (0..<1001).map { _ in
            AgencyDirectory.Agency(zone: ["sy", "qs", "bh"][next(3)], name: stems[next(stems.count)] + (next(3) == 0 ? "" : "\(next(40))"),
                                   brandLevel: ["none", "provincial", "national"][next(3)], creditCode: code())
        }
        func plain(_ list: [AgencyDirectory.Agency]) -> [AgencyDirectory.Agency] {
            list.sorted {
                $0.zone != $1.zone ? $0.zone < $1.zone
                    : $0.name != $1.name ? $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) : $0.creditCode < $1.creditCode
            }
        }
        let sorted = AgencyDirectory(agencies).sortedByZoneAndName()
        XCTAssertEqual(Array(sorted), plain(agencies))
        XCTAssertEqual(sorted.indices.map { sorted.code(at: $0) }, plain(agencies).map(\.creditCode))
        let head = Array(agencies.prefix(10))
        var after = sorted
        after.append(contentsOf: AgencyDirectory(head))
        after.append(zone: "zz", name: "Last", brandLevel: "none", creditCode: agencies[0].creditCode)
        XCTAssertEqual(Array(after), plain(agencies) + head + [AgencyDirectory.Agency(zone: "zz", name: "Last", brandLevel: "none", creditCode: agencies[0].creditCode)])
        var before = AgencyDirectory(head)
        before.append(contentsOf: sorted)
        XCTAssertEqual(Array(before), head + plain(agencies))
        XCTAssertEqual(before.sortedByZoneAndName().map(\.name), plain(head + agencies).map(\.name))
        let runs = sorted.runsByZone
        XCTAssertEqual(runs.keys.sorted(), ["bh", "qs", "sy"])
        XCTAssertEqual(runs.values.flatMap { $0 }.reduce(0) { $0 + $1.count }, agencies.count)
        for (zone, ranges) in runs { for r in ranges { for i in r { XCTAssertEqual(sorted.zone(at: i), zone) } } }
    }
}
