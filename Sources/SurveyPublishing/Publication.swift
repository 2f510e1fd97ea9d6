import Foundation
import Ink
import SurveyCore

/// What people write beside the figures (SPEC "Outputs"), from `input/publication/`: the settings — issuing body,
/// title, contact line, publication date — and each year's commentary (前言, 发展特点, 存在问题与下一步) in
/// Markdown. The workflow reads the files; this turns their text into what the templates print.
public enum Publication {
    /// The settings file, `input/publication/settings.txt`: one `key = value` per line, `#` starts a comment.
    /// Chinese keys for the Chinese paper, English keys for the English one; `{年份}` / `{year}` in a value is the
    /// paper's year.
    public struct Settings: Sendable, Equatable {
        public var issuer = Bilingual("", "")
        public var title = Bilingual("", "")
        public var contact = Bilingual("", "")
        /// The publication date printed on the cover (YYYY-MM-DD), if the office set one.
        public var date: String?
        /// The most agencies the printed paper lists by name (`名录上限` / `directory_limit`; 1,000 when not set):
        /// above it the appendix gives counts and the full directory is a file of its own.
        public var directoryLimit: Int?
        public init() {}
    }

    /// One year's commentary as HTML made by Ink from escaped Markdown; empty when the section was not written.
    public struct Commentary: Sendable, Equatable {
        public var foreword = ""
        public var features = ""
        public var outlook = ""
        public init() {}
        public var isEmpty: Bool { foreword.isEmpty && features.isEmpty && outlook.isEmpty }
    }

    /// A line of a settings or commentary file that cannot be used; the paper is not written.
    public struct Problem: Error, Sendable, Equatable {
        public let file: String
        public let line: Int?
        public let zh: String
        public let en: String
        public init(file: String, line: Int?, zh: String, en: String) { self.file = file; self.line = line; self.zh = zh; self.en = en }
        public func message(_ language: Language) -> String {
            let place = line.map { "\(file):\($0)" } ?? file
            return "\(place): " + (language == .zh ? zh : en)
        }
    }

    static var keys: [(zh: String, en: String, field: WritableKeyPath<Settings, Bilingual>)] {
        [("发布单位", "issuer", \.issuer), ("标题", "title", \.title), ("联系方式", "contact", \.contact)]
    }

    /// The text of a file written by hand: UTF-8, with or without a byte order mark (what Notepad and Excel write).
    public static func text(_ data: Data, file: String) throws -> String {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw Problem(file: file, line: nil, zh: "不是 UTF-8 编码的文本文件，请另存为 UTF-8",
                          en: "not a UTF-8 text file; save it as UTF-8")
        }
        if let bad = text.unicodeScalars.enumerated().first(where: { SafeText.isUnsafe($0.element.value) }) {
            let line = text.unicodeScalars.prefix(bad.offset).filter { $0 == "\n" }.count + 1
            throw Problem(file: file, line: line, zh: "含有不可发布的字符 \(SafeText.codePoint(bad.element.value))",
                          en: "holds a character that cannot be published, \(SafeText.codePoint(bad.element.value))")
        }
        return text
    }

    /// Reads the settings; an unknown or repeated key, a line without `=`, or a date that is not YYYY-MM-DD is a
    /// problem with its line (a misspelt key would otherwise drop the issuing body from the cover unnoticed).
    public static func settings(_ text: String, file: String, year: Int) throws -> Settings {
        var settings = Settings()
        var seen: [String: Int] = [:]
        for (index, raw) in text.components(separatedBy: .newlines).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == "＝" }) else {
                throw Problem(file: file, line: index + 1, zh: "应为“名称 = 内容”：\(SafeText.echo(line))",
                              en: "expected “key = value”: \(SafeText.echo(line))")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: "{年份}", with: "\(year)").replacingOccurrences(of: "{year}", with: "\(year)")
            if let first = seen[key] {
                throw Problem(file: file, line: index + 1, zh: "“\(key)”已在第\(first)行设置", en: "“\(key)” is already set on line \(first)")
            }
            seen[key] = index + 1
            if key == "发布日期" || key == "date" {
                guard let day = SimpleDate(value) else {
                    throw Problem(file: file, line: index + 1, zh: "发布日期应为 YYYY-MM-DD：\(SafeText.echo(value))",
                                  en: "the date must be YYYY-MM-DD: \(SafeText.echo(value))")
                }
                settings.date = day.description
                continue
            }
            if key == "名录上限" || key == "directory_limit" {
                guard let limit = Int(value), limit >= 0 else {
                    throw Problem(file: file, line: index + 1, zh: "名录上限应为不小于0的整数：\(SafeText.echo(value))",
                                  en: "the directory limit must be a whole number from 0: \(SafeText.echo(value))")
                }
                settings.directoryLimit = limit
                continue
            }
            guard let known = keys.first(where: { $0.zh == key || $0.en == key }) else {
                let names = keys.map { "\($0.zh) / \($0.en)" }.joined(separator: "，")
                throw Problem(file: file, line: index + 1, zh: "未知的设置“\(SafeText.echo(key))”；可用：\(names)，发布日期 / date，名录上限 / directory_limit",
                              en: "unknown setting “\(SafeText.echo(key))”; known: \(names), 发布日期 / date, 名录上限 / directory_limit")
            }
            if key == known.zh { settings[keyPath: known.field] = Bilingual(value, settings[keyPath: known.field].en) }
            else { settings[keyPath: known.field] = Bilingual(settings[keyPath: known.field].zh, value) }
        }
        return settings
    }

    /// The section headings of a commentary file, in each language.
    static var sections: [(zh: String, en: String, field: WritableKeyPath<Commentary, String>)] {
        [("前言", "Foreword", \.foreword), ("发展特点", "Highlights", \.features), ("存在问题与下一步", "Problems and next steps", \.outlook)]
    }

    /// One year's commentary (`commentary-YYYY.zh.md`, `commentary-YYYY.en.md`): `## 前言`, `## 发展特点` and
    /// `## 存在问题与下一步` (English: `## Foreword`, `## Highlights`, `## Problems and next steps`), each followed by
    /// Markdown. Text before the first section, another `#`/`##` heading or a section twice is a problem.
    public static func commentary(_ text: String, file: String, language: Language) throws -> Commentary {
        var parts: [String: (line: Int, lines: [String])] = [:]
        var current: String?
        var fenced = false
        for (index, line) in text.components(separatedBy: .newlines).enumerated() {
            if line.hasPrefix("```") || line.hasPrefix("~~~") { fenced.toggle() }
            let heading = line.trimmingCharacters(in: .whitespaces)
            if !fenced, heading.hasPrefix("#"), !heading.hasPrefix("###") {
                let title = heading.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                guard let section = sections.first(where: { (language == .zh ? $0.zh : $0.en) == title }) else {
                    let names = sections.map { "## " + (language == .zh ? $0.zh : $0.en) }.joined(separator: language == .zh ? "、" : ", ")
                    throw Problem(file: file, line: index + 1, zh: "未知的章节“\(SafeText.echo(title))”；应为 \(names)",
                                  en: "unknown section “\(SafeText.echo(title))”; the sections are \(names)")
                }
                let name = language == .zh ? section.zh : section.en
                if let first = parts[name] {
                    throw Problem(file: file, line: index + 1, zh: "章节“\(name)”已在第\(first.line)行开始",
                                  en: "section “\(name)” already began on line \(first.line)")
                }
                parts[name] = (index + 1, [])
                current = name
                continue
            }
            guard let current else {
                if heading.isEmpty { continue }
                throw Problem(file: file, line: index + 1, zh: "文字应写在章节标题（如“## 前言”）之下",
                              en: "text must come under a section heading (such as “## Foreword”)")
            }
            parts[current]?.lines.append(line)
        }
        var commentary = Commentary()
        for section in sections {
            guard let part = parts[language == .zh ? section.zh : section.en] else { continue }
            commentary[keyPath: section.field] = markdown(part.lines.joined(separator: "\n"))
        }
        return commentary
    }

    /// Markdown as HTML, safely: Ink passes raw HTML through (`<script>` comes out as is), so `&`, `<`, `>` and `"`
    /// of the source are escaped before it parses; a link may only go to http(s), mailto or an anchor of the paper,
    /// and an image becomes its description (the paper is self-contained and loads nothing).
    public static func markdown(_ source: String) -> String {
        let escaped = source.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        var html = MarkdownParser().html(from: escaped)
        // Ink escapes the text of code spans and blocks itself, so there the source's escaping is doubled: undo one level.
        html = html.replacing(/(<code[^>]*>)([\s\S]*?)<\/code>/) { match in
            String(match.output.1) + String(match.output.2).replacingOccurrences(of: "&amp;", with: "&") + "</code>"
        }
        html = html.replacing(/<img[^>]*\salt="([^"]*)"[^>]*>/) { "\($0.output.1)" }
        html = html.replacing(/<img[^>]*>/) { _ in "" }
        html = html.replacing(/<a href="([^"]*)"[^>]*>/) { match in
            let target = String(match.output.1)
            let allowed = ["http://", "https://", "mailto:", "#"].contains { target.lowercased().hasPrefix($0) }
            return allowed ? "<a href=\"\(target)\">" : "<a>"
        }
        return html.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
