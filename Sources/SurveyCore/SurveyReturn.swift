import Foundation

/// One accepted survey return (统计调查表), as Statistics sees it: typed, exact, and without personal data
/// (联系人, 联系电话, 填报日期 stay in the archive).
public struct SurveyReturn: Sendable, Hashable {
    public var creditCode: CreditCode
    public var agencyName: String
    /// The zone id.
    public var zone: String
    public var period: Period
    /// An id of `Choices.agencyKind`.
    public var agencyKind: String
    /// Business types as a bit mask of indexes in `Choices.businessType` (a firm may have several).
    public var businessTypes: UInt32
    /// An id of `Choices.brandLevel`.
    public var brandLevel: String
    /// The money (whole yuan) and count fields, in the order of `SurveyReturn.numberFields`; nil = not reported.
    public var numbers: ReturnNumbers
    /// An id of `Choices.provinceDesignation`; nil when the return does not say (forms before 2026-12).
    public var designation: String? = nil

    /// The ids of the money and count fields of the form, in form order.
    public static let numberFields: [String] = Form.returns.fields.filter { $0.type == .money || $0.type == .count }.map(\.id)
    public static let numberIndex: [String: Int] = Dictionary(uniqueKeysWithValues: numberFields.enumerated().map { ($1, $0) })

    public init(creditCode: CreditCode, agencyName: String, zone: String, period: Period, agencyKind: String,
                businessTypes: UInt32, brandLevel: String, numbers: [Int64?]) {
        self.init(creditCode: creditCode, agencyName: agencyName, zone: zone, period: period, agencyKind: agencyKind,
                  businessTypes: businessTypes, brandLevel: brandLevel, numbers: ReturnNumbers(numbers))
    }

    public init(creditCode: CreditCode, agencyName: String, zone: String, period: Period, agencyKind: String,
                businessTypes: UInt32, brandLevel: String, numbers: ReturnNumbers) {
        self.creditCode = creditCode; self.agencyName = agencyName; self.zone = zone; self.period = period
        self.agencyKind = agencyKind; self.businessTypes = businessTypes; self.brandLevel = brandLevel; self.numbers = numbers
    }

    /// The value of a money or count field by id (money in yuan), nil when not reported.
    public subscript(field: String) -> Int64? {
        guard let i = SurveyReturn.numberIndex[field] else { preconditionFailure("not a number field: \(field)") }
        return numbers[i]
    }

    /// The business type ids, in catalogue order.
    public var businessTypeIDs: [String] {
        Choices.businessType.options.indices.filter { businessTypes & (1 << UInt32($0)) != 0 }.map { Choices.businessType.options[$0].id }
    }
}

/// The number fields of a return, 8 bytes each: "not reported" is `Int64.min`, which no checked value can be
/// (money and counts are ≥ 0). Half the memory of `[Int64?]` (16 bytes a slot), which a million-return query
/// allocates and touches.
public struct ReturnNumbers: Sendable, Hashable, RandomAccessCollection {
    @usableFromInline var slots: [Int64]
    static let notReported = Int64.min

    public init(_ values: [Int64?]) { slots = values.map { $0 ?? ReturnNumbers.notReported } }

    /// `count` slots, all not reported.
    public init(count: Int) { slots = [Int64](repeating: ReturnNumbers.notReported, count: count) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }

    /// Every slot not reported again (in place when the buffer is not shared).
    public mutating func clear() {
        slots.withUnsafeMutableBufferPointer { $0.update(repeating: ReturnNumbers.notReported) }
    }

    @inlinable public subscript(i: Int) -> Int64? {
        get { let v = slots[i]; return v == Int64.min ? nil : v }
        set { slots[i] = newValue ?? Int64.min }
    }
}

/// A figure about a zone that agencies do not report (专利申请总量, GDP growth …), from `regional/`.
public struct RegionalFigure: Sendable, Hashable {
    public var zone: String
    public var period: Period
    public var indicator: String
    public var value: Decimal
    public var source: String
    public init(zone: String, period: Period, indicator: String, value: Decimal, source: String) {
        self.zone = zone; self.period = period; self.indicator = indicator; self.value = value; self.source = source
    }
}

/// A target of a zone plan, from `targets.csv`; zone `all` means all zones together.
public struct PlanTarget: Sendable, Hashable {
    public var zone: String
    public var indicator: String
    public var op: TargetOperator
    /// The target value; for `>=ref:` the margin (0 when the row leaves it empty).
    public var value: Decimal
    public var deadline: SimpleDate
    public var source: String
    /// The plan's own words (专利代理率达85%以上), shown beside the target in every report.
    public var quote: String
    /// For an increase or growth target: the year whose value it is measured from.
    public var baseYear: Int?
    /// For an "about" target: how far from `value` still counts as met, as a fraction (nil: 0.1).
    public var tolerance: Decimal?

    public init(zone: String, indicator: String, op: TargetOperator, value: Decimal, deadline: SimpleDate, source: String,
                quote: String = "", baseYear: Int? = nil, tolerance: Decimal? = nil) {
        self.zone = zone; self.indicator = indicator; self.op = op; self.value = value; self.deadline = deadline; self.source = source
        self.quote = quote; self.baseYear = baseYear; self.tolerance = tolerance
    }

    /// ±10 % around an "about" target unless the row says otherwise.
    public static let defaultTolerance = Decimal(string: "0.1")!
}
