import ArgumentParser
import Foundation
import SurveyCore

/// Formats of a findings listing.
enum FindingFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
    /// A feedback workbook per file (written to OUT/feedback/; `validate` only).
    case xlsx
}

/// Writes file summaries and their findings as text, JSON or CSV (the format SPEC.md fixes).
enum FindingOutput {
    static func render(_ summaries: [FileSummary], format: FindingFormat, language: Language) -> String {
        switch format {
        case .text: text(summaries, language)
        case .json: json(summaries)
        case .csv, .xlsx: csv(summaries, language)
        }
    }

    static func fieldLabel(_ id: String?, kind: FileKind?, _ language: Language) -> String {
        guard let id, let kind, let i = SurveyCore.Form.of(kind).index[id] else { return id ?? "" }
        return SurveyCore.Form.of(kind).fields[i].label(language)
    }

    static func text(_ summaries: [FileSummary], _ language: Language) -> String {
        var out = ""
        let zh = language == .zh
        let red = Console.colour ? "\u{1B}[31m" : "", yellow = Console.colour ? "\u{1B}[33m" : "", reset = Console.colour ? "\u{1B}[0m" : ""
        // Everything from a file — its path, the values and the messages that quote them — is made safe for a
        // terminal (SafeText.terminal): an ESC or OSC sequence in a cell shows as <U+001B>, never runs.
        let safe = SafeText.terminal
        for s in summaries {
            let kind = s.kind.map { zh ? $0.name.zh : $0.rawValue } ?? (zh ? "未识别" : "unrecognised")
            let enc = s.format == .xlsx ? "Excel" + (s.sheet.map { "「\(safe($0))」" } ?? "") : s.encoding?.label ?? "?"
            out += zh
                ? "\(safe(s.path))  [\(kind), \(enc)]  行数 \(s.rows)，接受 \(s.accepted)，拒绝 \(s.rejected)，警告 \(s.warnings)\n"
                : "\(safe(s.path))  [\(kind), \(enc)]  rows \(s.rows), accepted \(s.accepted), rejected \(s.rejected), warnings \(s.warnings)\n"
            for f in s.findings {
                let place = [safe(s.path), f.line.map(String.init), f.column.map(String.init)].compactMap { $0 }.joined(separator: ":")
                    + (f.cell.map { " (\(safe($0)))" } ?? "")
                let sev = f.severity == .error ? "\(red)\(zh ? "错误" : "error")\(reset)" : "\(yellow)\(zh ? "警告" : "warning")\(reset)"
                var what = ""
                if f.field != nil { what += " " + fieldLabel(f.field, kind: s.kind, language) }
                if let v = f.value, !v.isEmpty { what += " = \"\(safe(v))\"" }
                out += "  \(place): \(sev) [\(f.code)]\(what)\n      \(safe(f.message[language]))\n"
            }
        }
        let rows = summaries.reduce(0) { $0 + $1.rows }, acc = summaries.reduce(0) { $0 + $1.accepted }
        let rej = summaries.reduce(0) { $0 + $1.rejected }, warn = summaries.reduce(0) { $0 + $1.warnings }
        out += zh ? "合计：\(summaries.count) 个文件，行数 \(rows)，接受 \(acc)，拒绝 \(rej)，警告 \(warn)\n"
                  : "Total: \(summaries.count) files, rows \(rows), accepted \(acc), rejected \(rej), warnings \(warn)\n"
        return out
    }

    static func json(_ summaries: [FileSummary]) -> String {
        var out = "{\"files\":["
        for (i, s) in summaries.enumerated() {
            if i > 0 { out += "," }
            out += "{\"file\":\(JSONText.string(s.path)),\"sha256\":\(JSONText.optional(s.sha256)),\"encoding\":\(JSONText.optional(s.encoding?.rawValue)),\"format\":\(JSONText.string(s.format.rawValue))"
            out += ",\"kind\":\(JSONText.optional(s.kind?.rawValue)),\"rows\":\(s.rows),\"accepted\":\(s.accepted),\"rejected\":\(s.rejected),\"warnings\":\(s.warnings),\"findings\":["
            out += s.findings.map(\.json).joined(separator: ",")
            out += "]}"
        }
        return out + "]}\n"
    }

    static func csv(_ summaries: [FileSummary], _ language: Language) -> String {
        var out = "\u{FEFF}file,line,column,cell,field,field_name,value,severity,code,message_zh,message_en\r\n"
        for s in summaries {
            for f in s.findings {
                let cells = [s.path, f.line.map(String.init) ?? "", f.column.map(String.init) ?? "", f.cell ?? "", f.field ?? "",
                             fieldLabel(f.field, kind: s.kind, language), f.value ?? "", f.severity.rawValue, f.code,
                             f.message.zh, f.message.en]
                out += cells.map(CSVText.cell).joined(separator: ",") + "\r\n"
            }
        }
        return out
    }
}

