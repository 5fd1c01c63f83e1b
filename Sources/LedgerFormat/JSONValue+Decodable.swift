/// A JSON value as a member of a `Decodable` type, for a member that is itself a document (a
/// framework, a cycle's opening): the same values the ledger's own parser gives, so integers stay
/// integers within `maximumInteger` and a number with a fraction or exponent is refused.
extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        if var items = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !items.isAtEnd { values.append(try items.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: MemberName.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue.nfc] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            guard abs(value) <= JSONValue.maximumInteger else {
                throw DecodingError.dataCorruptedError(
                    in: single, debugDescription: "the integer \(value) is beyond ±\(JSONValue.maximumInteger)")
            }
            self = .integer(value)
        } else if let value = try? single.decode(String.self) {
            self = .string(value.nfc)
        } else {
            throw DecodingError.dataCorruptedError(
                in: single, debugDescription: "only integers are allowed, not fractions or exponents")
        }
    }

    private struct MemberName: CodingKey {
        package let stringValue: String
        package var intValue: Int? { nil }
        package init(stringValue: String) { self.stringValue = stringValue }
        package init?(intValue: Int) { nil }
    }
}
