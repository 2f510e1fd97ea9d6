import Foundation
import SurveyCore
import SurveyPublishing
import XCTest

/// `ipsurvey` (run), and `ipsurvey report`, on the demo data: what an office publishes.
final class ReportCommandTests: XCTestCase {
    /// `ipsurvey` with no subcommand, once, into a temporary archive and output folder.
    static let first: (dir: URL, result: RunResult?) = {
        let dir = temporaryDirectory()
        let r = try? ipsurvey(["--archive", dir.appendingPathComponent("a.sqlite").path, "--out", dir.path],
                              environment: ["SOURCE_DATE_EPOCH": "1777593600"])   // 2026-05-01 08:00 China time
        return (dir, r)
    }()

    func read(_ dir: URL, _ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    var archive: String { Self.first.dir.appendingPathComponent("a.sqlite").path }

    func testRunIngestsAndWritesBothFiles() throws {
        let r = try XCTUnwrap(Self.first.result)
        XCTAssertEqual(r.status, 0, "the white paper was written; the demo's rejected rows are feedback, not a failure\n\(r.stderr)")
        XCTAssertTrue(r.text.contains("whitepaper-2025.html") && r.text.contains("whitepaper-2025.xml"), r.text)
        // Quiet: a newcomer sees a handful of lines, one per file with a problem and where its feedback went.
        let lines = (r.text + r.stderr).split(separator: "\n")
        XCTAssertLessThanOrEqual(lines.count, 12, r.text + r.stderr)
        let feedback = Self.first.dir.appendingPathComponent("feedback/returns-2025-supplement-quanshan-late-returns.feedback.csv")
        XCTAssertTrue(r.stderr.contains("quanshan-late-returns.csv：退回 11 行") && r.stderr.contains(feedback.path), r.stderr)
        let csv = try Data(contentsOf: feedback)
        XCTAssertEqual(Array(csv.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with BOM, for Excel")
        let text = String(decoding: csv, as: UTF8.self)
        XCTAssertTrue(text.contains("credit_code.checksum") && text.contains("credit_code.division_mismatch"), text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: feedback.deletingLastPathComponent().path).count, 1,
                       "only files with a finding get feedback")
        let html = try read(Self.first.dir, "whitepaper-2025.html")
        let xml = try read(Self.first.dir, "whitepaper-2025.xml")
        XCTAssertTrue(html.contains("2025年知识产权服务业集聚区发展白皮书"))
        // The cover: the issuing body, contact line and publication date of input/publication/settings.txt.
        XCTAssertTrue(html.contains("<div class=\"issuer\">示例发布单位（在 input/publication/settings.txt 中设置）</div>"), html)
        XCTAssertTrue(html.contains("<div class=\"date\">2026年3月31日</div>"))
        XCTAssertTrue(xml.contains("date=\"2026-03-31\""), "the publication date set, not the moment the files were copied")
        XCTAssertFalse(html.contains("本白皮书由 ipsurvey"), "the cover names the issuing body, not the tool")
        // The commentary of input/publication/commentary-2025.zh.md, rendered from Markdown.
        XCTAssertTrue(html.contains("<h2>前言</h2>\n<p><strong>（示例文字，请由发布单位撰写。）</strong>"), html)
        XCTAssertTrue(html.contains("<h2>存在问题与下一步</h2>") && html.contains("<li>服务机构和从业人员的规模变化；</li>"))
        XCTAssertTrue(html.contains("@top-center { content: \"2025年知识产权服务业集聚区发展白皮书\"; "), "the running head")
        // Editorial rules: the lines and what they leave add up to the 100 % of the total; a "—" or "…" is explained
        // under its table; a chart labels in the unit it names; a document number is not put in title marks.
        XCTAssertTrue(html.contains("<th scope=\"row\">未分业务板块的收入</th><td class=\"\">19,253.33</td><td class=\"\">14.6%</td>"), html)
        XCTAssertTrue(html.contains("<p class=\"table-note\">“—”：数据保密"))
        XCTAssertTrue(html.contains("单位：亿元") && !html.contains("单位：万元</span>"), "图1 labels in 亿元 and says so")
        XCTAssertTrue(html.contains("依据《宿迁市宿城区省级知识产权服务业集聚发展区建设工作方案》（宿区政办发〔2025〕5号）。") && !html.contains("《宿区政办发"), html)
        XCTAssertTrue(html.contains("营业收入<span class=\"unit\">（万元）</span>"), "a unit never wraps")
        XCTAssertTrue(html.contains("<th scope=\"row\">必填项「机构名称」为空，请填写。<span class=\"code\">agency_name.required</span>"),
                      "the data-quality appendix says what each rule checks, not only its code")
        XCTAssertFalse(html.contains("比上年+") || html.contains("增长+") || html.contains("增长-"))
        for outside in ["<link", "src=", "@import", "url(", "<script", "https://"] {
            XCTAssertFalse(html.contains(outside), "self-contained, no network: \(outside)")
        }
        for section in ["主要指标", "发展概况", "业务结构", "专利和商标代理", "知识产权金融服务", "服务创新主体", "规划目标完成情况",
                        "集聚区比较", "统计方法与指标说明", "数据质量", "数据来源与可追溯性"] {
            XCTAssertTrue(html.contains(section), section)
        }
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 5, "five charts")
        XCTAssertTrue(html.contains("收到行数 = 通过行数 + 退回行数"))
        XCTAssertTrue(html.contains("数据行1,145行，其中通过审核1,134行，退回11行"), "data quality: rows in = accepted + rejected")
        XCTAssertTrue(xml.contains("<totals files=\"23\" rows=\"1145\" accepted=\"1134\" rejected=\"11\" warnings=\"1\"/>"))
        XCTAssertFalse(html.contains("1999") && html.contains("联系电话"), "no personal data")
        XCTAssertFalse(html.contains("周伟") || xml.contains("周伟"), "a contact person of the demo data never appears")
    }

    func testXMLIsValidAgainstTheSchemaAndHTMLIsWellFormed() throws {
        _ = Self.first
        let xml = try read(Self.first.dir, "whitepaper-2025.xml")
        let xsd = try Data(contentsOf: packageRoot.appendingPathComponent("templates/whitepaper.xsd"))
        XCTAssertEqual(XMLCheck.validate(xml: xml, xsd: xsd), [])
        XCTAssertEqual(XMLCheck.checkHTML(try read(Self.first.dir, "whitepaper-2025.html")), [])
        XCTAssertTrue(xml.contains("<target zone=\"quanshan\" indicator=\"patent_agency_rate\""))
        XCTAssertTrue(xml.contains("indicator=\"revenue\" unit=\"万元\" conf_status=\"F\" value=\""))
    }

    func testNamesFromInputsAreEscapedInBoth() throws {
        _ = Self.first
        for name in ["whitepaper-2025.html", "whitepaper-2025.xml"] {
            let text = try read(Self.first.dir, name)
            XCTAssertTrue(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), name)
            XCTAssertFalse(text.contains("<script>alert(1)"), name)
            XCTAssertTrue(text.contains("R&amp;D &quot;创新&quot;"), name)
            XCTAssertFalse(text.contains("R&D \""), name)
        }
    }

    /// In 宿城 only one or two agencies report legal services: the white paper shows `—`, never the figure.
    func testAZoneWithOneOrTwoAgenciesInABusinessLineShowsADash() throws {
        _ = Self.first
        let truth = try ipsurvey(["query", "--period", "2025", "--by", "zone", "--metrics", "revenue_legal", "--no-suppress",
                                  "--format", "json", "--archive", archive])
        let rows = try XCTUnwrap((try JSONSerialization.jsonObject(with: truth.stdout) as? [String: Any])?["rows"] as? [[String: Any]])
        let sucheng = try XCTUnwrap(rows.first { $0["zone"] as? String == "sucheng" }?["revenue_legal"] as? Double)
        let suppressed = try ipsurvey(["query", "--period", "2025", "--by", "zone", "--metrics", "revenue_legal", "--format", "json", "--archive", archive])
        XCTAssertTrue(suppressed.text.contains("\"revenue_legal\":\"A\""), suppressed.text)

        let html = try read(Self.first.dir, "whitepaper-2025.html")
        let xml = try read(Self.first.dir, "whitepaper-2025.xml")
        let row = try XCTUnwrap(html.components(separatedBy: "\n").first { $0.contains("宿迁市宿城区") && $0.contains("<td class=\"conf\">—</td>") },
                                "the 宿城 row of the revenue-by-line table has a dash")
        let exact = NumberFormat.grouped(Decimal(sucheng), scale: 2)
        XCTAssertFalse(row.contains(exact), "the figure \(exact) is not published")
        XCTAssertFalse(html.contains(">\(exact)<"))
        XCTAssertTrue(xml.contains("<figure table=\"business_by_zone\" zone=\"sucheng\" period=\"2025\" indicator=\"revenue_legal\" unit=\"万元\" conf_status=\"A\"/>"))
        XCTAssertTrue(html.contains("数据保密"))
    }

    func testSameArchiveTemplatesAndOptionsGiveTheSameBytes() throws {
        _ = Self.first
        let a = temporaryDirectory(), b = temporaryDirectory()
        for dir in [a, b] {
            let r = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", dir.path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        for name in ["whitepaper-2025.html", "whitepaper-2025.xml"] {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(name)), try Data(contentsOf: b.appendingPathComponent(name)), name)
        }
        // Running the whole pipeline again changes nothing either: the files are already archived.
        let again = try ipsurvey(["--archive", archive, "--out", b.path], environment: ["SOURCE_DATE_EPOCH": "1777593600"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("quanshan-late-returns.csv：退回 11 行"), "feedback of a file stored by an earlier run, from the archive")
        XCTAssertEqual(try Data(contentsOf: Self.first.dir.appendingPathComponent("whitepaper-2025.xml")),
                       try Data(contentsOf: b.appendingPathComponent("whitepaper-2025.xml")))
    }

    func testATemplateTypoFailsWithItsLineAndWritesNothing() throws {
        _ = Self.first
        let templates = temporaryDirectory().appendingPathComponent("templates")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("templates"), to: templates)
        let file = templates.appendingPathComponent("whitepaper.html.mustache")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let n = try XCTUnwrap(lines.firstIndex { $0.contains("{{revenue.text}}") })
        lines[n] = lines[n].replacingOccurrences(of: "{{revenue.text}}", with: "{{revnue.text}}")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let out = temporaryDirectory()
        let r = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", out.path, "--templates", templates.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("whitepaper.html.mustache:\(n + 1): unknown field 'revnue.text'"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
    }

    func testXMLThatBreaksTheSchemaIsNotWritten() throws {
        _ = Self.first
        let templates = temporaryDirectory().appendingPathComponent("templates")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("templates"), to: templates)
        let file = templates.appendingPathComponent("whitepaper.xml.mustache")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "conf_status=\"{{conf}}\"", with: "conf_status=\"free\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let out = temporaryDirectory()
        let r = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", out.path, "--templates", templates.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("whitepaper-2025.xml:") && r.stderr.contains("conf_status"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
    }

    func testEnglishAndZoneReports() throws {
        _ = Self.first
        let out = temporaryDirectory()
        let en = try ipsurvey(["report", "--year", "2025", "--lang", "en", "--archive", archive, "--out", out.path])
        XCTAssertEqual(en.status, 0, en.stderr)
        let html = try read(out, "whitepaper-2025.html")
        XCTAssertTrue(html.contains("White Paper 2025") && html.contains("Target attainment") && html.contains("lang=\"en\""))
        XCTAssertTrue(html.contains("<div class=\"issuer\">Example issuing body (set in input/publication/settings.txt)</div>"))
        XCTAssertTrue(html.contains("<div class=\"date\">31 March 2026</div>") && html.contains("<h2>Highlights</h2>"))
        // The plans under their English titles (zones.csv plan_doc_en), the document number kept as issued.
        XCTAssertTrue(html.contains("under “Implementation Plan for Building the National Pilot Zone for High-Quality Clustering of IP Services in Quanshan District, Xuzhou” (徐政办发〔2024〕8号)."), html)
        XCTAssertTrue(html.contains("Under “Work Plan for Building the Provincial IP Service Industry Cluster Development Zone of Sucheng District” (宿区政办发〔2025〕5号), plan period"))
        XCTAssertFalse(html.contains("Agencies（agencies）") || html.contains("filings patent applications") || html.contains("up +"))
        let zone = try ipsurvey(["report", "--year", "2025", "--zone", "quanshan", "--archive", archive, "--out", out.path])
        XCTAssertEqual(zone.status, 0, zone.stderr)
        let xml = try read(out, "whitepaper-2025-quanshan.xml")
        XCTAssertTrue(xml.contains("<zone id=\"quanshan\"") && !xml.contains("<zone id=\"binhu\""))
        // The first year of data: no "同比…" or "up …" in the sentences, and the paper says why.
        let first = try ipsurvey(["report", "--year", "2023", "--archive", archive, "--out", out.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        let y2023 = try read(out, "whitepaper-2023.html")
        XCTAssertTrue(y2023.contains("（2023年为首个统计年度，无上年数据，不计算同比）"), y2023)
        XCTAssertFalse(y2023.contains("比上年…") || y2023.contains("同比…") || y2023.contains("class=\"kf-change\""))
        let bad = try ipsurvey(["report", "--year", "2025", "--zone", "gulou", "--archive", archive, "--out", out.path])
        XCTAssertEqual(bad.status, 2)
        // Two of three zones: their totals minus the all-zone paper's would give the third zone's hidden cells.
        let two = try ipsurvey(["report", "--year", "2025", "--zone", "sucheng", "--zone", "binhu", "--archive", archive, "--out", out.path])
        XCTAssertEqual(two.status, 2)
        XCTAssertTrue(two.stderr.contains("部分集聚区"), two.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("whitepaper-2025-sucheng-binhu.html").path))
    }

    /// What the office writes (input/publication/) is text: raw HTML in the commentary is shown, not run; a link
    /// may not run script and an image loads nothing. A misspelt setting or section stops the paper with its line.
    func testWhatTheOfficeWritesIsEscapedAndCheckedByLine() throws {
        _ = Self.first
        let input = temporaryDirectory(), out = temporaryDirectory()
        let folder = input.appendingPathComponent("publication")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "\u{FEFF}发布单位 = 某区<b>办公室</b> & \"局\"\n".write(to: folder.appendingPathComponent("settings.txt"), atomically: true, encoding: .utf8)
        try """
        ## 前言

        正文<script>alert(1)</script> & [链接](javascript:alert(2)) [官网](https://example.org/) ![图](http://example.org/x.png)
        <img src=x onerror=alert(3)>
        """.write(to: folder.appendingPathComponent("commentary-2025.zh.md"), atomically: true, encoding: .utf8)
        let r = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--input", input.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let html = try read(out, "whitepaper-2025.html")
        XCTAssertTrue(html.contains("<div class=\"issuer\">某区&lt;b&gt;办公室&lt;/b&gt; &amp; &quot;局&quot;</div>"), html)
        XCTAssertTrue(html.contains("正文&lt;script&gt;alert(1)&lt;/script&gt; &amp; <a>链接</a> <a href=\"https://example.org/\">官网</a> 图"), html)
        XCTAssertTrue(html.contains("&lt;img src=x onerror=alert(3)&gt;"))
        for live in ["<script>alert", "javascript:", "<img", "<b>办公室"] { XCTAssertFalse(html.contains(live), live) }
        XCTAssertEqual(XMLCheck.checkHTML(html), [])
        XCTAssertFalse(html.contains("<h2>发展特点</h2>"), "a section not written has no heading")

        try "发布单位 = 甲\n发布机关 = 乙\n".write(to: folder.appendingPathComponent("settings.txt"), atomically: true, encoding: .utf8)
        let typo = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--input", input.path, "--out", out.path])
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("settings.txt:2: 未知的设置“发布机关”"), typo.stderr)
        try "发布单位 = 甲\n发布日期 = 2026-02-30\n".write(to: folder.appendingPathComponent("settings.txt"), atomically: true, encoding: .utf8)
        let date = try ipsurvey(["report", "--year", "2025", "--lang", "en", "--archive", archive, "--input", input.path, "--out", out.path])
        XCTAssertTrue(date.status == 1 && date.stderr.contains("settings.txt:2: the date must be YYYY-MM-DD: 2026-02-30"), date.stderr)
        try "发布单位 = 甲\n".write(to: folder.appendingPathComponent("settings.txt"), atomically: true, encoding: .utf8)
        try "## 前言\n文字\n## 展望\n".write(to: folder.appendingPathComponent("commentary-2025.zh.md"), atomically: true, encoding: .utf8)
        let section = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--input", input.path, "--out", temporaryDirectory().path])
        XCTAssertEqual(section.status, 1)
        XCTAssertTrue(section.stderr.contains("commentary-2025.zh.md:3: 未知的章节“展望”；应为 ## 前言、## 发展特点、## 存在问题与下一步"), section.stderr)
    }

    /// A paper made from totals summed as its returns are read (none stored yet, or those stored gone) is the
    /// paper made from the totals stored beside its releases, byte for byte, and stores the same totals again.
    func testAPaperFromTotalsSummedAsReadIsThePaperFromTheStoredTotals() throws {
        _ = Self.first
        let dir = temporaryDirectory()
        let copy = dir.appendingPathComponent("a.sqlite").path
        try FileManager.default.copyItem(atPath: archive, toPath: copy)
        let listing = dir.appendingPathComponent("totals.txt")
        func totals() throws -> String {
            try python("""
                import sqlite3, hashlib; c = sqlite3.connect('\(copy)')
                rows = sorted((r[0], hashlib.sha256(r[1]).hexdigest()) for r in c.execute("SELECT release_id, totals FROM release_totals"))
                open('\(listing.path)', 'w').write(repr(rows))
                """)
            return try String(contentsOf: listing, encoding: .utf8)
        }
        func paper(_ name: String) throws -> (html: Data, xml: Data) {
            let out = dir.appendingPathComponent(name)
            let r = try ipsurvey(["report", "--year", "2025", "--archive", copy, "--out", out.path], environment: ["SOURCE_DATE_EPOCH": "1777593600"])
            XCTAssertEqual(r.status, 0, r.stderr)
            return (try Data(contentsOf: out.appendingPathComponent("whitepaper-2025.html")), try Data(contentsOf: out.appendingPathComponent("whitepaper-2025.xml")))
        }
        let stored = try paper("stored")
        let before = try totals()
        XCTAssertTrue(before.contains("("), "the first run stored totals: \(before)")
        try python("import sqlite3; c = sqlite3.connect('\(copy)'); c.execute('DELETE FROM release_totals'); c.commit()")
        let summed = try paper("summed")
        XCTAssertEqual(summed.html, stored.html)
        XCTAssertEqual(summed.xml, stored.xml)
        XCTAssertEqual(try totals(), before, "the same totals stored again")
    }

    /// A year with more agencies than the printed directory holds (the office's `名录上限`, here 20): the paper
    /// lists none by name but counts them by zone and brand level, says where the full list is, and the list is a
    /// CSV of names, zones and brand levels only (safe for Excel); the XML says so too.
    func testAYearAboveTheDirectoryLimitPublishesItsDirectoryAsAFile() throws {
        _ = Self.first
        let input = temporaryDirectory(), out = temporaryDirectory()
        let folder = input.appendingPathComponent("publication")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "名录上限 = 20\n".write(to: folder.appendingPathComponent("settings.txt"), atomically: true, encoding: .utf8)
        let r = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--input", input.path, "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let listed = try read(Self.first.dir, "whitepaper-2025.html")
        let html = try read(out, "whitepaper-2025.html"), xml = try read(out, "whitepaper-2025.xml")
        let csv = try Data(contentsOf: out.appendingPathComponent("whitepaper-2025-directory.csv"))
        XCTAssertTrue(r.text.contains("whitepaper-2025-directory.csv"), r.text)
        // The demo's paper (limit 1,000) lists every agency by name; this one lists none, and names the file.
        let names = listed.components(separatedBy: "<div class=\"directory\">")[1].components(separatedBy: "<li>").dropFirst()
            .map { String($0.prefix { $0 != "<" }) }
        XCTAssertGreaterThan(names.count, 20)
        XCTAssertFalse(html.contains("<div class=\"directory\">"))
        for name in names.prefix(50) { XCTAssertFalse(html.contains(name), name) }
        XCTAssertTrue(html.contains("超过印刷版名录上限（20家）") && html.contains("另行发布为 whitepaper-2025-directory.csv"), html)
        XCTAssertTrue(html.contains("<td>无锡市滨湖区</td><td>国家级</td>") || html.contains("<td>无锡市滨湖区</td><td>无</td>"), html)
        XCTAssertTrue(xml.contains("<agencies count=\"\(names.count)\" listed=\"false\" file=\"whitepaper-2025-directory.csv\">"), xml)
        XCTAssertFalse(xml.contains("<agency "))
        XCTAssertTrue(try read(Self.first.dir, "whitepaper-2025.xml").contains("<agencies count=\"\(names.count)\" listed=\"true\">"))
        // The file: BOM, a header and one line per agency, the same names; no figure, no credit code.
        XCTAssertEqual(Array(csv.prefix(3)), [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: csv.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines.first, "所在集聚区,机构名称,品牌机构级别")
        XCTAssertEqual(lines.count, names.count + 1)
        func unescaped(_ s: String) -> String {
            s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
        }
        for name in names { XCTAssertTrue(lines.contains { $0.contains(CSVText.cell(unescaped(name))) }, name) }
        XCTAssertFalse(lines.joined().contains("91320"), "no credit code")
        XCTAssertNil(lines.dropFirst().first { !["宿迁市宿城区,", "无锡市滨湖区,", "徐州市泉山区,"].contains(where: $0.hasPrefix) }, "a zone first")
        XCTAssertNil(lines.dropFirst().first { !["无", "市级", "省级", "国家级"].contains(where: $0.hasSuffix) }, "a brand level last")
    }

    /// The attacker of the issue: every money figure of the all-zone paper and the three zone papers as one
    /// system of sums (a total is the sum of its zones and of its kinds of agency); wherever a sum has exactly one
    /// unknown term it is solved, and solving repeats until nothing new comes out. Nothing hidden may come out,
    /// and a figure hidden in one paper is hidden in every paper.
    func testThePapersTogetherRevealNoHiddenFigure() throws {
        _ = Self.first
        let out = temporaryDirectory()
        let zones = ["sucheng", "binhu", "quanshan"]
        for z in zones {
            let r = try ipsurvey(["report", "--year", "2025", "--zone", z, "--archive", archive, "--out", out.path])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        struct Key: Hashable { let measure: String, zone: String, kind: String }
        let measures: Set<String> = ["revenue", "revenue_agency", "revenue_legal", "revenue_information", "revenue_consulting",
                                     "revenue_operation", "revenue_training", "revenue_other", "foreign_revenue", "pledge_financing", "transaction_value"]
        var known: [Key: Double] = [:], hidden: Set<Key> = [], present: Set<String> = []
        let papers = [("all", try read(Self.first.dir, "whitepaper-2025.xml"))] + (try zones.map { ($0, try read(out, "whitepaper-2025-\($0).xml")) })
        let pattern = try NSRegularExpression(pattern: "<figure ([^>]*)/>")
        for (scope, xml) in papers {
            for m in pattern.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)) {
                let text = String(xml[Range(m.range(at: 1), in: xml)!])
                var a: [String: String] = [:]
                for pair in text.components(separatedBy: "\" ") {
                    let kv = pair.components(separatedBy: "=\"")
                    if kv.count == 2 { a[kv[0]] = kv[1].replacingOccurrences(of: "\"", with: "") }
                }
                guard a["period"] == "2025", ["overview", "agency_kind", "business_lines", "business_by_zone", "zones", "finance"].contains(a["table"]!) else { continue }
                let measure = a["indicator"]!
                if a["table"] == "agency_kind", measure == "agencies", a["value"] != "0", a["category"] != nil {
                    present.insert("\(a["zone"] == "all" ? (scope == "all" ? "*" : scope) : a["zone"]!)/\(a["category"]!)")
                }
                guard measures.contains(measure) else { continue }
                let zone = a["zone"] == "all" ? (scope == "all" ? "*" : scope) : a["zone"]!
                let key = Key(measure: measure, zone: zone, kind: a["dimension"] == "agency_kind" ? (a["category"] ?? "*") : "*")
                if a["conf_status"] != "F" || a["value"] == nil {
                    if a["conf_status"] != "F" { hidden.insert(key) }
                    XCTAssertNil(known[key], "\(key) is published in one paper and hidden in another")
                } else {
                    XCTAssertFalse(hidden.contains(key), "\(key) is published in one paper and hidden in another")
                    known[key] = Double(a["value"]!)
                }
            }
        }
        XCTAssertFalse(hidden.isEmpty)
        let kinds = ["patent_agency", "trademark_agency", "law_firm", "enterprise", "public"]
        var equations: [(total: Key, parts: [Key])] = []
        for m in measures {
            for k in kinds + ["*"] { equations.append((Key(measure: m, zone: "*", kind: k), zones.map { Key(measure: m, zone: $0, kind: k) })) }
            for z in zones + ["*"] { equations.append((Key(measure: m, zone: z, kind: "*"), kinds.map { Key(measure: m, zone: z, kind: $0) })) }
        }
        // A figure of a group without agencies is 0 (the kind tables list the kinds present); any other figure
        // no paper shows is unknown.
        func value(_ k: Key) -> Double? {
            if let v = known[k] { return v }
            if k.kind != "*" && !present.contains("\(k.zone)/\(k.kind)") { return 0 }
            return nil
        }
        var solved = true
        while solved {
            solved = false
            for (total, parts) in equations {
                let unknown = ([total] + parts).filter { value($0) == nil }
                guard unknown.count == 1, let u = unknown.first else { continue }
                XCTFail("\(u) is hidden, but the papers together give it: \(total) = Σ \(parts.map { "\($0.zone)/\($0.kind)" })")
                known[u] = 0
                solved = true
            }
        }
    }

    /// As-of differencing: a release before a late file and one after it differ by that file's agencies. Queries
    /// answer only from releases, and the second report names every published cell that changes because of one
    /// or two agencies before it writes.
    func testALateFileMakesTheNextReportNameTheCellsItWouldReveal() throws {
        let dir = temporaryDirectory()
        let archive = dir.appendingPathComponent("a.sqlite").path
        let early = ["input/zones.csv", "input/targets.csv", "input/regional", "input/returns/2024", "input/returns/2025/binhu.csv",
                     "input/returns/2025/quanshan.csv", "input/returns/2025/sucheng.csv"]
        try ipsurvey(["ingest"] + early + ["--archive", archive, "--received-at", "2026-03-01"])
        let first = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", dir.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(first.stderr.contains("1–2家机构"), "a first release has nothing to compare with")
        try ipsurvey(["ingest", "input/returns/2025/supplement", "--archive", archive, "--received-at", "2026-04-20"])
        let between = try ipsurvey(["query", "--period", "2025", "--metrics", "pledge_financing", "--archive", archive, "--format", "json"])
        XCTAssertTrue(between.text.contains("\"as_of\":\"2026-03-01"), "answered from the release in force, as the archive stood then: \(between.text)")
        let second = try ipsurvey(["report", "--year", "2025", "--archive", archive, "--out", dir.path])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("1–2家机构") && second.stderr.contains("zone=quanshan"), second.stderr)
        let after = try ipsurvey(["query", "--period", "2025", "--metrics", "pledge_financing", "--archive", archive, "--format", "json"])
        XCTAssertFalse(after.text.contains("\"as_of\":\"2026-03-01"), after.text)
    }
}
