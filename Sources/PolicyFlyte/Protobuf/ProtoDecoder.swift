import PolicyJSON

/// Decodes binary flyteidl messages into the protobuf JSON form (`MessageToJson`, lowerCamelCase),
/// so that binary and JSON inputs go through one entity decoder.
package enum ProtoDecoder {
    /// protobuf's own default recursion limit.
    static let maxDepth = 100

    /// The top-level messages a `pyflyte package` archive holds.
    package enum EntityKind: String, Sendable {
        case taskSpec = "admin.TaskSpec"
        case workflowSpec = "admin.WorkflowSpec"
        case launchPlan = "admin.LaunchPlan"
    }

    /// Decodes one message of a known kind.
    package static func decode(_ bytes: [UInt8], as kind: EntityKind) throws(ProtoDecodingError) -> JSONValue {
        try message(
            bytes, range: 0..<bytes.count, type: kind.rawValue, path: kind.rawValue.split(separator: ".").last.map(String.init) ?? "", depth: 0)
    }

    /// Decides, from the bytes alone, which entity a pyflyte `.pb` file holds: a LaunchPlan starts
    /// with its own identifier (resource type LAUNCH_PLAN); a TaskSpec or WorkflowSpec with a
    /// template whose identifier says TASK or WORKFLOW.
    package static func classify(_ bytes: [UInt8]) throws(ProtoDecodingError) -> EntityKind {
        var reader = ProtoWireReader(bytes: bytes, range: 0..<bytes.count)
        var first: Range<Int>?
        while let (field, wire) = try reader.tag() {
            if field == 1, wire == .lengthDelimited, first == nil {
                first = try reader.lengthDelimited()
            } else {
                try reader.skip(wire, field: field)
            }
        }
        guard let first else {
            throw ProtoDecodingError(offset: 0, reason: "not a flyteidl TaskSpec, WorkflowSpec or LaunchPlan (no field 1)")
        }
        if try resourceType(bytes, first) == 3 { return .launchPlan }
        // TaskSpec/WorkflowSpec: field 1 is a template whose own field 1 is its identifier.
        var template = ProtoWireReader(bytes: bytes, range: first)
        while let (field, wire) = try template.tag() {
            if field == 1, wire == .lengthDelimited {
                switch try resourceType(bytes, try template.lengthDelimited()) {
                case 1: return .taskSpec
                case 2: return .workflowSpec
                default: break
                }
            } else {
                try template.skip(wire, field: field)
            }
        }
        throw ProtoDecodingError(
            offset: first.lowerBound, reason: "not a flyteidl TaskSpec, WorkflowSpec or LaunchPlan (no TASK, WORKFLOW or LAUNCH_PLAN identifier)")
    }

    /// Field 1 (resource type) of what may be an Identifier; nil when it is not one.
    private static func resourceType(_ bytes: [UInt8], _ range: Range<Int>) throws(ProtoDecodingError) -> UInt64? {
        var reader = ProtoWireReader(bytes: bytes, range: range)
        do {
            while let (field, wire) = try reader.tag() {
                if field == 1 { return wire == .varint ? try reader.varint() : nil }
                try reader.skip(wire, field: field)
            }
        } catch {
            return nil
        }
        return nil
    }

    static func message(_ bytes: [UInt8], range: Range<Int>, type: String, path: String, depth: Int) throws(ProtoDecodingError) -> JSONValue {
        guard depth < maxDepth else { throw ProtoDecodingError(offset: range.lowerBound, reason: "messages nested too deeply", path: path) }
        let fields = FlyteProtoSchema.messages[type] ?? [:]
        var reader = ProtoWireReader(bytes: bytes, range: range)
        var object = JSONObject()
        while let (number, wire) = try reader.tag() {
            guard let field = fields[number] else {
                try reader.skip(wire, field: number)
                continue
            }
            let here = "\(path).\(field.name)"
            let value: JSONValue
            do {
                value = try decodeField(&reader, field: field, wire: wire, bytes: bytes, path: here, depth: depth)
            } catch var error {
                if error.path.isEmpty { error.path = here }
                throw error
            }
            if field.repeated {
                object[field.name] = .array((object[field.name]?.array ?? []) + [value])
            } else if case .stringMap = field.type, let entry = value.object, let existing = object[field.name]?.object {
                var merged = existing
                for (key, item) in entry { merged[key] = item }
                object[field.name] = .object(merged)
            } else if case .object(let new) = value, case .object(let old)? = object[field.name] {
                // A singular message seen twice is merged, as protobuf parsers do.
                var merged = old
                for (key, item) in new { merged[key] = item }
                object[field.name] = .object(merged)
            } else {
                object[field.name] = value
            }
        }
        return .object(object)
    }

    private static func decodeField(
        _ reader: inout ProtoWireReader, field: FlyteProtoSchema.Field, wire: ProtoWireReader.WireType, bytes: [UInt8], path: String, depth: Int
    ) throws(ProtoDecodingError) -> JSONValue {
        func expect(_ wanted: ProtoWireReader.WireType) throws(ProtoDecodingError) {
            guard wire == wanted else {
                throw ProtoDecodingError(
                    offset: reader.offset, reason: "wire type \(wire.rawValue) where \(wanted.rawValue) was expected", path: path)
            }
        }
        switch field.type {
        case .string:
            try expect(.lengthDelimited)
            return .string(try utf8(bytes, try reader.lengthDelimited(), path: path))
        case .bool:
            try expect(.varint)
            return .bool(try reader.varint() != 0)
        case .int32:
            try expect(.varint)
            return .integer(Int64(Int32(truncatingIfNeeded: try reader.varint())))
        case .enumeration(let names):
            try expect(.varint)
            let number = try reader.varint()
            return number < UInt64(names.count) ? .string(names[Int(number)]) : .integer(Int64(truncatingIfNeeded: number))
        case .message(let type):
            try expect(.lengthDelimited)
            return try message(bytes, range: try reader.lengthDelimited(), type: type, path: path, depth: depth + 1)
        case .boolValue:
            try expect(.lengthDelimited)
            var inner = ProtoWireReader(bytes: bytes, range: try reader.lengthDelimited())
            var flag = false
            while let (number, innerWire) = try inner.tag() {
                if number == 1, innerWire == .varint { flag = try inner.varint() != 0 } else { try inner.skip(innerWire, field: number) }
            }
            return .bool(flag)
        case .stringMap:
            try expect(.lengthDelimited)
            var entry = ProtoWireReader(bytes: bytes, range: try reader.lengthDelimited())
            var key = ""
            var value = ""
            while let (number, entryWire) = try entry.tag() {
                switch (number, entryWire) {
                case (1, .lengthDelimited): key = try utf8(bytes, try entry.lengthDelimited(), path: path)
                case (2, .lengthDelimited): value = try utf8(bytes, try entry.lengthDelimited(), path: path)
                default: try entry.skip(entryWire, field: number)
                }
            }
            return .object(JSONObject([(key, .string(value))]))
        case .structValue:
            try expect(.lengthDelimited)
            return try structValue(bytes, try reader.lengthDelimited(), path: path, depth: depth + 1)
        }
    }

    /// `google.protobuf.Struct`: `fields` (1) is a map of string to `Value`.
    static func structValue(_ bytes: [UInt8], _ range: Range<Int>, path: String, depth: Int) throws(ProtoDecodingError) -> JSONValue {
        guard depth < maxDepth else { throw ProtoDecodingError(offset: range.lowerBound, reason: "Struct nested too deeply", path: path) }
        var reader = ProtoWireReader(bytes: bytes, range: range)
        var object = JSONObject()
        while let (number, wire) = try reader.tag() {
            guard number == 1, wire == .lengthDelimited else {
                try reader.skip(wire, field: number)
                continue
            }
            var entry = ProtoWireReader(bytes: bytes, range: try reader.lengthDelimited())
            var key = ""
            var value: JSONValue = .null
            while let (entryNumber, entryWire) = try entry.tag() {
                switch (entryNumber, entryWire) {
                case (1, .lengthDelimited): key = try utf8(bytes, try entry.lengthDelimited(), path: path)
                case (2, .lengthDelimited): value = try protobufValue(bytes, try entry.lengthDelimited(), path: "\(path).\(key)", depth: depth + 1)
                default: try entry.skip(entryWire, field: entryNumber)
                }
            }
            object[key] = value
        }
        return .object(object)
    }

    /// `google.protobuf.Value`: null, number, string, bool, struct or list.
    static func protobufValue(_ bytes: [UInt8], _ range: Range<Int>, path: String, depth: Int) throws(ProtoDecodingError) -> JSONValue {
        guard depth < maxDepth else { throw ProtoDecodingError(offset: range.lowerBound, reason: "Value nested too deeply", path: path) }
        var reader = ProtoWireReader(bytes: bytes, range: range)
        var value: JSONValue = .null
        while let (number, wire) = try reader.tag() {
            switch (number, wire) {
            case (1, .varint): _ = try reader.varint(); value = .null
            case (2, .fixed64):
                let number = Double(bitPattern: try reader.fixed(8))
                guard number.isFinite else { throw ProtoDecodingError(offset: reader.offset - 8, reason: "a number that is not finite", path: path) }
                // Struct numbers are doubles; integral ones are integers in Kubernetes JSON.
                value = number == number.rounded() && abs(number) < 9_007_199_254_740_992 ? .integer(Int64(number)) : .real(number)
            case (3, .lengthDelimited): value = .string(try utf8(bytes, try reader.lengthDelimited(), path: path))
            case (4, .varint): value = .bool(try reader.varint() != 0)
            case (5, .lengthDelimited): value = try structValue(bytes, try reader.lengthDelimited(), path: path, depth: depth + 1)
            case (6, .lengthDelimited):
                var list = ProtoWireReader(bytes: bytes, range: try reader.lengthDelimited())
                var elements: [JSONValue] = []
                while let (listNumber, listWire) = try list.tag() {
                    if listNumber == 1, listWire == .lengthDelimited {
                        elements.append(try protobufValue(bytes, try list.lengthDelimited(), path: "\(path)[\(elements.count)]", depth: depth + 1))
                    } else {
                        try list.skip(listWire, field: listNumber)
                    }
                }
                value = .array(elements)
            default:
                try reader.skip(wire, field: number)
            }
        }
        return value
    }

    private static func utf8(_ bytes: [UInt8], _ range: Range<Int>, path: String) throws(ProtoDecodingError) -> String {
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw ProtoDecodingError(offset: range.lowerBound, reason: "a string field that is not valid UTF-8", path: path)
        }
        return text
    }
}
