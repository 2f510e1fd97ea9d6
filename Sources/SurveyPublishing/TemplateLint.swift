import Foundation

/// A problem in a template, with where it is.
public struct TemplateProblem: Error, Sendable, CustomStringConvertible {
    public let template: String
    public let line: Int
    public let message: String
    public var description: String { "\(template):\(line): \(message)" }
}

/// Checks templates against the view model before anything is rendered. swift-mustache renders a name it cannot
/// find as nothing, silently; an office editing a template would then publish a report with holes. Here every
/// tag must name a field of the view model (looked up the way Mustache does: the innermost section first), every
/// partial must exist, and `{{{…}}}` / `{{&…}}` may print only `Markup` (the charts our code drew) — never text
/// that came from an input file.
public enum TemplateLint {
    struct Tag {
        enum Kind { case variable, unescaped, section, inverted, close, partial, comment, unsupported }
        let kind: Kind
        let name: String
        let line: Int
    }

    /// The tags of a template with their line numbers.
    static func tags(_ text: String) -> [Tag] {
        var out: [Tag] = []
        let s = Array(text.utf8)
        var i = 0, line = 1
        while i < s.count {
            if s[i] == UInt8(ascii: "\n") { line += 1; i += 1; continue }
            guard s[i] == UInt8(ascii: "{"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "{") else { i += 1; continue }
            let triple = i + 2 < s.count && s[i + 2] == UInt8(ascii: "{")
            let start = i + (triple ? 3 : 2)
            let closing: [UInt8] = triple ? Array("}}}".utf8) : Array("}}".utf8)
            var j = start
            var endLine = line
            while j + closing.count <= s.count && Array(s[j..<j + closing.count]) != closing {
                if s[j] == UInt8(ascii: "\n") { endLine += 1 }
                j += 1
            }
            var inner = String(decoding: s[start..<min(j, s.count)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            var kind: Tag.Kind = triple ? .unescaped : .variable
            if !triple, let first = inner.first {
                switch first {
                case "#": kind = .section
                case "^": kind = .inverted
                case "/": kind = .close
                case ">": kind = .partial
                case "!": kind = .comment
                case "&": kind = .unescaped
                case "=", "%", "$", "<": kind = .unsupported
                default: break
                }
                if kind != .variable && kind != .unsupported { inner = String(inner.dropFirst()).trimmingCharacters(in: .whitespaces) }
            }
            out.append(Tag(kind: kind, name: inner, line: line))
            line = endLine
            i = j + closing.count
        }
        return out
    }

    /// The value of `name` in `value` as Mustache's Mirror lookup sees it (optionals unwrapped).
    static func child(_ value: Any, _ name: String) -> Any? {
        guard let match = Mirror(reflecting: value).children.first(where: { $0.label == name })?.value else { return nil }
        let m = Mirror(reflecting: match)
        if m.displayStyle == .optional { return m.children.first?.value }
        return match
    }

    /// Resolves a dotted name against the context stack (innermost first for the first part).
    static func resolve(_ name: String, _ stack: [Any]) -> Any? {
        if name == "." { return stack.last }
        let parts = name.split(separator: ".").map(String.init)
        for context in stack.reversed() {
            guard var value = child(context, parts[0]) else { continue }
            for p in parts.dropFirst() {
                guard let next = child(value, p) else { return nil }
                value = next
            }
            return value
        }
        return nil
    }

    /// Lints template `name` (and the partials it uses) against `model`; `templates` maps names to their text.
    public static func lint(_ name: String, templates: [String: String], model: Any) -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        var visiting: [String] = []
        func walk(_ name: String, _ stack: [Any]) {
            guard let text = templates[name] else { return }
            visiting.append(name)
            defer { visiting.removeLast() }
            var stack = stack
            var open: [(String, Int)] = []
            for tag in tags(text) {
                func problem(_ en: String) { problems.append(TemplateProblem(template: name, line: tag.line, message: en)) }
                let within = open.last.map { " (inside section '\($0.0)')" } ?? ""
                switch tag.kind {
                case .comment: continue
                case .unsupported: problem("unsupported tag '{{\(tag.name)}}': use plain names, sections and partials")
                case .partial:
                    if templates[tag.name] == nil { problem("unknown partial '\(tag.name)'") }
                    else if let start = visiting.firstIndex(of: tag.name) {
                        // The view model is not recursive, so a partial that includes itself (directly or through
                        // others) never ends: the renderer would recurse until the stack overflows.
                        let cycle = (visiting[start...] + [tag.name]).joined(separator: " → ")
                        problem("partial '\(tag.name)' includes itself (\(cycle)); the rendering would never end")
                    } else { walk(tag.name, stack) }
                case .variable, .unescaped:
                    guard let value = resolve(tag.name, stack) else { problem("unknown field '\(tag.name)'\(within)"); continue }
                    if tag.kind == .unescaped && !(value is Markup) {
                        problem("'\(tag.name)' is printed unescaped, but only drawn markup (charts) may be; use {{\(tag.name)}}")
                    }
                case .section, .inverted:
                    guard let value = resolve(tag.name, stack) else {
                        problem("unknown section '\(tag.name)'\(within)")
                        open.append((tag.name, stack.count)); stack.append(stack.last!); continue
                    }
                    open.append((tag.name, stack.count))
                    if tag.kind == .section, let array = value as? [Any] {
                        stack.append(array.first ?? stack.last!)
                    } else if tag.kind == .section, !(value is Bool), !(value is String) {
                        stack.append(value)
                    } else {
                        stack.append(stack.last!)
                    }
                case .close:
                    guard let last = open.last else { problem("'{{/\(tag.name)}}' closes no section"); continue }
                    if last.0 != tag.name { problem("'{{/\(tag.name)}}' closes section '\(last.0)'") }
                    open.removeLast()
                    stack.removeLast(stack.count - last.1)
                }
            }
            for (section, _) in open { problems.append(TemplateProblem(template: name, line: text.split(separator: "\n", omittingEmptySubsequences: false).count, message: "section '\(section)' is not closed")) }
        }
        walk(name, [model])
        return problems
    }
}
