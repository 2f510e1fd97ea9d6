import Foundation
import SurveyCore

/// The blank form as a workbook an agency cannot fill wrongly by accident: its sheet named as the reader looks
/// for it (调查表 / returns), the other language's titles above the header, a drop-down list for every choice and
/// the zone, number formats for money (four decimals) and counts, the credit code as text, an input message on
/// every column with its rule, a frozen header, and an instructions sheet — all generated from the form's data.
public enum FormWorkbook {
    /// Rows of the form that carry formats and validation (the data rows begin on row 3).
    static let rows = 10_000

    /// The blank form; `filled` are rows to put in it (cells by the header `columns`, as a CSV gives them): an
    /// agency's filled-in return, for the demo and for tests. Numbers go in as numbers, dates as dates.
    public static func data(kind: FileKind, language: Language, zones: [Zone], columns: [String] = [], filled: [[String]] = []) throws -> Data {
        let form = Form.of(kind)
        let zh = language == .zh
        let other: Language = zh ? .en : .zh
        var sheet = WorkbookWriter.Sheet(name: zh ? kind.name.zh : kind.name.en.capitalized)
        var lists = WorkbookWriter.Sheet(name: zh ? "选项" : "Lists")
        lists.hidden = true
        sheet.frozenRows = 2
        // Row 1: the other language's titles (a title row the reader passes over); row 2: the header.
        sheet.rows.append(form.fields.map { .text(title($0, other), .title) })
        sheet.rows.append(form.fields.map { .text($0.header(language), .header) })
        let map = HeaderMap(headers: columns, form: form)
        for row in filled {
            sheet.rows.append(form.fields.indices.map { f in
                guard let c = map.columnOfField[f], c < row.count, !row[c].isEmpty else { return WorkbookWriter.Cell(.empty) }
                return typed(row[c], form.fields[f])
            })
        }
        var listColumn = 0
        for (i, field) in form.fields.enumerated() {
            let column = ExcelValues.letters(i)
            let range = "\(column)3:\(column)\(rows + 2)"
            sheet.columns.append((width: width(field, language), style: style(field)))
            var v = WorkbookWriter.Validation(type: nil, promptTitle: String(field.title[language].prefix(32)),
                                              prompt: rule(field, form: form, language: language), range: range)
            v.errorTitle = zh ? "不符合填报要求" : "Not as the form asks"
            v.error = v.prompt
            let options: [String]?
            switch field.type {
            case .choice(let domain), .choices(let domain):
                options = domain.options.map { zh ? $0.name.zh : $0.id }
            case .zoneRef:
                options = zones.isEmpty ? nil : zones.map { zh ? $0.name.zh : $0.id }
            default:
                options = nil
            }
            if let options {
                let letters = ExcelValues.letters(listColumn)
                lists.rows = pad(lists.rows, to: options.count + 1)
                lists.rows[0] = set(lists.rows[0], listColumn, .text(field.title[language], .header))
                for (k, o) in options.enumerated() { lists.rows[k + 1] = set(lists.rows[k + 1], listColumn, .text(o)) }
                lists.columns.append((width: 24, style: .text))
                v.type = "list"
                v.formula1 = "'\(lists.name)'!$\(letters)$2:$\(letters)$\(options.count + 1)"
                // Several business types go in one cell (separated by 、): the list helps, typing is allowed.
                if case .choices = field.type { v.refuse = false }
                listColumn += 1
            } else {
                switch field.type {
                case .money:
                    v.type = "decimal"; v.operatorName = "between"; v.formula1 = "0"; v.formula2 = Money.largestWan
                case .count:
                    v.type = "whole"; v.operatorName = "between"; v.formula1 = "0"; v.formula2 = Money.largestCount
                case .creditCode:
                    v.type = "textLength"; v.operatorName = "equal"; v.formula1 = "18"
                case .text(let max):
                    v.type = "textLength"; v.operatorName = "lessThanOrEqual"; v.formula1 = "\(max)"
                case .date:
                    v.type = "date"; v.operatorName = "between"
                    v.formula1 = "\(ExcelValues.serial(year: 2000, month: 1, day: 1))"
                    v.formula2 = "\(ExcelValues.serial(year: 2099, month: 12, day: 31))"
                case .divisionCode:
                    v.type = "textLength"; v.operatorName = "equal"; v.formula1 = "6"
                default:
                    break
                }
            }
            sheet.validations.append(v)
        }
        var instructions = WorkbookWriter.Sheet(name: zh ? "填表说明" : "Instructions")
        instructions.columns = [(6, .text), (30, .text), (36, .text), (22, .text), (16, .text), (10, .text), (8, .text), (60, .wrapped)]
        instructions.rows.append([.text(zh ? "\(kind.name.zh)填表说明" : "How to fill in the \(kind.name.en) form", .header)])
        let notes = notes(kind, language)
        for line in notes { instructions.rows.append([.text(line, .wrapped)]) }
        instructions.merges = (2...(1 + notes.count)).map { "A\($0):H\($0)" }
        instructions.rows.append([])
        instructions.rows.append((zh ? ["列", "表头", "英文名称", "字段代码", "类型", "单位", "必填", "规则"]
                                     : ["Column", "Header", "Chinese title", "Field id", "Type", "Unit", "Required", "Rule"]).map { .text($0, .header) })
        instructions.frozenRows = instructions.rows.count
        for (i, field) in form.fields.enumerated() {
            instructions.rows.append([
                .text(ExcelValues.letters(i)), .text(field.header(language)), .text(title(field, other)), .text(field.id),
                .text(typeName(field.type, language)), .text(field.unit?[language] ?? ""),
                .text(field.required ? (zh ? "是" : "yes") : (zh ? "否" : "no")),
                .text(rule(field, form: form, language: language), .wrapped),
            ])
        }
        var book = WorkbookWriter()
        book.sheets = [sheet, instructions] + (lists.rows.isEmpty ? [] : [lists])
        return try book.data()
    }

    /// A cell as someone typing it into the form would leave it: a plain number as a number, a date as a date.
    static func typed(_ text: String, _ field: Field) -> WorkbookWriter.Cell {
        switch field.type {
        case .money, .count, .decimal:
            let plain = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }
            return plain ? WorkbookWriter.Cell(.number(text), style(field)) : .text(text, .text)
        case .date:
            guard let date = SimpleDate(text) else { return .text(text, .text) }
            return WorkbookWriter.Cell(.number("\(ExcelValues.serial(date))"), .date)
        default:
            return .text(text, .text)
        }
    }

    private static func title(_ field: Field, _ language: Language) -> String { field.label(language) }

    private static func pad(_ rows: [[WorkbookWriter.Cell]], to n: Int) -> [[WorkbookWriter.Cell]] {
        rows.count >= n ? rows : rows + Array(repeating: [], count: n - rows.count)
    }

    private static func set(_ row: [WorkbookWriter.Cell], _ i: Int, _ cell: WorkbookWriter.Cell) -> [WorkbookWriter.Cell] {
        var row = row
        while row.count <= i { row.append(WorkbookWriter.Cell(.empty)) }
        row[i] = cell
        return row
    }

    private static func style(_ field: Field) -> WorkbookWriter.Style {
        switch field.type {
        case .money: .money
        case .count: .count
        case .date: .date
        case .decimal: .plain
        default: .text
        }
    }

    private static func width(_ field: Field, _ language: Language) -> Double {
        let n = field.header(language).count
        return Double(min(max(language == .zh ? 2 * n + 2 : n + 4, 12), 40))
    }

    static func typeName(_ type: FieldType, _ language: Language) -> String {
        let zh = language == .zh
        switch type {
        case .text: return zh ? "文本" : "text"
        case .creditCode: return zh ? "统一社会信用代码" : "credit code"
        case .zoneRef: return zh ? "集聚区" : "zone"
        case .period: return zh ? "统计期" : "period"
        case .choice: return zh ? "单选" : "one of a list"
        case .choices: return zh ? "多选" : "several of a list"
        case .money: return zh ? "金额" : "money"
        case .count: return zh ? "整数" : "count"
        case .decimal: return zh ? "数值" : "number"
        case .date: return zh ? "日期" : "date"
        case .identifier: return zh ? "代码" : "id"
        case .divisionCode: return zh ? "行政区划代码" : "division code"
        case .targetOperator: return zh ? "比较方式" : "comparison"
        }
    }

    /// The rule of a field in words, from its type and the form's rules between fields.
    static func rule(_ field: Field, form: Form, language: Language) -> String {
        let zh = language == .zh
        var parts: [String] = []
        if field.required { parts.append(zh ? "必填。" : "Required.") }
        switch field.type {
        case .text(let max): parts.append(zh ? "不超过\(max)个字。" : "At most \(max) characters.")
        case .creditCode: parts.append(zh ? "18位，按营业执照填写（GB 32100-2015，含校验位）。" : "18 characters as on the business licence (GB 32100-2015, with its check character).")
        case .zoneRef: parts.append(zh ? "从下拉列表中选择。" : "Pick from the list.")
        case .period: parts.append(zh ? "年报填年份（如2025），季报填季度（如2025Q1）。" : "A year (2025) or a quarter (2025Q1).")
        case .choice(let d): parts.append(zh ? "从下拉列表中选择：\(d.options.map(\.name.zh).joined(separator: "、"))。" : "Pick one: \(d.options.map(\.id).joined(separator: ", ")).")
        case .choices(let d): parts.append(zh ? "可选一项或多项，多项用“、”分隔：\(d.options.map(\.name.zh).joined(separator: "、"))。" : "One or more, separated by \";\": \(d.options.map(\.id).joined(separator: ", ")).")
        case .money:
            parts.append(zh ? "单位万元，最多4位小数（精确到元），不小于0，不大于\(Money.largestWan)。"
                            : "In 10k yuan, at most 4 decimals (whole yuan), from 0 to \(Money.largestWan).")
        case .count: parts.append(zh ? "不小于0、不大于\(Money.largestCount)的整数。" : "A whole number from 0 to \(Money.largestCount).")
        case .decimal: parts.append(zh ? "数值。" : "A number.")
        case .date: parts.append(zh ? "日期，如2025-03-31。" : "A date, like 2025-03-31.")
        case .identifier: parts.append(zh ? "小写英文字母、数字和下划线。" : "Lower-case letters, digits and underscores.")
        case .divisionCode: parts.append(zh ? "6位数字。" : "Six digits.")
        case .targetOperator: parts.append(zh ? ">=、>、<=、<、~、+>=、growth>=或>=ref:指标。" : ">=, >, <=, <, ~, +>=, growth>= or >=ref:INDICATOR.")
        }
        func name(_ id: String) -> String { form.index[id].map { form.fields[$0].title[language] } ?? id }
        for r in form.rules {
            switch r {
            case .notGreaterThan(let part, let whole) where part == field.id:
                parts.append(zh ? "不大于「\(name(whole))」。" : "Not more than \"\(name(whole))\".")
            case .breakdown(let ps, let whole, let share) where ps.contains(field.id):
                parts.append(zh ? "各项业务收入之和不大于「\(name(whole))」，应达到其\(share)%。" : "The parts add up to no more than \"\(name(whole))\" and to at least \(share)% of it.")
            case .positiveWhenPositive(let f, let when) where f == field.id:
                parts.append(zh ? "「\(name(when))」大于0时必须大于0。" : "Must be more than 0 when \"\(name(when))\" is.")
            default: break
            }
        }
        if !field.required, field.type == .money || field.type == .count {
            parts.append(zh ? "未发生填0，不掌握的留空（留空表示未填报）。" : "0 if none; leave empty only if not known (empty = not reported).")
        }
        if field.personal { parts.append(zh ? "个人信息：仅存档，不公开。" : "Personal data: archived, never published.") }
        return parts.joined(separator: zh ? "" : " ")
    }

    static func notes(_ kind: FileKind, _ language: Language) -> [String] {
        language == .zh ? [
            "1. 每行填写一家机构一个统计期的数据；请在“\(kind.name.zh)”工作表第3行起填写，不要修改第1、2行的表头。",
            "2. 金额单位为万元，最多保留4位小数；人数、件数填整数。未发生的填0，不掌握的留空：留空表示“未填报”，与0不同。",
            "3. 带下拉箭头的列请从列表中选择；选中单元格时会显示该列的填报要求。",
            "4. 联系人、联系电话、填报日期属个人信息，仅用于核实，不会出现在任何公开材料中。",
            "5. 报送时请直接发送本工作簿（.xlsx），不要加密码；系统会逐格检查，并把问题清单（含单元格位置）反馈给贵单位。",
        ] : [
            "1. One row per agency and period; fill the \"\(kind.name.en.capitalized)\" sheet from row 3 and leave the titles in rows 1 and 2 as they are.",
            "2. Money is in 10k yuan with at most 4 decimals; people and filings are whole numbers. Type 0 for none and leave a cell empty only if the figure is not known: empty means \"not reported\", which is not 0.",
            "3. Columns with a drop-down arrow take a value from the list; selecting a cell shows the column's rule.",
            "4. Contact, phone and the date submitted are personal data, used only to check the return and never published.",
            "5. Send this workbook (.xlsx) as it is, without a password; every cell is checked and the findings, with their cells, are sent back to you.",
        ]
    }
}
