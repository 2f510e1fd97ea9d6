/// How serious a finding is: an error rejects the row (or the file); a warning does not.
public enum Severity: String, Sendable, Hashable, Comparable {
    case error, warning
    public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
}

/// One problem found in a file: where it is, what it is, and what to do, in both languages.
public struct Finding: Sendable, Hashable {
    /// A stable code: `credit_code.checksum`, `revenue.breakdown_exceeds_total`, `header.missing_column` …
    public var code: String
    public var severity: Severity
    /// The physical line where the record starts (header = 1); nil for a finding about the whole file.
    public var line: Int?
    /// The 1-based column (field position in the row); nil when not about one cell.
    public var column: Int?
    /// The field id, when the finding is about a field.
    public var field: String?
    /// The cell's text as read (after decoding), when there is one.
    public var value: String?
    public var message: Bilingual
    /// The cell in a workbook (`调查表!H12`), when the file is one and the finding is about a cell.
    public var cell: String?

    public init(code: String, severity: Severity, line: Int?, column: Int?, field: String?, value: String?, message: Bilingual) {
        self.code = code; self.severity = severity; self.line = line; self.column = column
        self.field = field; self.value = value; self.message = message
    }

    public init(code: String, severity: Severity, line: Int?, column: Int?, field: String?, value: String?, message: Bilingual,
                cell: String?) {
        self.init(code: code, severity: severity, line: line, column: column, field: field, value: value, message: message)
        self.cell = cell
    }
}

/// The kinds of finding, as data: a code suffix, a severity and a message template in both languages.
///
/// Templates name `{field}` (the field's title), `{value}`, `{other}` (a second field or value) and `{detail}`.
public struct FindingKind: Sendable {
    public let suffix: String
    public let severity: Severity
    public let template: Bilingual

    init(_ suffix: String, _ severity: Severity, _ zh: String, _ en: String) {
        self.suffix = suffix; self.severity = severity; self.template = Bilingual(zh, en)
    }

    /// The template with its placeholders filled in, in one pass over its bytes. (Four `replacingOccurrences`
    /// through Foundation were a third of checking a file of garbage rows: 20 s for 3 MB of random bytes.)
    func message(field: String = "", value: String = "", other: String = "", detail: String = "", language: Language) -> String {
        let t = Array(template[language].utf8)
        var out: [UInt8] = []
        out.reserveCapacity(t.count + value.utf8.count + other.utf8.count + field.utf8.count + detail.utf8.count)
        var i = 0
        while i < t.count {
            if t[i] == UInt8(ascii: "{"), let close = t[i...].firstIndex(of: UInt8(ascii: "}")) {
                switch String(decoding: t[(i + 1)..<close], as: UTF8.self) {
                case "field": out += field.utf8
                case "value": out += value.utf8
                case "other": out += other.utf8
                case "detail": out += detail.utf8
                default: out += t[i...close]
                }
                i = close + 1
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Every kind of finding ipsurvey reports.
public enum Rulebook {
    // Cells.
    public static let required = FindingKind("required", .error,
        "必填项「{field}」为空，请填写。", "Required field \"{field}\" is empty; please fill it in.")
    public static let notANumber = FindingKind("not_a_number", .error,
        "「{field}」应为数字（万元，可用千分位逗号，最多4位小数），实际为“{value}”；未发生请留空。",
        "\"{field}\" must be a number (10k yuan, thousands separators allowed, at most 4 decimals), got \"{value}\"; leave empty if not applicable.")
    public static let negative = FindingKind("negative", .error,
        "「{field}」不能为负数，实际为“{value}”。", "\"{field}\" cannot be negative, got \"{value}\".")
    public static let tooManyDecimals = FindingKind("too_many_decimals", .error,
        "「{field}」最多保留4位小数（精确到元），实际为“{value}”。",
        "\"{field}\" has at most 4 decimals (whole yuan), got \"{value}\".")
    public static let tooLarge = FindingKind("too_large", .error,
        "「{field}」数值过大：“{value}”，请检查单位（万元）。", "\"{field}\" is too large: \"{value}\"; check the unit (10k yuan).")
    public static let notWhole = FindingKind("not_whole", .error,
        "「{field}」应为不小于0的整数，实际为“{value}”。", "\"{field}\" must be a whole number ≥ 0, got \"{value}\".")
    public static let tooLong = FindingKind("too_long", .error,
        "「{field}」超过{other}个字符。", "\"{field}\" is longer than {other} characters.")
    public static let unknownValue = FindingKind("unknown_value", .error,
        "「{field}」的值“{value}”不在可选范围内，可填：{other}。",
        "\"{field}\": \"{value}\" is not one of the allowed values: {other}.")
    public static let badPeriod = FindingKind("bad_period", .error,
        "「{field}」应为年份（如2025）或季度（如2025Q1），实际为“{value}”。",
        "\"{field}\" must be a year (2025) or a quarter (2025Q1), got \"{value}\".")
    public static let badDate = FindingKind("bad_date", .error,
        "「{field}」不是有效日期（如2025-03-31），实际为“{value}”。",
        "\"{field}\" is not a valid date (like 2025-03-31), got \"{value}\".")
    public static let badIdentifier = FindingKind("bad_identifier", .error,
        "「{field}」应为小写英文字母、数字和下划线组成的代码，实际为“{value}”。",
        "\"{field}\" must be an id of lower-case letters, digits and underscores, got \"{value}\".")
    public static let badDivisionCode = FindingKind("bad_division_code", .error,
        "「{field}」应为6位行政区划代码，实际为“{value}”。", "\"{field}\" must be a 6-digit division code, got \"{value}\".")
    public static let unknownZone = FindingKind("unknown", .error,
        "集聚区“{value}”不在集聚区名录（zones.csv）中；可填：{other}。",
        "Zone \"{value}\" is not in the zones file (zones.csv); known zones: {other}.")
    public static let unknownIndicator = FindingKind("unknown_indicator", .warning,
        "指标代码“{value}”不是已知的区域统计指标，将按原样保存。",
        "\"{value}\" is not a known regional indicator id; it is kept as given.")
    public static let creditCodeLength = FindingKind("length", .error,
        "统一社会信用代码应为18位，实际为{other}位：“{value}”。",
        "A unified social credit code has 18 characters; \"{value}\" has {other}.")
    public static let creditCodeCharacter = FindingKind("character", .error,
        "统一社会信用代码第{other}位字符无效：“{value}”（不能含I、O、S、V、Z及标点）。",
        "Character {other} of the credit code \"{value}\" is not allowed (no I, O, S, V, Z or punctuation).")
    public static let creditCodeChecksum = FindingKind("checksum", .error,
        "统一社会信用代码“{value}”校验位错误（按GB 32100-2015应为{other}），请核对营业执照。",
        "Credit code \"{value}\" fails its check character (GB 32100-2015 expects {other}); check the business licence.")
    // Rows.
    public static let exceedsWhole = FindingKind("exceeds", .error,
        "「{field}」（{value}）大于「{other}」（{detail}）。", "\"{field}\" ({value}) is greater than \"{other}\" ({detail}).")
    public static let breakdownExceedsTotal = FindingKind("breakdown_exceeds_total", .error,
        "各项业务收入之和（{value}万元）大于营业收入（{other}万元）。",
        "The revenue breakdown adds up to {value} (10k yuan), more than revenue ({other}).")
    public static let breakdownBelowTotal = FindingKind("breakdown_below_total", .warning,
        "各项业务收入之和（{value}万元）不足营业收入（{other}万元）的99%，请核对是否漏填。",
        "The revenue breakdown adds up to {value} (10k yuan), less than 99% of revenue ({other}); check for missing lines.")
    public static let missingForFinancing = FindingKind("missing_for_financing", .error,
        "填报了质押融资额（{other}万元）但「{field}」为空或为0。",
        "Pledge financing of {other} (10k yuan) is reported but \"{field}\" is empty or 0.")
    public static let divisionMismatch = FindingKind("division_mismatch", .warning,
        "统一社会信用代码“{value}”的登记机关区划码{detail}与集聚区{other}的区划码不一致，请确认机构所在地。",
        "The division code {detail} in credit code \"{value}\" is not that of zone {other}; check where the agency is registered.")
    public static let duplicateInFile = FindingKind("duplicate_in_file", .error,
        "与第{other}行重复（同一{field}），本行未采用。", "Duplicates line {other} (same {field}); this row is not used.")
    public static let fieldCount = FindingKind("csv.extra_fields", .error,
        "本行有{value}个字段，多于表头的{other}列。", "This row has {value} fields, more than the {other} columns of the header.")
    public static let missingFields = FindingKind("csv.missing_fields", .warning,
        "本行只有{value}个字段，少于表头的{other}列，缺少的按未填报处理。",
        "This row has only {value} fields, fewer than the {other} columns of the header; the missing ones count as not reported.")
    public static let unterminatedQuote = FindingKind("csv.unterminated_quote", .error,
        "引号未闭合：从本行开始到文件末尾都被读成了一个单元格，请检查双引号。",
        "Unclosed quote: everything from this line to the end of the file was read as one cell; check the double quotes.")
    public static let strayQuote = FindingKind("csv.stray_quote", .warning,
        "未加引号的单元格中出现双引号，已按普通字符读取。", "A double quote inside an unquoted cell was read as an ordinary character.")
    public static let textAfterQuote = FindingKind("csv.text_after_quote", .warning,
        "右引号后还有文字，已一并读入单元格。", "Text follows the closing quote; it was read into the cell.")
    public static let invalidByte = FindingKind("encoding.invalid_byte", .error,
        "第{other}字节（0x{value}）无法按{detail}解码，已替换为�，本行未采用；请用UTF-8或GBK重新保存文件。",
        "Byte {other} (0x{value}) cannot be decoded as {detail}; it was replaced by � and the row is not used. Save the file again as UTF-8 or GBK.")
    /// Several undecodable bytes in one cell (or one header): one finding, not one per byte.
    public static let invalidBytes = FindingKind("encoding.invalid_byte", .error,
        "{other}无法按{detail}解码（第一个为0x{value}），已替换为�，本行未采用；请用UTF-8或GBK重新保存文件。",
        "{other} cannot be decoded as {detail} (the first is 0x{value}); they were replaced by � and the row is not used. Save the file again as UTF-8 or GBK.")
    public static let unsafeCharacter = FindingKind("unsafe_character", .error,
        "「{field}」第{other}个字符{detail}是不可见的控制字符、方向控制符或非字符，不能公布；请删除后重新报送。",
        "\"{field}\": character {other} ({detail}) is an invisible control, direction override or non-character that cannot be published; remove it and send the return again.")
    public static let notText = FindingKind("file.not_text", .error,
        "这不是CSV文本文件（{other}），已跳过；请在Excel中“另存为”Excel工作簿（.xlsx）或CSV（UTF-8）后重新报送。",
        "This is not a CSV text file ({other}); it is skipped. Save it from Excel as an Excel workbook (.xlsx) or CSV (UTF-8) and send it again.")
    // Workbooks.
    public static let excelError = FindingKind("error_value", .error,
        "「{field}」单元格是Excel错误值{value}（公式无法计算），本行未采用；请修正公式或直接填写数值。",
        "\"{field}\" holds the Excel error {value} (a formula that cannot be computed); the row is not used. Fix the formula or type the value.")
    public static let formulaWithoutValue = FindingKind("formula_without_value", .error,
        "「{field}」是公式（{value}），但文件中没有它的计算结果，本行未采用；请在Excel中打开、保存后重新报送，或直接填写数值。",
        "\"{field}\" is a formula ({value}) saved without its result; the row is not used. Open and save the workbook in Excel, or type the value.")
    public static let notWorkbook = FindingKind("xlsx.not_workbook", .error,
        "这不是Excel工作簿（{detail}），已跳过；请在Excel中“另存为”Excel工作簿（.xlsx）或CSV（UTF-8）后重新报送。",
        "This is not an Excel workbook ({detail}); it is skipped. Save it from Excel as an Excel workbook (.xlsx) or CSV (UTF-8) and send it again.")
    public static let encryptedWorkbook = FindingKind("xlsx.encrypted", .error,
        "工作簿设置了打开密码（已加密），无法读取，已跳过；请在Excel中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后重新报送。",
        "The workbook is protected by a password (encrypted) and cannot be read; it is skipped. Remove the password in Excel (File → Info → Protect Workbook → Encrypt with Password, clear it) and send it again.")
    public static let workbookTooLarge = FindingKind("xlsx.too_large", .error,
        "工作簿解压后超过{detail}的上限（{other}），为防范“压缩炸弹”已停止读取并跳过；请拆分为多个文件报送。",
        "The workbook unpacks to more than the limit of {detail} ({other}); reading stopped and the file is skipped, as a guard against zip bombs. Split it into several files.")
    public static let damagedWorkbook = FindingKind("xlsx.damaged", .error,
        "工作簿已损坏，无法读取（{detail}），已跳过；请在Excel中打开并重新保存后报送。",
        "The workbook is damaged and cannot be read ({detail}); it is skipped. Open it in Excel, save it again and send it.")
    public static let mergedHeader = FindingKind("header.merged_cells", .error,
        "表头有合并单元格（{value}），无法确定每一列的含义，所有数据行均未采用；请取消合并，使每列都有自己的标题。",
        "The header has merged cells ({value}), so the columns cannot be told apart; no row is used. Unmerge them so that every column has its own title.")
    public static let mergedCells = FindingKind("xlsx.merged_cells", .warning,
        "合并单元格{value}：只读取其左上角单元格的值，其余单元格按未填报处理。",
        "Merged cells {value}: only the top-left cell's value is read; the others count as not reported.")
    public static let hiddenSheet = FindingKind("xlsx.hidden_sheet", .warning,
        "工作表“{value}”是隐藏的，未读取；读取的是工作表“{detail}”。",
        "Sheet \"{value}\" is hidden and was not read; sheet \"{detail}\" was read.")
    public static let notRegular = FindingKind("file.not_regular", .error,
        "不是普通文件（{other}），已跳过。", "Not a regular file ({other}); skipped.")
    public static let fileError = FindingKind("file.has_errors", .error,
        "文件表头有错误，所有数据行均未采用。", "The file's header has errors; no row of it is used.")
    // Files.
    public static let unknownColumn = FindingKind("header.unknown_column", .warning,
        "未知的列“{value}”，已忽略。", "Unknown column \"{value}\" is ignored.")
    public static let duplicateColumn = FindingKind("header.duplicate_column", .error,
        "列「{field}」重复出现（第{other}列与第{detail}列）。", "Column \"{field}\" appears twice (columns {other} and {detail}).")
    public static let missingColumn = FindingKind("header.missing_column", .error,
        "缺少必填列「{field}」。", "Required column \"{field}\" is missing.")
    public static let unrecognised = FindingKind("file.unrecognised", .warning,
        "无法从表头识别文件类型（调查表、集聚区名录、区域统计或规划目标），已跳过。",
        "The header does not match any known file (returns, zones, regional statistics, targets); the file is skipped.")
    public static let emptyFile = FindingKind("file.empty", .warning,
        "文件为空，已跳过。", "The file is empty; skipped.")
    public static let unreadable = FindingKind("file.unreadable", .error,
        "无法读取文件：{detail}", "Cannot read the file: {detail}")

    /// Every kind, for describing a code (`invalidBytes` stands for both kinds of `encoding.invalid_byte`).
    static var kinds: [FindingKind] { [required, notANumber, negative, tooManyDecimals, tooLarge, notWhole, tooLong, unknownValue, badPeriod, badDate, badIdentifier, badDivisionCode, unknownZone, unknownIndicator, creditCodeLength, creditCodeCharacter, creditCodeChecksum, exceedsWhole, breakdownExceedsTotal, breakdownBelowTotal, missingForFinancing, divisionMismatch, duplicateInFile, fieldCount, missingFields, unterminatedQuote, strayQuote, textAfterQuote, invalidBytes, unsafeCharacter, notText, excelError, formulaWithoutValue, notWorkbook, encryptedWorkbook, workbookTooLarge, damagedWorkbook, mergedHeader, mergedCells, hiddenSheet, notRegular, fileError, unknownColumn, duplicateColumn, missingColumn, unrecognised, emptyFile, unreadable] }

    /// What a finding code means, in words, for people who do not read codes (the white paper's data-quality
    /// appendix): the kind's message with the field's title and "…" for the values of a particular row —
    /// `credit_code.checksum` → 统一社会信用代码“…”校验位错误（按GB 32100-2015应为…），请核对营业执照。
    /// Nil for a code no kind has.
    public static func describe(_ code: String) -> Bilingual? {
        let kind = kinds.first { $0.suffix == code } ?? kinds.first { code.hasSuffix("." + $0.suffix) }
        guard let kind else { return nil }
        let fieldID = kind.suffix == code ? nil : String(code.dropLast(kind.suffix.count + 1))
        let field = fieldID.flatMap { id in FileKind.allCases.lazy.compactMap { Form.of($0).fields.first { $0.id == id } }.first }
        func text(_ language: Language) -> String {
            kind.message(field: field?.title[language] ?? fieldID ?? "", value: "…", other: "…", detail: "…", language: language)
        }
        return Bilingual(text(.zh), text(.en))
    }

    /// The finding for undecodable bytes of one cell (or the header), however many there are.
    static func decodingFinding(_ first: DecodingIssue, count: Int, field: Field?, column: Int?, encoding: String) -> Finding {
        let line = first.line
        let hex = String(first.byte, radix: 16, uppercase: true)
        if count == 1 {
            return finding(invalidByte, field: field, line: line, column: column, value: hex,
                           other: Bilingual("\(first.offset)", "\(first.offset)"), detail: encoding, codeSuffix: "invalid_byte")
        }
        return finding(invalidBytes, field: field, line: line, column: column, value: hex,
                       other: Bilingual("从第\(first.offset)字节起共\(count)个字节", "\(count) bytes from byte \(first.offset)"),
                       detail: encoding, codeSuffix: "invalid_byte")
    }

    /// A finding of `kind` about `field` of a form (`<field id>.<suffix>`), or a file/row finding when `field` is nil.
    public static func finding(_ kind: FindingKind, field: Field? = nil, line: Int?, column: Int?, value: String? = nil,
                        other: (Bilingual)? = nil, detail: String = "", codeSuffix: String? = nil) -> Finding {
        let code: String
        if let field { code = "\(field.id).\(codeSuffix ?? kind.suffix)" } else { code = kind.suffix }
        // Personal data is never echoed; any other value is cut to a line and 80 characters (SafeText.echo).
        let shown = field?.personal == true ? nil : value.map { SafeText.echo($0) }
        func text(_ language: Language) -> String {
            kind.message(field: field?.label(language) ?? "", value: shown ?? (value == nil ? "" : "…"), other: other?[language] ?? "",
                         detail: detail, language: language)
        }
        return Finding(code: code, severity: kind.severity, line: line, column: column, field: field?.id,
                       value: shown, message: Bilingual(text(.zh), text(.en)))
    }
}
