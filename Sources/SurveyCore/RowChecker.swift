import CIntrinsics
import Foundation

/// The outcome of checking one data row.
public struct CheckedRow: Sendable {
    /// The physical line where the record starts.
    public let line: Int
    /// One value per field of the form (`.empty` when not reported, missing, or invalid, and for personal
    /// data, which is checked but not carried on).
    public let values: [CellValue]
    public let findings: [Finding]
    public var isRejected: Bool { findings.contains { $0.severity == .error } }

    public init(line: Int, values: [CellValue], findings: [Finding]) { self.line = line; self.values = values; self.findings = findings }
}

/// Checks data rows of one file against a form: each cell against its type, then the rules between cells.
/// A class: as a struct it was copied around every row's check (3–19 % of a check, depending on who held it).
///
/// Everything read for every cell (the field's plan, the row's values, the rules) is made of plain values with
/// no reference-counted parts: retaining, releasing and destroying `CellValue`s, field types and rules with
/// arrays in them was 15 % of checking a file.
public final class RowChecker {
    public let form: Form
    public let header: HeaderMap
    public let zones: ZoneDirectory
    private let encodingLabel: String
    /// Lines of the credit code × period keys seen so far, and of other keys (small files).
    private var seenCodes = CodePeriodTable()
    private var seenText: [String: Int] = [:]
    private let rules: [ResolvedRule]
    /// The fields named by rules (`ResolvedRule` refers to ranges of this array).
    private let ruleFields: [Int]
    /// Per field of the form: its column in the file, −1 when the file has none. With `numberScale`, read in
    /// place for every cell, without an array's bounds check.
    private let columnOfField: UnsafeMutablePointer<Int>
    private let plans: [Plan]
    /// Per field: the scale of a money (4) or count (0) field, −1 for any other type (`plainNumber`).
    private let numberScale: UnsafeMutablePointer<Int>
    private let domains: [ChoiceDomain]
    /// The spellings of `domains`, read in place (a `ChoiceDomain` taken out of an array retained its four
    /// arrays, for each choice cell).
    private let spellings: UnsafeMutablePointer<Spellings>
    private let required: [Bool]
    private let personal: [Bool]
    /// An empty cell means "none" (brand level), not "not reported".
    private let emptyIsFirstOption: [Bool]
    /// The values of the row being checked, one per field of the form.
    private let slots: UnsafeMutablePointer<Slot>
    /// Values of the row being checked that hold text (`Slot.boxed` indexes this).
    private var boxes: [CellValue] = []
    /// The credit code and period fields of a credit code × period key, and the later of the two: once it is
    /// read, the key's slot in `seenCodes` is fetched from memory while the rest of the row is read.
    private let keyFields: (code: Int, period: Int, last: Int)
    /// True for a checker of one part of a file read in parallel (`SplitCheck`): a credit code × period key is
    /// not looked up here but left in `deferredKey`, and the merge looks it up in line order, so the first
    /// occurrence is the one kept, as when the file is read in one pass.
    public var defersUniqueness = false
    /// The credit code × period key of the row just checked when `defersUniqueness` (nil: none, or the row has
    /// an error and takes no part in the check).
    public private(set) var deferredKey: (high: UInt64, low: UInt64)? = nil
    /// Whether the form's uniqueness rule is on credit code × period (the only key `defersUniqueness` defers).
    public var hasCodePeriodKey: Bool { keyFields.code >= 0 }

    /// A value of the row being checked: a `CellValue` without reference-counted payloads, so a row's values are
    /// written, read and overwritten as plain bits. Values with text in them wait in `boxes`.
    private enum Slot {
        case empty
        case int(Int64)
        case choice(Int)
        case choices(UInt32)
        case zone(Int)
        case creditCode(CreditCode)
        case period(Period)
        case date(SimpleDate)
        case boxed(Int)

        var int: Int64? { if case .int(let v) = self { v } else { nil } }
        var isEmpty: Bool { if case .empty = self { true } else { false } }
    }

    /// How to read a field's cells (`FieldType` without its payloads: choices by index into `domains`).
    private enum Plan {
        case money, count, text(maxLength: Int), creditCode, zoneRef, period, choice(Int), choices(Int), date
        case decimal, identifier, divisionCode, targetOperator
    }

    private enum UniqueKey {
        case creditCodePeriod(UInt64, UInt64)
        case text(String)
    }

    /// A cross-field rule by field index; lists of fields are ranges of `ruleFields`.
    private enum ResolvedRule {
        case notGreaterThan(Int, Int)
        case breakdown(Range<Int>, Int, Int64)
        case positiveWhenPositive(Int, Int)
        case divisionMatchesZone(Int, Int)
        case uniqueInFile(Range<Int>)
        case requiredUnlessReference(Int, Int)
    }

    /// - Parameter expectedRows: about how many rows the file has (sizes the table of keys seen).
    public init(form: Form, header: HeaderMap, zones: ZoneDirectory, encoding: TextEncoding, expectedRows: Int = 0) {
        self.form = form; self.header = header; self.zones = zones; self.encodingLabel = encoding.label
        seenCodes = CodePeriodTable(capacity: max(1024, expectedRows))
        let fieldCount = form.fields.count
        columnOfField = .allocate(capacity: max(1, fieldCount))
        columnOfField.initialize(from: header.columnOfField.map { $0 ?? -1 }, count: fieldCount)
        var domains: [ChoiceDomain] = []
        func domain(_ d: ChoiceDomain) -> Int {
            if let i = domains.firstIndex(of: d) { return i }
            domains.append(d)
            return domains.count - 1
        }
        numberScale = .allocate(capacity: max(1, fieldCount))
        numberScale.initialize(from: form.fields.map { field in
            switch field.type {
            case .money: 4
            case .count: 0
            default: -1
            }
        }, count: fieldCount)
        plans = form.fields.map { field in
            switch field.type {
            case .money: .money
            case .count: .count
            case .text(let n): .text(maxLength: n)
            case .creditCode: .creditCode
            case .zoneRef: .zoneRef
            case .period: .period
            case .choice(let d): .choice(domain(d))
            case .choices(let d): .choices(domain(d))
            case .date: .date
            case .decimal: .decimal
            case .identifier: .identifier
            case .divisionCode: .divisionCode
            case .targetOperator: .targetOperator
            }
        }
        self.domains = domains
        spellings = .allocate(capacity: max(1, domains.count))
        spellings.initialize(from: domains.map(\.spellings), count: domains.count)
        required = form.fields.map(\.required)
        personal = form.fields.map(\.personal)
        emptyIsFirstOption = form.fields.map { if case .choice(let d) = $0.type { d.id == Choices.brandLevel.id } else { false } }
        slots = .allocate(capacity: max(1, form.fields.count))
        slots.initialize(repeating: .empty, count: max(1, form.fields.count))
        let ix = form.index
        var ruleFields: [Int] = []
        func range(_ ids: [String]) -> Range<Int> {
            let start = ruleFields.count
            ruleFields += ids.map { ix[$0]! }
            return start..<ruleFields.count
        }
        rules = form.rules.map { rule in
            switch rule {
            case .notGreaterThan(let p, let w): .notGreaterThan(ix[p]!, ix[w]!)
            case .breakdown(let ps, let w, let pct): .breakdown(range(ps), ix[w]!, Int64(pct))
            case .positiveWhenPositive(let f, let w): .positiveWhenPositive(ix[f]!, ix[w]!)
            case .divisionMatchesZone(let c, let z): .divisionMatchesZone(ix[c]!, ix[z]!)
            case .uniqueInFile(let ks): .uniqueInFile(range(ks))
            case .requiredUnlessReference(let f, let op): .requiredUnlessReference(ix[f]!, ix[op]!)
            }
        }
        self.ruleFields = ruleFields
        keyFields = rules.lazy.compactMap { rule -> (Int, Int, Int)? in
            guard case .uniqueInFile(let keys) = rule, keys.count == 2 else { return nil }
            let (c, p) = (ruleFields[keys.lowerBound], ruleFields[keys.lowerBound + 1])
            guard case .creditCode = form.fields[c].type, case .period = form.fields[p].type else { return nil }
            return (c, p, max(c, p))
        }.first ?? (-1, -1, -1)
    }

    deinit {
        columnOfField.deallocate()
        numberScale.deallocate()
        slots.deallocate()
        spellings.deinitialize(count: domains.count)
        spellings.deallocate()
    }

    /// Checks one record; `decoding` are the undecodable bytes on its lines. With `keepValues: false` the row
    /// comes back with its findings only (`values` empty): what `validate` needs, without making an array of
    /// values for every row.
    public func check(_ record: CSVRecord, decoding: [DecodingIssue] = [], keepValues: Bool = true) -> CheckedRow {
        var findings: [Finding] = []
        let line = record.line
        deferredKey = nil
        for issue in record.issues {
            switch issue {
            case .unterminatedQuote(let c): findings.append(Rulebook.finding(Rulebook.unterminatedQuote, line: line, column: c))
            case .strayQuote(let c): findings.append(Rulebook.finding(Rulebook.strayQuote, line: line, column: c))
            case .textAfterQuote(let c): findings.append(Rulebook.finding(Rulebook.textAfterQuote, line: line, column: c))
            }
        }
        if !decoding.isEmpty {
            // The undecodable bytes, in order, are the U+FFFD the decoder put into the cells, in order: one pass
            // over the record gives each cell its share, and each cell one finding (a cell of a million bad
            // bytes is one finding, found in linear time).
            var next = 0
            func report(_ issues: ArraySlice<DecodingIssue>, column: Int?) {
                guard let first = issues.first else { return }
                let field = column.flatMap { header.fieldOfColumn.indices.contains($0) ? header.fieldOfColumn[$0].map { form.fields[$0] } : nil }
                findings.append(Rulebook.decodingFinding(first, count: issues.count, field: field, column: column.map { $0 + 1 }, encoding: encodingLabel))
            }
            for c in 0..<record.count where next < decoding.count {
                let cell = record[c]
                var replaced = 0, k = 0
                while k + 2 < cell.count {
                    if cell[k] == 0xEF && cell[k + 1] == 0xBF && cell[k + 2] == 0xBD { replaced += 1; k += 3 } else { k += 1 }
                }
                guard replaced > 0 else { continue }
                let take = min(replaced, decoding.count - next)
                report(decoding[next..<(next + take)], column: c)
                next += take
            }
            report(decoding[next...], column: nil)
        }
        let columns = header.fieldOfColumn.count
        if record.count > columns {
            let extra = (columns..<record.count).contains { CellBytes.trim(record[$0]).count > 0 }
            if extra {
                findings.append(Rulebook.finding(Rulebook.fieldCount, line: line, column: columns + 1,
                                                 value: "\(record.count)", other: Bilingual("\(columns)", "\(columns)")))
            }
        } else if record.count < columns {
            findings.append(Rulebook.finding(Rulebook.missingFields, line: line, column: record.count + 1,
                                             value: "\(record.count)", other: Bilingual("\(columns)", "\(columns)")))
        }

        if !boxes.isEmpty { boxes.removeAll(keepingCapacity: true) }
        let fieldCount = plans.count
        let cells = record.count
        for f in 0..<fieldCount {
            let column = columnOfField[f]
            if column >= 0 {
                let raw = column < cells ? record[column] : UnsafeBufferPointer(start: nil, count: 0)
                let scale = numberScale[f]
                if scale >= 0, raw.count == 1, raw[0] &- 0x30 < 10 {
                    // One digit (seven number cells in ten of a national file, most of them 0), without a call.
                    slots[f] = .int(Int64(raw[0] &- 0x30) &* CellBytes.powerOfTen(scale))
                } else if scale >= 0, let v = Self.plainNumber(raw, scale: scale) {
                    slots[f] = .int(v)
                } else {
                    slots[f] = parse(f, raw, line: line, column: column + 1, keepText: keepValues, findings: &findings)
                }
                if f == keyFields.last, !defersUniqueness, case .creditCode(let code) = slots[keyFields.code],
                   case .period(let period) = slots[keyFields.period] {
                    let (high, low) = Self.key(code, period)
                    seenCodes.prefetch(high, low)
                }
            } else {
                slots[f] = .empty
            }
        }
        applyRules(line: line, findings: &findings)
        return CheckedRow(line: line, values: keepValues ? (0..<fieldCount).map { value(slots[$0]) } : [], findings: findings)
    }

    /// The value of a number cell that needs no trimming and reads as a value, as `parse` would read it; nil for
    /// any other (`parse` then reads it, and says what is wrong). Three quarters of a return's cells are these,
    /// and `parse`'s frame (its failure paths build findings) cost more than reading their digits: 1M returns
    /// validated in a sixth less time (7 runs alternating, medians 0.63 s and 0.74 s). The other common cells
    /// (credit code, zone, period, choices, the name) read the same way gained nothing measurable.
    @inline(__always)
    private static func plainNumber(_ raw: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64? {
        guard let last = raw.last, raw[0] &- 0x30 < 10, last &- 0x30 < 10 else { return nil }
        if let v = CellBytes.plainValue(raw, scale: scale) { return v }
        if case .value(let v) = CellBytes.number(raw, scale: scale) { return v }
        return nil
    }

    /// The `CellValue` of a slot of the row being checked.
    private func value(_ slot: Slot) -> CellValue {
        switch slot {
        case .empty: .empty
        case .int(let v): .int(v)
        case .choice(let i): .choice(i)
        case .choices(let m): .choices(m)
        case .zone(let z): .zone(z)
        case .creditCode(let c): .creditCode(c)
        case .period(let p): .period(p)
        case .date(let d): .date(d)
        case .boxed(let i): boxes[i]
        }
    }

    private func box(_ v: CellValue) -> Slot {
        boxes.append(v)
        return .boxed(boxes.count - 1)
    }

    // MARK: Cells

    private func parse(_ f: Int, _ raw: UnsafeBufferPointer<UInt8>, line: Int, column: Int, keepText: Bool,
                       findings: inout [Finding]) -> Slot {
        let b = CellBytes.trim(raw)
        var field: Field { form.fields[f] }      // only needed to describe a problem
        func fail(_ kind: FindingKind, other: Bilingual? = nil, detail: String = "", suffix: String? = nil) -> Slot {
            findings.append(Rulebook.finding(kind, field: field, line: line, column: column, value: CellBytes.string(raw),
                                             other: other, detail: detail, codeSuffix: suffix))
            return .empty
        }
        let plan = plans[f]
        if b.count == 0 {
            if required[f] { return fail(Rulebook.required) }
            return emptyIsFirstOption[f] ? .choice(0) : .empty
        }
        switch plan {
        case .money, .count:
            let isMoney: Bool
            if case .money = plan { isMoney = true } else { isMoney = false }
            switch CellBytes.number(b, scale: numberScale[f]) {
            case .value(let v): return .int(v)
            case .notANumber: return fail(isMoney ? Rulebook.notANumber : Rulebook.notWhole,
                                          suffix: isMoney ? nil : "not_a_number")
            case .negative: return fail(Rulebook.negative)
            case .tooManyDecimals: return fail(Rulebook.tooManyDecimals)
            case .tooLarge: return fail(Rulebook.tooLarge)
            case .notWhole: return fail(Rulebook.notWhole)
            }
        case .text(let maxLength):
            // (A cell never has more characters than bytes: short ones need no counting.)
            if b.count > maxLength && CellBytes.characterCount(b) > maxLength { return fail(Rulebook.tooLong, other: Bilingual("\(maxLength)", "\(maxLength)")) }
            if let (position, scalar) = SafeText.firstUnsafe(b) {
                findings.append(Rulebook.finding(Rulebook.unsafeCharacter, field: field, line: line, column: column,
                                                 value: SafeText.terminal(CellBytes.string(raw)),
                                                 other: Bilingual("\(position)", "\(position)"), detail: SafeText.codePoint(scalar)))
                return .empty
            }
            // Personal data is checked but not carried on: nothing after the checker may see it.
            // Free text is in no rule, so when the values are not kept it is not made into a string either.
            return personal[f] || !keepText ? .empty : box(.text(CellBytes.string(b)))
        case .creditCode:
            if let code = CreditCode.packIfValid(b) { return .creditCode(code) }
            let code = CreditCode.normalize(b)       // not valid as it stands: spaces, lower case, full width, or wrong
            switch CreditCode.validate(code) {
            case nil: return .creditCode(CreditCode(validatedBytes: code))
            case .length(let n): return fail(Rulebook.creditCodeLength, other: Bilingual("\(n)", "\(n)"))
            case .character(let p): return fail(Rulebook.creditCodeCharacter, other: Bilingual("\(p)", "\(p)"))
            case .checksum(let expected): return fail(Rulebook.creditCodeChecksum, other: Bilingual(String(expected), String(expected)))
            }
        case .zoneRef:
            if let z = zones.match(b) { return .zone(z) }
            if form.kind == .targets, ZoneDirectory.all.contains(where: { CellBytes.equal(b, $0) }) { return .zone(-1) }
            return fail(Rulebook.unknownZone, other: Bilingual(zones.listing(.zh), zones.listing(.en)), suffix: "unknown")
        case .period:
            if let p = Period.parse(b) { return .period(p) }
            if let p = CellBytes.halfWidthNumber(b).withUnsafeBufferPointer({ Period.parse($0) }) { return .period(p) }
            return fail(Rulebook.badPeriod)
        case .choice(let d):
            if let i = spellings[d].match(b) { return .choice(i) }
            return fail(Rulebook.unknownValue, other: Bilingual(domains[d].listing(.zh), domains[d].listing(.en)))
        case .choices(let d):
            var mask: UInt32 = 0
            var failed: String? = nil
            let spelling = spellings + d
            CellBytes.forEachListItem(b) { part in
                guard failed == nil else { return }
                if let i = spelling.pointee.match(part) { mask |= 1 << UInt32(i) } else { failed = CellBytes.string(part) }
            }
            if let part = failed {
                let domain = domains[d]
                findings.append(Rulebook.finding(Rulebook.unknownValue, field: field, line: line, column: column,
                                                 value: part, other: Bilingual(domain.listing(.zh), domain.listing(.en))))
                return .empty
            }
            if mask == 0 { return fail(Rulebook.required) }
            return .choices(mask)
        case .date:
            if let d = SimpleDate.parseISO(b) ?? SimpleDate(CellBytes.string(b)) { return .date(d) }
            if personal[f] {   // a badly written 填报日期 is worth a note, not a rejection
                findings.append(Rulebook.finding(FindingKind(Rulebook.badDate.suffix, .warning, Rulebook.badDate.template.zh, Rulebook.badDate.template.en),
                                                 field: field, line: line, column: column, value: CellBytes.string(raw)))
                return .empty
            }
            return fail(Rulebook.badDate)
        case .decimal:
            let ascii = CellBytes.halfWidthNumber(b).filter { $0 != 0x2C }
            let text = String(decoding: ascii, as: UTF8.self)
            if Self.isDecimal(ascii), let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) { return box(.decimal(d)) }
            return fail(Rulebook.notANumber)
        case .identifier:
            let text = CellBytes.string(b)
            if text.isIdentifier { return box(.text(text)) }
            return fail(Rulebook.badIdentifier)
        case .divisionCode:
            if b.count == 6 && b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return box(.text(CellBytes.string(b))) }
            return fail(Rulebook.badDivisionCode)
        case .targetOperator:
            if let op = TargetOperator(CellBytes.string(b)) { return box(.targetOperator(op)) }
            return fail(Rulebook.unknownValue, other: Bilingual(">=、>、<=、<、>=ref:指标代码", ">=, >, <=, <, >=ref:INDICATOR"))
        }
    }

    static func isDecimal(_ b: [UInt8]) -> Bool {
        var i = 0, digits = 0, points = 0
        if i < b.count && (b[i] == 0x2D || b[i] == 0x2B) { i += 1 }
        while i < b.count {
            if b[i] >= 0x30 && b[i] <= 0x39 { digits += 1 } else if b[i] == 0x2E { points += 1 } else { return false }
            i += 1
        }
        return digits > 0 && points <= 1
    }

    // MARK: Rules between cells

    private func applyRules(line: Int, findings: inout [Finding]) {
        var fields: [Field] { form.fields }      // only needed to describe a problem
        func column(_ f: Int) -> Int? { header.columnOfField[f].map { $0 + 1 } }
        func wan(_ v: Int64) -> String { Money(yuan: v).wanExact }
        func shown(_ f: Int, _ v: Int64) -> String { fields[f].type == .money ? wan(v) : "\(v)" }
        let slots = self.slots
        for r in 0..<rules.count {
            switch rules[r] {
            case .notGreaterThan(let part, let whole):
                guard let p = slots[part].int, let w = slots[whole].int, p > w else { continue }
                findings.append(Rulebook.finding(Rulebook.exceedsWhole, field: fields[part], line: line, column: column(part),
                                                 value: shown(part, p), other: fields[whole].title, detail: shown(whole, w),
                                                 codeSuffix: "exceeds_\(fields[whole].id)"))
            case .breakdown(let parts, let whole, let percent):
                guard let w = slots[whole].int else { continue }
                // The share is compared in 128 bits: `sum * 100` stopped the program when cells could hold 10^18
                // yuan (a cell holds less than 10^12 now: parts of any form's rule cannot overflow their sum).
                var sum: Int64 = 0, reported = false
                for k in parts { if let v = slots[ruleFields[k]].int { sum += v; reported = true } }
                guard reported else { continue }
                if sum > w {
                    findings.append(Rulebook.finding(Rulebook.breakdownExceedsTotal, field: fields[whole], line: line, column: column(whole),
                                                     value: wan(sum), other: Bilingual(wan(w), wan(w))))
                } else if w.timesExceeds(percent, sum, times: 100) {
                    findings.append(Rulebook.finding(Rulebook.breakdownBelowTotal, field: fields[whole], line: line, column: column(whole),
                                                     value: wan(sum), other: Bilingual(wan(w), wan(w))))
                }
            case .positiveWhenPositive(let f, let when):
                guard let amount = slots[when].int, amount > 0, (slots[f].int ?? 0) == 0 else { continue }
                let id = form.fields[f].id
                if findings.contains(where: { $0.field == id }) { continue }   // already reported as malformed
                findings.append(Rulebook.finding(Rulebook.missingForFinancing, field: fields[f], line: line, column: column(f),
                                                 value: slots[f].int.map { "\($0)" } ?? "", other: Bilingual(wan(amount), wan(amount))))
            case .divisionMatchesZone(let c, let z):
                guard case .creditCode(let code) = slots[c], case .zone(let zone) = slots[z], zone >= 0,
                      let expected = zones.packedDivisionCode(zone), code.packedDivisionCode != expected else { continue }
                let zoneName = zones.zones[zone]
                findings.append(Rulebook.finding(Rulebook.divisionMismatch, field: fields[c], line: line, column: column(c),
                                                 value: code.text, other: Bilingual("\(zoneName.name.zh)（\(zoneName.divisionCode)）",
                                                                                     "\(zoneName.id) (\(zoneName.divisionCode))"),
                                                 detail: String(code.divisionCode)))
            case .requiredUnlessReference(let f, let op):
                guard case .empty = slots[f], case .boxed(let b) = slots[op], case .targetOperator(let o) = boxes[b], !o.isReference,
                      !findings.contains(where: { $0.field == form.fields[f].id }) else { continue }
                findings.append(Rulebook.finding(Rulebook.required, field: fields[f], line: line, column: column(f)))
            case .uniqueInFile(let keys):
                guard !findings.contains(where: { $0.severity == .error }) else { continue }
                guard let key = uniqueKey(keys) else { continue }
                let earlier: Int?
                switch key {
                case .creditCodePeriod(let high, let low):
                    if defersUniqueness { deferredKey = (high, low); continue }
                    earlier = seenCodes.insert(high, low, line: line)
                case .text(let text):
                    earlier = seenText[text]
                    if earlier == nil { seenText[text] = line }
                }
                if let first = earlier {
                    findings.append(duplicate(keys: ruleFields[keys], value: keys.map { describe(value(slots[ruleFields[$0]])) }.joined(separator: " "),
                                              line: line, first: first))
                }
            }
        }
    }

    /// The finding of a row whose key (`keys`, field indexes; `value`, their values as shown) was first seen on
    /// line `first`.
    private func duplicate(keys: ArraySlice<Int>, value: String, line: Int, first: Int) -> Finding {
        let fields = form.fields
        func column(_ f: Int) -> Int? { header.columnOfField[f].map { $0 + 1 } }
        let names = Bilingual(keys.map { fields[$0].title.zh }.joined(separator: "、"),
                              keys.map { fields[$0].title.en }.joined(separator: " + "))
        guard let k0 = keys.first else {       // (a form's key has at least one field)
            return Rulebook.finding(Rulebook.duplicateInFile, line: line, column: nil, value: value, other: Bilingual("\(first)", "\(first)"))
        }
        var finding = Rulebook.finding(Rulebook.duplicateInFile, field: fields[k0], line: line, column: column(k0),
                                       value: value, other: Bilingual("\(first)", "\(first)"))
        finding.message = Bilingual(finding.message.zh.replacingOccurrences(of: fields[k0].label(.zh), with: names.zh),
                                    finding.message.en.replacingOccurrences(of: fields[k0].label(.en), with: names.en))
        return finding
    }

    /// The finding `check` gives a row on `line` whose deferred key (`deferredKey`) was first seen on line `first`.
    public func duplicate(of key: (high: UInt64, low: UInt64), line: Int, first: Int) -> Finding {
        let code = CreditCode(high: key.high, low: key.low >> 16)
        let quarter = Int(key.low & 7)
        let period = Period(year: Int((key.low >> 3) & 0x1FFF), quarter: quarter == 0 ? nil : quarter)
        // The rule's keys are credit code then period (`keyFields` is only set for that order).
        return duplicate(keys: [keyFields.code, keyFields.period], value: "\(code.text) \(period.description)", line: line, first: first)
    }

    /// Credit code × period packs exactly into 128 bits (18 × 5 bits + period), so a million-row file keeps
    /// a compact set; other keys (small files) are text.
    private func uniqueKey(_ keys: Range<Int>) -> UniqueKey? {
        if keys.count == 2, case .creditCode(let code) = slots[ruleFields[keys.lowerBound]],
           case .period(let period) = slots[ruleFields[keys.lowerBound + 1]] {
            let (high, low) = Self.key(code, period)
            return .creditCodePeriod(high, low)
        }
        var parts: [String] = []
        for k in keys {
            let slot = slots[ruleFields[k]]
            if slot.isEmpty { return nil }
            parts.append(describe(value(slot)))
        }
        return .text(parts.joined(separator: "\u{1F}"))
    }

    @inline(__always)
    private static func key(_ code: CreditCode, _ period: Period) -> (UInt64, UInt64) {
        (code.high, code.low << 16 | UInt64(period.year) << 3 | UInt64(period.quarter ?? 0))
    }

    private func describe(_ v: CellValue) -> String { v.display(zones) ?? "" }
}

/// An open-addressing hash table from a credit code × period to the line it was first seen on.
/// Written by hand because the duplicate check is on every row: with `Dictionary` (SipHash, and growing by
/// rehashing) it was 17 % of checking a 333,000-row file. Here: a multiply-shift hash into one flat array of
/// 16-byte entries, the line kept in the key's unused bits, so a probe touches one cache line and the table
/// for a 333,000-row file is 8 MB (with 24-byte entries and a roomier table, 25 MB: 12 % of a check, most
/// of it waiting for memory).
///
/// Keys: `high` < 2^60 (twelve characters of 5 bits) and `low` < 2^46 (six characters and a period).
struct CodePeriodTable {
    private struct Entry { var high: UInt64, low: UInt64 }
    private var entries: [Entry]
    private var count = 0
    private var mask: Int
    /// Lines too large for the 22 spare bits (files of over four million lines).
    private var farLines: [UInt64: [(UInt64, Int)]] = [:]
    /// `high` of an empty slot: every 5-bit character value is at most 30, so a key is never all ones.
    private static let empty = UInt64.max
    private static let highKey: UInt64 = (1 << 60) - 1, lowKey: UInt64 = (1 << 46) - 1
    /// The stored line that means "see `farLines`" (22 bits; fewer only to test the far path).
    private let farLine: Int
    private let lineBits: Int

    init(capacity: Int = 1024, lineBits: Int = 22) {
        self.lineBits = min(lineBits, 22)
        farLine = (1 << self.lineBits) - 1
        var size = 16
        while size * 3 < capacity * 4 { size <<= 1 }     // at most three quarters full
        entries = [Entry](repeating: Entry(high: Self.empty, low: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ high: UInt64, _ low: UInt64, _ mask: Int) -> Int {
        let h = (high &* 0x9E37_79B9_7F4A_7C15) ^ (low &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0x1656_67B1_9E37_79F9) >> 32) & mask
    }

    /// Starts loading the slot where `high`/`low` would be looked for (a hint: nothing changes).
    @inline(__always)
    func prefetch(_ high: UInt64, _ low: UInt64) {
        let i = Self.slot(high, low, mask)
        entries.withUnsafeBufferPointer { ipsurvey_prefetch($0.baseAddress! + i) }
    }

    /// The line `high`/`low` was first seen on, or nil after recording it on `line` now.
    mutating func insert(_ high: UInt64, _ low: UInt64, line: Int) -> Int? {
        assert(high <= Self.highKey && low <= Self.lowKey)
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let mask = self.mask
        let stored = min(line, farLine)
        let found: Int? = entries.withUnsafeMutableBufferPointer { e in
            var i = Self.slot(high, low, mask)
            while true {
                let h = e[i].high
                if h == Self.empty {
                    e[i] = Entry(high: high | UInt64(stored >> 18) << 60, low: low | UInt64(stored & 0x3FFFF) << 46)
                    return nil
                }
                if h & Self.highKey == high && e[i].low & Self.lowKey == low { return Int(h >> 60) << 18 | Int(e[i].low >> 46) }
                i = (i + 1) & mask
            }
        }
        guard let found else {
            count += 1
            if stored == farLine { farLines[high, default: []].append((low, line)) }
            return nil
        }
        return found == farLine ? Self.farLine(of: high, low, in: farLines) ?? found : found
    }

    private mutating func grow() {
        let old = entries, far = farLines
        self = CodePeriodTable(capacity: old.count * 3 / 2, lineBits: lineBits)
        for e in old where e.high != Self.empty {
            let (high, low) = (e.high & Self.highKey, e.low & Self.lowKey)
            let line = Int(e.high >> 60) << 18 | Int(e.low >> 46)
            _ = insert(high, low, line: line == farLine ? Self.farLine(of: high, low, in: far) ?? line : line)
        }
    }

    private static func farLine(of high: UInt64, _ low: UInt64, in far: [UInt64: [(UInt64, Int)]]) -> Int? {
        far[high]?.first { $0.0 == low }?.1
    }
}
