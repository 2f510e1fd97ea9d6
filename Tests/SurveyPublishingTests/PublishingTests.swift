import Foundation
import XCTest
@testable import SurveyCore
@testable import SurveyPublishing
@testable import SurveyStatistics

final class NumberFormatTests: XCTestCase {
    let zh = NumberFormat(.zh), en = NumberFormat(.en)

    func testChineseWay() {
        XCTAssertEqual(NumberFormat.grouped(Decimal(string: "1234567.895")!, scale: 2), "1,234,567.90", "half away from zero")
        XCTAssertEqual(NumberFormat.grouped(Decimal(string: "-1234.5")!, scale: 0), "-1,235")
        XCTAssertEqual(zh.money(Decimal(string: "8765.432")!), "8,765.43万元")
        XCTAssertEqual(zh.money(Decimal(string: "131734.3")!), "13.17亿元")
        XCTAssertEqual(en.money(Decimal(string: "8765.432")!), "CNY 87.65 million")
        XCTAssertEqual(en.money(Decimal(string: "131734.3")!), "CNY 1.32 billion")
        XCTAssertEqual(zh.money(Decimal(string: "8765.432")!, large: zh.isLarge([8765, 390_627])), "0.88亿元", "one unit in a sentence")
        XCTAssertEqual(en.money(Decimal(string: "8765.432")!, large: en.isLarge([8765, 390_627])), "CNY 0.09 billion")
        XCTAssertEqual(zh.percent(Decimal(string: "0.8523")!), "85.2%")
        XCTAssertEqual(zh.change(Decimal(string: "0.1234")!), "+12.3%")
        XCTAssertEqual(zh.change(Decimal(string: "-0.045")!), "-4.5%")
        XCTAssertEqual(zh.change(0), "0.0%")
        XCTAssertEqual(zh.points(Decimal(string: "0.012")!), "+1.2个百分点")
        XCTAssertEqual(en.points(Decimal(string: "-0.012")!), "-1.2 pp")
        // In a sentence a change is said in words: no "比上年+13.1%", no "增长-3.2%".
        XCTAssertEqual(zh.changePhrase(Decimal(string: "0.131")!), "增长13.1%")
        XCTAssertEqual(zh.changePhrase(Decimal(string: "-0.032")!), "下降3.2%")
        XCTAssertEqual(zh.changePhrase(Decimal(string: "0.0004")!), "持平")
        XCTAssertEqual(zh.pointsPhrase(Decimal(string: "0.113")!), "提高11.3个百分点")
        XCTAssertEqual(en.changePhrase(Decimal(string: "0.233")!), "up 23.3%")
        XCTAssertEqual(en.pointsPhrase(Decimal(string: "-0.012")!), "down 1.2 pp")
        XCTAssertEqual(NumberFormat.machine(Decimal(string: "12.345")!, .money), "12.35")
        XCTAssertEqual(NumberFormat.machine(Decimal(string: "0.85234")!, .ratio), "0.8523")
    }
}

/// A small view model for lint tests.
struct Page: Decodable {
    struct Item: Decodable { let name: String; let flag: Bool }
    let title: String
    let items: [Item]
    let chart: Markup
}

final class TemplateLintTests: XCTestCase {
    func lint(_ text: String, partials: [String: String] = [:]) -> [TemplateProblem] {
        TemplateLint.lint("page", templates: partials.merging(["page": text]) { a, _ in a }, model: Skeleton.make(Page.self))
    }

    func testKnownFieldsPass() {
        XCTAssertEqual(lint("<h1>{{title}}</h1>\n{{#items}}<li>{{name}}{{#flag}}!{{/flag}} {{title}}</li>{{/items}}\n{{{chart}}}{{! note }}").map(\.description), [])
    }

    func testATypoIsAnErrorWithItsLine() {
        let problems = lint("<h1>{{title}}</h1>\n<p>\n{{#items}}\n<li>{{nmae}}</li>\n{{/items}}")
        XCTAssertEqual(problems.map(\.description), ["page:4: unknown field 'nmae' (inside section 'items')"])
    }

    func testFieldsInsideAListAreCheckedEvenWhenTheDataHasNone() {
        // The skeleton gives every list one element, so a typo inside a section is found whatever the data.
        XCTAssertEqual(lint("{{#items}}{{nme}}{{/items}}").count, 1)
    }

    func testUnknownPartialAndUnclosedSection() {
        XCTAssertEqual(lint("{{> missing}}").map(\.message), ["unknown partial 'missing'"])
        XCTAssertEqual(lint("{{#items}}\n{{name}}").map(\.message), ["section 'items' is not closed"])
        XCTAssertEqual(lint("{{> row}}", partials: ["row": "{{titel}}"]).map(\.description), ["row:1: unknown field 'titel'"])
    }

    // Issue 14, point 8: a partial that includes itself, directly or through another, used to crash the
    // renderer (SIGSEGV); the lint names the cycle and nothing is rendered.
    func testRecursivePartialsAreAnErrorNotACrash() throws {
        XCTAssertEqual(lint("{{> partials/loop}}", partials: ["partials/loop": "{{title}}{{> partials/loop}}"]).map(\.description),
                       ["partials/loop:1: partial 'partials/loop' includes itself (partials/loop → partials/loop); the rendering would never end"])
        XCTAssertEqual(lint("{{> a}}", partials: ["a": "{{#items}}{{> b}}{{/items}}", "b": "\n{{> a}}"]).map(\.description),
                       ["b:2: partial 'a' includes itself (a → b → a); the rendering would never end"])
        // Through the renderer, as `report` calls it: a lint failure, not a crash.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipsurvey-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try "{{> partials/loop}}".write(to: dir.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        try "{{> partials/loop}}".write(to: dir.appendingPathComponent("partials/loop.mustache"), atomically: true, encoding: .utf8)
        let set = try TemplateSet(directory: dir.path)
        XCTAssertThrowsError(try set.render("page", model: Page(title: "t", items: [], chart: Markup("")))) { error in
            XCTAssertTrue(error is TemplateLintFailure, "\(error)")
        }
    }

    func testOnlyDrawnMarkupMayBePrintedUnescaped() {
        XCTAssertEqual(lint("{{{title}}}").count, 1)
        XCTAssertEqual(lint("{{#items}}{{& name}}{{/items}}").count, 1)
        XCTAssertEqual(lint("{{{chart}}}").count, 0)
    }

    func testTheShippedTemplatesPass() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates").path
        let set = try TemplateSet(directory: dir)
        for name in [WhitePaper.htmlTemplate(.zh), WhitePaper.htmlTemplate(.en), WhitePaper.xmlTemplate] {
            XCTAssertEqual(TemplateLint.lint(name, templates: set.texts, model: Skeleton.make(WhitePaperView.self)).map(\.description), [], name)
        }
    }
}

final class XMLCheckTests: XCTestCase {
    let xsd = Data("""
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:element name="r"><xs:complexType><xs:sequence>
        <xs:element name="v" type="xs:decimal" maxOccurs="unbounded"/>
      </xs:sequence></xs:complexType></xs:element>
    </xs:schema>
    """.utf8)

    func testValidAndInvalidWithLineNumbers() {
        XCTAssertEqual(XMLCheck.validate(xml: "<r>\n<v>1.5</v>\n</r>", xsd: xsd), [])
        let problems = XMLCheck.validate(xml: "<r>\n<v>1.5</v>\n<v>abc</v>\n</r>", xsd: xsd)
        XCTAssertEqual(problems.map(\.line), [3], "\(problems)")
        XCTAssertFalse(XMLCheck.validate(xml: "<r><v>1</r>", xsd: xsd).isEmpty, "not well-formed")
        XCTAssertFalse(XMLCheck.validate(xml: "<r/>", xsd: Data("<xs:schema".utf8)).isEmpty, "a broken schema is a problem, not a pass")
    }

    func testHTMLCheckIgnoresHTML5TagsButNotMismatches() {
        XCTAssertEqual(XMLCheck.checkHTML("<!DOCTYPE html><html><body><main><section><p>a &amp; b</p></section></main></body></html>"), [])
        XCTAssertFalse(XMLCheck.checkHTML("<!DOCTYPE html><html><body><div><span>a</div></span></body></html>").isEmpty)
    }
}

final class ChartTests: XCTestCase {
    func testTextIsEscapedAndSuppressedBarsAreNotDrawn() {
        let svg = SVGChart.bars(id: "c", title: "T<&>", valueAxis: "万元", categoryAxis: "集聚区", bars: [
            .init(label: "<script>alert(1)</script>", value: 10, text: "10"),
            .init(label: "R&D", value: nil, text: "—"),
        ]).html
        XCTAssertFalse(svg.contains("<script>"))
        XCTAssertTrue(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && svg.contains("R&amp;D") && svg.contains("T&lt;&amp;&gt;"))
        XCTAssertEqual(svg.components(separatedBy: "<rect").count - 1, 1, "one bar: the suppressed one is not drawn")
        XCTAssertTrue(svg.contains("<title") && svg.contains("<desc"))
    }
}

final class DirectLookupTests: XCTestCase {
    /// `AgencyView`'s fast lookup answers every field `Mirror` (and so the template lint) sees, with the same value.
    func testAgencyViewLookupMatchesMirror() {
        let a = AgencyView(zone: "quanshan", brandID: "provincial", name: "<script>", hasBrand: true, brand: "省级",
                           hasGrade: true, gradeID: "A", grade: "A 一级")
        let fields = Mirror(reflecting: a).children.compactMap(\.label)
        XCTAssertEqual(fields.count, 8)
        for f in fields {
            XCTAssertEqual("\(a.child(named: f) ?? "missing")", "\(Mirror(reflecting: a).children.first { $0.label == f }!.value)", f)
        }
        XCTAssertNil(a.child(named: "phone"))
    }
}

final class PublicationTests: XCTestCase {
    func testTheRunningHeadIsACSSStringNothingCanEnd() {
        XCTAssertEqual(WhitePaperBuilder.cssString("2025年白皮书"), "\"2025年白皮书\"")
        XCTAssertEqual(WhitePaperBuilder.cssString("a\"b\\c</style>"), "\"a\\22 b\\5c c\\3c \\2f style\\3e \"")
    }

    func testSettingsKeysInEitherLanguageAndTheYear() throws {
        let s = try Publication.settings("# c\n标题 = {年份}年白皮书\ntitle = White Paper {year}\n发布日期 = 2026-03-31\n", file: "s.txt", year: 2025)
        XCTAssertEqual(s.title, Bilingual("2025年白皮书", "White Paper 2025"))
        XCTAssertEqual(s.date, "2026-03-31")
        XCTAssertThrowsError(try Publication.settings("标题 = a\n标题 = b\n", file: "s.txt", year: 2025)) { e in
            XCTAssertEqual((e as? Publication.Problem)?.line, 2)
        }
        XCTAssertThrowsError(try Publication.settings("标题\n", file: "s.txt", year: 2025))
        XCTAssertThrowsError(try Publication.text(Data([0xC4, 0xE3]), file: "gbk.txt"), "GBK is refused with a message, not misread")
    }

    func testCommentaryTextBeforeASectionIsAProblem() {
        XCTAssertThrowsError(try Publication.commentary("引言\n## 前言\n", file: "c.md", language: .zh)) { e in
            XCTAssertEqual((e as? Publication.Problem)?.line, 1)
        }
        XCTAssertEqual(try Publication.commentary("## Foreword\n```\n## not a section\n```\n", file: "c.md", language: .en).foreword,
                       "<pre><code>## not a section\n</code></pre>")
        XCTAssertEqual(Publication.markdown("`a & \"b\" <c>` & <d>"), "<p><code>a &amp; &quot;b&quot; &lt;c&gt;</code> &amp; &lt;d&gt;</p>",
                       "escaped once, in code as in text")
    }
}

final class DirectoryFileTests: XCTestCase {
    /// The directory file made a piece at a time is the same bytes whatever the pieces' size, each piece at most
    /// a line longer than asked; one BOM, CRLF lines, names neutralised for Excel.
    func testTheDirectoryFileIsTheSameBytesInPiecesOfAnySize() throws {
        let codes = ["91320100MA1X00001C", "91320100MA1X00002F", "91320100MA1X00003J"].compactMap { CreditCode($0) }
        XCTAssertEqual(codes.count, 3)
        let zones = ["sy", "qs"].map { Zone(id: $0, name: Bilingual("区\($0)", "Zone \($0)"), level: "provincial", city: "", divisionCode: "320000",
                                           planStart: SimpleDate(year: 2024, month: 1, day: 1)!, planEnd: SimpleDate(year: 2027, month: 12, day: 31)!, planDocument: "") }
        let directory = AgencyDirectory([
            .init(zone: "qs", name: "=HYPERLINK(\"x\")", brandLevel: "national", creditCode: codes[0]),
            .init(zone: "sy", name: "甲,乙", brandLevel: "none", creditCode: codes[1]),
            .init(zone: "sy", name: "丙", brandLevel: "provincial", creditCode: codes[2]),
        ]).sortedByZoneAndName()
        let file = DirectoryFile(zones: zones, directory: directory, grades: nil, language: .zh)
        let whole = file.bytes
        let text = String(decoding: whole, as: UTF8.self)
        XCTAssertTrue(whole.starts(with: [0xEF, 0xBB, 0xBF]))
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        XCTAssertEqual(lines.count, 5, text)
        XCTAssertEqual(Array(lines.prefix(4)), ["所在集聚区,机构名称,品牌机构级别", "区sy,丙,省级", "区sy,\"甲,乙\",无", "区qs,\"'=HYPERLINK(\"\"x\"\")\",国家级"])
        for size in [1, 7, 40, 1 << 20] {
            var pieces: [[UInt8]] = []
            try file.write(pieceSize: size) { pieces.append(Array($0)) }
            XCTAssertEqual(Data(pieces.joined()), whole, "pieces of \(size)")
            let longest = 2 * lines.map { $0.utf8.count + 2 }.max()! + 3     // the header, a line and the BOM
            for p in pieces { XCTAssertLessThanOrEqual(p.count, size + longest, "pieces of \(size)") }
        }
    }
}
