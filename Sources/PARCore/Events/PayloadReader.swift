import Ledger
public import LedgerFormat

/// Reads the members of a payload object with the messages FORMAT.md's rules give: a missing member,
/// or one of the wrong JSON type, breaks the rule; `null` counts as absent for optional members.
public struct PayloadReader {
    /// The members of the object being read.
    public let members: [String: JSONValue]
    package let type: String

    public init(_ value: JSONValue, type: String) throws(RuleViolation) {
        guard case .object(let members) = value else {
            throw RuleViolation(
                "\(type): the payload is not a JSON object",
                vi: "Nội dung sự kiện \(type) không phải một đối tượng JSON.")
        }
        self.members = members
        self.type = type
    }

    private func missing(_ key: String) -> RuleViolation {
        RuleViolation("\(type) needs '\(key)'", vi: "Sự kiện \(type) thiếu mục '\(key)'.")
    }
    private func wrong(_ key: String) -> RuleViolation {
        RuleViolation("\(type): '\(key)' has the wrong type", vi: "Mục '\(key)' của sự kiện \(type) sai kiểu dữ liệu.")
    }

    private func optional<T>(_ key: String, _ read: (JSONValue) -> T?) throws(RuleViolation) -> T? {
        guard let value = members[key], value != .null else { return nil }
        guard let read = read(value) else { throw wrong(key) }
        return read
    }

    private func required<T>(_ key: String, _ read: (JSONValue) -> T?) throws(RuleViolation) -> T {
        guard let value = try optional(key, read) else { throw missing(key) }
        return value
    }

    public func string(_ key: String) throws(RuleViolation) -> String { try required(key) { $0.stringValue } }
    public func optionalString(_ key: String) throws(RuleViolation) -> String? { try optional(key) { $0.stringValue } }
    public func integer(_ key: String) throws(RuleViolation) -> Int {
        try required(key) { $0.integerValue.map(Int.init) }
    }
    public func optionalInteger(_ key: String) throws(RuleViolation) -> Int? {
        try optional(key) { $0.integerValue.map(Int.init) }
    }
    public func optionalBool(_ key: String) throws(RuleViolation) -> Bool? {
        try optional(key) { if case .bool(let flag) = $0 { flag } else { nil } }
    }
    public func optionalStrings(_ key: String) throws(RuleViolation) -> [String]? {
        try optional(key) { value in
            value.arrayValue.flatMap { items in
                items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
            }
        }
    }
    public func bool(_ key: String) throws(RuleViolation) -> Bool {
        try required(key) { if case .bool(let flag) = $0 { flag } else { nil } }
    }
    public func strings(_ key: String) throws(RuleViolation) -> [String] {
        try required(key) { value in
            value.arrayValue.flatMap { items in
                items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
            }
        }
    }
    public func raw(_ key: String) throws(RuleViolation) -> JSONValue { try required(key) { $0 } }
    public func kind(_ key: String) throws(RuleViolation) -> UnitKind {
        guard let kind = UnitKind(rawValue: try string(key)) else {
            throw RuleViolation(
                "\(type): '\(key)' is one of \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))",
                vi:
                    "Mục '\(key)' của sự kiện \(type) phải là một trong các loại đơn vị: \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))."
            )
        }
        return kind
    }

    /// An array of objects, each read by `read`.
    public func objects<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T) throws(RuleViolation)
        -> [T]
    {
        guard let items = try optionalObjects(key, read) else { throw missing(key) }
        return items
    }

    public func optionalObjects<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T)
        throws(RuleViolation) -> [T]?
    {
        guard let array = try optional(key, { $0.arrayValue }) else { return nil }
        var found: [T] = []
        for item in array {
            guard case .object = item else { throw wrong(key) }
            found.append(try read(try PayloadReader(item, type: type)))
        }
        return found
    }

    /// An object whose members all have one type, read by `read`.
    public func dictionary<T>(_ key: String, _ read: (JSONValue) -> T?) throws(RuleViolation) -> [String: T] {
        guard case .object(let object) = try raw(key) else { throw wrong(key) }
        var found: [String: T] = [:]
        for (name, value) in object {
            guard let item = read(value) else { throw wrong(key) }
            found[name] = item
        }
        return found
    }

    public func object<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T) throws(RuleViolation) -> T
    {
        guard let found = try optionalObject(key, read) else { throw missing(key) }
        return found
    }

    public func optionalObject<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T)
        throws(RuleViolation) -> T?
    {
        guard let value = try optional(key, { value -> JSONValue? in if case .object = value { value } else { nil } })
        else { return nil }
        return try read(try PayloadReader(value, type: type))
    }
}
