import PolicyJSON

/// `assert`: a generic condition on any field of the subject.
public struct AssertCheck: RuleCheck {
    public static let key = "assert"
    static let fields = ["path", "op", "value", "quantifier", "required"]

    public enum Operation: String, Sendable, CaseIterable {
        case exists, absent, equals, notEquals, `in`, notIn, matches, glob, lessOrEqual, greaterOrEqual
    }

    /// The compiled operand of the operation.
    enum Operand: Sendable {
        case none
        case value(JSONValue)
        case values([JSONValue])
        case regex(LinearRegex)
        case glob(Glob)
        case quantity(Quantity)
    }

    public var path: SubjectPath
    public var operation: Operation
    var operand: Operand
    /// `all` (default): every match must satisfy; `any`: at least one.
    public var requireAll = true
    /// Whether a path that reaches nothing is itself a violation.
    public var required = false

    public init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) {
        guard let reader = ObjectReader(node, at: pointer, allowed: Self.fields, what: "an assert condition", context: &context) else { return nil }
        let before = context.errors.count
        let pathText = reader.string("path", required: true, context: &context)
        let opText = reader.string("op", required: true, context: &context)
        var parsedPath: SubjectPath?
        if let pathText {
            do { parsedPath = try SubjectPath(parsing: pathText) } catch {
                context.fail(pointer.appending("path"), "'\(pathText)' is not a valid path: \(error)")
            }
        }
        var parsedOperation: Operation?
        if let opText {
            parsedOperation = Operation(rawValue: opText)
            if parsedOperation == nil {
                var message = "'\(opText)' is not an operation; use one of \(Operation.allCases.map(\.rawValue).joined(separator: ", "))"
                if let guess = Suggest.closest(to: opText, among: Operation.allCases.map(\.rawValue)) {
                    message = "'\(opText)' is not an operation (did you mean '\(guess)'?)"
                }
                context.fail(pointer.appending("op"), message)
            }
        }
        if let quantifier = reader.string("quantifier", context: &context) {
            if quantifier == "all" || quantifier == "any" {
                requireAll = quantifier == "all"
            } else {
                context.fail(pointer.appending("quantifier"), "'\(quantifier)' is not a quantifier; use \"all\" or \"any\"")
            }
        }
        required = reader.bool("required", context: &context) ?? false
        var parsedOperand = Operand.none
        if let operation = parsedOperation {
            parsedOperand = Self.operand(for: operation, reader.member("value"), at: pointer.appending("value"), context: &context)
        }
        guard context.errors.count == before, let parsedPath, let parsedOperation else { return nil }
        path = parsedPath
        operation = parsedOperation
        operand = parsedOperand
    }

    private static func operand(
        for operation: Operation, _ value: (JSONNode, JSONPointer)?, at path: JSONPointer, context: inout LoadContext
    ) -> Operand {
        switch operation {
        case .exists, .absent:
            if value != nil { context.fail(path, "'\(operation.rawValue)' takes no value") }
            return .none
        default: break
        }
        guard let (node, _) = value else {
            context.fail(path, "'\(operation.rawValue)' needs a value")
            return .none
        }
        switch operation {
        case .equals, .notEquals:
            return .value(node.value)
        case .in, .notIn:
            guard node.isArray else {
                context.fail(path, "'\(operation.rawValue)' needs an array of values, found \(node.kind.phrase)")
                return .none
            }
            return .values(node.elements.map(\.value))
        case .matches:
            guard let text = node.string else {
                context.fail(path, "'matches' needs a regular expression string, found \(node.kind.phrase)")
                return .none
            }
            do { return .regex(try LinearRegex(text)) } catch {
                context.fail(path, "'\(text)' is not a supported regular expression: \(error)")
                return .none
            }
        case .glob:
            guard let text = node.string, let glob = Glob(text) else {
                context.fail(path, "'glob' needs \(Glob.expectedForm)")
                return .none
            }
            return .glob(glob)
        case .lessOrEqual, .greaterOrEqual:
            return ObjectReader.quantity(node, at: path, context: &context).map(Operand.quantity) ?? .none
        case .exists, .absent:
            return .none
        }
    }

    /// Used by `when`: whether the condition holds.
    public func holds(for subject: Subject) -> Bool {
        evaluate(subject).isEmpty
    }

    public func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        switch operation {
        case .exists:
            var matched = 0
            var missing: [JSONPointer] = []
            path.visit(in: subject, match: { _, _ in matched += 1 }, missing: { missing.append($0.pointer) })
            if matched == 0 {
                violations.append(Violation(path: missing.first ?? .root, detail: "\(path) must exist but is absent"))
            } else if requireAll {
                for pointer in missing { violations.append(Violation(path: pointer, detail: "\(path) must exist but is absent at \(pointer)")) }
            }
        case .absent:
            var present: [(pointer: JSONPointer, shown: String)] = []
            var anyMissing = false
            path.visit(
                in: subject, match: { value, location in present.append((location.pointer, Self.show(value))) }, missing: { _ in anyMissing = true })
            if !requireAll, anyMissing || present.isEmpty { return }
            for (pointer, shown) in present {
                violations.append(Violation(path: pointer, detail: "\(path) must be absent but is \(shown)", value: shown))
            }
        default:
            var matched = 0
            var missing: [JSONPointer] = []
            var failures: [(pointer: JSONPointer, shown: String, why: String)] = []
            path.visit(
                in: subject,
                match: { value, location in
                    matched += 1
                    if let why = test(value) { failures.append((location.pointer, Self.show(value), why)) }
                },
                missing: { location in missing.append(location.pointer) })
            if matched == 0 {
                if required { violations.append(Violation(path: missing.first ?? .root, detail: "\(path) is required but matched nothing")) }
                return
            }
            // Required over `[*]` (quantifier all): every element must have the value, not
            // just one of them.
            if required, requireAll {
                for pointer in missing { violations.append(Violation(path: pointer, detail: "\(path) is required but absent at \(pointer)")) }
            }
            guard !failures.isEmpty, requireAll || failures.count == matched else { return }
            let allowed = allowedText
            for (pointer, shown, why) in requireAll ? failures[...] : failures.prefix(1) {
                violations.append(Violation(path: pointer, detail: "\(path) is \(shown), \(why)", value: shown, allowed: allowed))
            }
        }
    }

    /// `nil` when the value satisfies the operation, else why not.
    private func test(_ value: SubjectPath.Value) -> String? {
        switch (operation, operand) {
        case (.equals, .value(let expected)):
            return value.jsonEquals(expected) ? nil : "expected \(expected.compactText)"
        case (.notEquals, .value(let expected)):
            return value.jsonEquals(expected) ? "which is not allowed" : nil
        case (.in, .values(let list)):
            return list.contains(where: value.jsonEquals) ? nil : "not one of \(allowedText ?? "")"
        case (.notIn, .values(let list)):
            return list.contains(where: value.jsonEquals) ? "which is not allowed" : nil
        case (.matches, .regex(let regex)):
            guard let text = value.text else { return "not a string to match against /\(regex.pattern)/" }
            return regex.matches(text) ? nil : "which does not match /\(regex.pattern)/"
        case (.glob, .glob(let glob)):
            guard let text = value.text else { return "not a string to match against '\(glob)'" }
            return glob.matches(text) ? nil : "which does not match '\(glob)'"
        case (.lessOrEqual, .quantity(let bound)), (.greaterOrEqual, .quantity(let bound)):
            let quantity: Quantity
            do {
                switch value.kind {
                case .string, .integer, .real: quantity = try Quantity(json: value.json)
                default: return "not a quantity or number to compare with \(bound)"
                }
            } catch {
                return "not a valid quantity (\(error))"
            }
            if operation == .lessOrEqual { return quantity <= bound ? nil : "above the maximum \(bound)" }
            return quantity >= bound ? nil : "below the minimum \(bound)"
        default:
            return "an operation without an operand"
        }
    }

    private var allowedText: String? {
        switch operand {
        case .none: nil
        case .value(let value): operation == .equals ? value.compactText : "not \(value.compactText)"
        case .values(let list): (operation == .notIn ? "none of " : "") + list.map(\.compactText).joined(separator: ", ")
        case .regex(let regex): "/\(regex.pattern)/"
        case .glob(let glob): glob.pattern
        case .quantity(let bound): operation == .lessOrEqual ? "<= \(bound)" : ">= \(bound)"
        }
    }

    private static func show(_ value: SubjectPath.Value) -> String {
        value.text ?? value.json.compactText
    }
}
