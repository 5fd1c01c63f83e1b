import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// Writes a file only its owner may read (a secret), refusing to overwrite one.
func writePrivateFile(_ path: String, contents: String) throws {
    do {
        try RegularFile.create(path, mode: 0o600, contents: contents)
    } catch {
        throw InputError(error.description, hint: "choose a new file; secrets are never overwritten")
    }
}

/// Reads a small file given on the command line, refusing links to FIFOs, devices and large files.
func readPrivateFile(_ path: String, limit: Int) throws -> [UInt8] {
    do {
        return try RegularFile.read(path, limit: limit)
    } catch {
        throw InputError(error.description, hint: "check the path")
    }
}

/// Reads and checks a framework JSON file.
func loadFramework(_ file: String) throws -> Framework {
    let framework: Framework
    do {
        framework = try Framework(json: try readJSON(file))
    } catch let error as FrameworkFormatError {
        throw InputError("\(file) is not a framework: \(error)", hint: "see schemas/framework.schema.json")
    }
    let defects = FrameworkValidator.defects(in: framework)
    guard defects.isEmpty else {
        throw InputError(
            "\(file) has \(defects.count) defects:\n" + defects.map { "  \($0)" }.joined(separator: "\n"),
            hint: "correct the framework and validate it again")
    }
    return framework
}

/// Reads a UTF-8 text file, refusing anything else with the file's name.
func readText(_ file: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: file) else {
        throw InputError("cannot read \(file)", hint: "check the path and its permissions")
    }
    guard let text = String(validating: Array(data), as: UTF8.self) else {
        throw InputError("\(file) is not valid UTF-8", hint: "save it as UTF-8")
    }
    return text
}

/// Reads a JSON file, refusing it with the file's name, line and column.
func readJSON(_ file: String) throws -> JSONValue {
    guard let data = FileManager.default.contents(atPath: file) else {
        throw InputError("cannot read \(file)", hint: "check the path and its permissions")
    }
    do {
        return try JSONParser.parse(Array(data))
    } catch {
        throw InputError("\(file): \(error)", hint: "correct the JSON and retry; nothing was changed")
    }
}

/// JSON for people: canonical member order, two-space indentation, one member per line.
func prettyJSON(_ value: JSONValue) -> String {
    func render(_ value: JSONValue, _ indent: String) -> String {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            let inner = indent + "  "
            return "[\n" + elements.map { inner + render($0, inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members) where !members.isEmpty:
            let inner = indent + "  "
            return "{\n"
                + CanonicalJSON.sortedKeys(members.keys).map { key in
                    inner + String(decoding: CanonicalJSON.encode(.string(key)), as: UTF8.self) + ": "
                        + render(members[key] ?? .null, inner)
                }.joined(separator: ",\n") + "\n\(indent)}"
        default:
            return String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
        }
    }
    return render(value, "") + "\n"
}
