/// What a failing rule does.
public enum Action: String, Sendable, CaseIterable, Comparable {
    /// Fails the CI gate and rejects admission.
    case deny
    /// Reported, and sent back as an admission warning.
    case warn
    /// Reported and recorded (audit annotation) only.
    case audit

    private var rank: Int {
        switch self {
        case .audit: 0
        case .warn: 1
        case .deny: 2
        }
    }

    public static func < (lhs: Action, rhs: Action) -> Bool { lhs.rank < rhs.rank }
}

/// How serious a finding is; carried into every report format.
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case low, medium, high, critical

    private var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A loaded `Policy` document.
///
/// Immutable once loaded; the fields live in ``SharedStorage``, because the evaluator reads
/// every policy and rule for every subject.
public struct Policy: Sendable {
    private struct Fields: Sendable {
        let name: String
        let description: String?
        let action: Action
        let severity: Severity
        let match: MatchClause?
        let exclude: MatchClause?
        let rules: [Rule]
        let file: String
        /// What the findings of each rule share, in rule order.
        let findingOrigins: [SharedStorage<Finding.Origin>]
    }

    private let storage: SharedStorage<Fields>

    public var name: String { storage.fields.name }
    public var description: String? { storage.fields.description }
    public var action: Action { storage.fields.action }
    public var severity: Severity { storage.fields.severity }
    public var match: MatchClause? { storage.fields.match }
    public var exclude: MatchClause? { storage.fields.exclude }
    public var rules: [Rule] { storage.fields.rules }
    /// The file it was loaded from.
    public var file: String { storage.fields.file }

    public init(
        name: String, description: String? = nil, action: Action = .deny, severity: Severity = .medium, match: MatchClause? = nil,
        exclude: MatchClause? = nil, rules: [Rule], file: String = ""
    ) {
        let origins = rules.map { SharedStorage(Finding.Origin(policy: name, rule: $0.name, action: action, severity: severity)) }
        storage = SharedStorage(
            Fields(
                name: name, description: description, action: action, severity: severity, match: match, exclude: exclude, rules: rules, file: file,
                findingOrigins: origins))
    }

    /// What the findings of the rule at `index` share, made once when the policy is built.
    func findingOrigin(_ index: Int) -> SharedStorage<Finding.Origin> {
        storage.fields.findingOrigins[index]
    }

    /// In scope: matches `match` (absent = everything) and does not match `exclude`.
    public func applies(to subject: Subject) -> Bool {
        // Optional chaining reads the clauses in place; `if let` would copy every field.
        storage.fields.match?.matches(subject) != false && storage.fields.exclude?.matches(subject) != true
    }
}

/// One named rule: an optional `when`, one check, an optional message template.
///
/// Immutable, with its fields in ``SharedStorage`` like ``Policy``.
public struct Rule: Sendable {
    private struct Fields: Sendable {
        let name: String
        let when: Condition?
        let check: any RuleCheck
        let message: MessageTemplate?
    }

    private let storage: SharedStorage<Fields>

    public var name: String { storage.fields.name }
    public var when: Condition? { storage.fields.when }
    public var check: any RuleCheck { storage.fields.check }
    public var message: MessageTemplate? { storage.fields.message }

    public init(name: String, when: Condition? = nil, check: any RuleCheck, message: MessageTemplate? = nil) {
        storage = SharedStorage(Fields(name: name, when: when, check: check, message: message))
    }

    /// Whether the rule's `when` (if any) holds; read in place.
    func isEnabled(for subject: Subject) -> Bool {
        storage.fields.when?.holds(for: subject) != false
    }

    /// Runs the check, reading it in place.
    func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        storage.fields.check.evaluate(subject, into: &violations)
    }

    /// The finding's message when the rule has a template.
    func renderMessage(_ violation: borrowing Violation, subject: Subject, policy: String) -> String? {
        storage.fields.message?.render(violation, subject: subject, policy: policy, rule: storage.fields.name)
    }
}

/// A rule's `when`: the match fields plus `assert` conditions, all of which must hold.
public struct Condition: Sendable {
    public var clause: MatchClause
    public var asserts: [AssertCheck]

    public init(clause: MatchClause = MatchClause(), asserts: [AssertCheck] = []) {
        self.clause = clause
        self.asserts = asserts
    }

    public func holds(for subject: Subject) -> Bool {
        guard clause.matches(subject) else { return false }
        for index in asserts.indices where !asserts[index].holds(for: subject) { return false }
        return true
    }
}

/// A loaded `PolicyException` (waiver).
public struct PolicyException: Sendable {
    public var name: String
    public var policies: GlobList
    /// `nil` covers every rule of the named policies.
    public var rules: GlobList?
    public var match: MatchClause?
    /// Last day the exception is valid (inclusive, UTC); `nil` never expires.
    public var expires: CalendarDay?
    public var reason: String
    public var file: String

    public init(
        name: String, policies: GlobList, rules: GlobList? = nil, match: MatchClause? = nil, expires: CalendarDay? = nil, reason: String,
        file: String = ""
    ) {
        self.name = name
        self.policies = policies
        self.rules = rules
        self.match = match
        self.expires = expires
        self.reason = reason
        self.file = file
    }

    public func isExpired(on today: CalendarDay) -> Bool {
        guard let expires else { return false }
        return today > expires
    }

    public func covers(policy: String, rule: String, subject: Subject) -> Bool {
        guard policies.matches(policy) else { return false }
        if let rules, !rules.matches(rule) { return false }
        if let match, !match.matches(subject) { return false }
        return true
    }
}

/// A UTC calendar day, compared as (year, month, day).
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`, or the date part of an RFC 3339 timestamp; `nil` when invalid.
    public init?(_ text: String) {
        let datePart = text.prefix(10)
        let parts = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard datePart.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...CalendarDay.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        if text.count > 10 {
            let rest = text.dropFirst(10)
            guard rest.first == "T" || rest.first == "t" || rest.first == " " else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC day of a moment given as seconds since 1970 (civil-from-days, Howard Hinnant).
    public init(secondsSince1970 seconds: Int64) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String { String(value).zeroPadded(to: width) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
