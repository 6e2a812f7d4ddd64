internal import CYAML
import PolicyJSON

/// Emits JSON values as block-style YAML through libyaml's emitter.
package enum YAMLWriter {
    /// One YAML document per value, separated by `---`.
    package static func emit(_ documents: [JSONValue]) throws(YAMLError) -> [UInt8] {
        let emitter = Emitter()
        try emitter.event { yaml_stream_start_event_initialize(&$0, YAML_UTF8_ENCODING) }
        for document in documents {
            try emitter.event { yaml_document_start_event_initialize(&$0, nil, nil, nil, 0) }
            try emitter.value(document)
            try emitter.event { yaml_document_end_event_initialize(&$0, 1) }
        }
        try emitter.event { yaml_stream_end_event_initialize(&$0) }
        return emitter.output
    }

    /// Owns a `yaml_emitter_t` at a stable address; libyaml calls back into `output`.
    private final class Emitter {
        let emitter: UnsafeMutablePointer<yaml_emitter_t>
        var output: [UInt8] = []
        let ready: Bool

        init() {
            emitter = .allocate(capacity: 1)
            ready = yaml_emitter_initialize(emitter) == 1
            guard ready else { return }
            yaml_emitter_set_unicode(emitter, 1)
            yaml_emitter_set_width(emitter, -1)
            yaml_emitter_set_output(
                emitter,
                { context, buffer, size in
                    guard let context, let buffer else { return 0 }
                    let this = Unmanaged<Emitter>.fromOpaque(context).takeUnretainedValue()
                    this.output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                    return 1
                }, Unmanaged.passUnretained(self).toOpaque())
        }

        deinit {
            if ready { yaml_emitter_delete(emitter) }
            emitter.deallocate()
        }

        func event(_ make: (inout yaml_event_t) -> Int32) throws(YAMLError) {
            guard ready else { throw YAMLError(source: "<output>", line: 0, column: 0, offset: 0, reason: "libyaml could not start an emitter") }
            var event = yaml_event_t()
            guard make(&event) == 1, yaml_emitter_emit(emitter, &event) == 1 else {
                let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "the emitter refused an event"
                throw YAMLError(source: "<output>", line: 0, column: 0, offset: 0, reason: problem)
            }
        }

        func scalar(_ text: String, plainAllowed: Bool) throws(YAMLError) {
            let style = plainAllowed ? YAML_ANY_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE
            var bytes = Array(text.utf8)
            let length = Int32(bytes.count)
            try bytes.withUnsafeMutableBufferPointer { buffer throws(YAMLError) in
                try event {
                    yaml_scalar_event_initialize(&$0, nil, nil, buffer.baseAddress, length, plainAllowed ? 1 : 0, 1, style)
                }
            }
        }

        func value(_ value: JSONValue) throws(YAMLError) {
            switch value {
            case .null: try scalar("null", plainAllowed: true)
            case .bool(let flag): try scalar(flag ? "true" : "false", plainAllowed: true)
            case .integer(let number): try scalar(String(number), plainAllowed: true)
            case .real(let number): try scalar(JSONValue.format(real: number), plainAllowed: true)
            case .string(let text):
                // Quote strings a YAML 1.1 reader would take for something else (true, 1.0, null, ~).
                try scalar(text, plainAllowed: !Self.needsQuotes(text))
            case .array(let elements):
                try event { yaml_sequence_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE) }
                for element in elements { try self.value(element) }
                try event { yaml_sequence_end_event_initialize(&$0) }
            case .object(let object):
                try event { yaml_mapping_start_event_initialize(&$0, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE) }
                for (key, member) in object {
                    try scalar(key, plainAllowed: !Self.needsQuotes(key))
                    try self.value(member)
                }
                try event { yaml_mapping_end_event_initialize(&$0) }
            }
        }

        static func needsQuotes(_ text: String) -> Bool {
            if text.isEmpty { return true }
            let lower = text.lowercased()
            if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(lower) { return true }
            if Double(text) != nil || Int(text) != nil { return true }
            if let first = text.first, "0123456789+-.".contains(first) { return true }
            return false
        }
    }
}
