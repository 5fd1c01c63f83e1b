/// The few kinds every error of the libraries falls into, so that each front end maps kinds once —
/// the CLI to exit codes, a server to HTTP statuses — and adds its own hints. Library messages name
/// the domain (ledger, unit, criterion, sequence), never a flag, a URL or a command.
public enum ErrorKind: String, Sendable, CaseIterable {
    /// The input is malformed or breaks a rule of its own (points, ids, a payload).
    case invalidInput = "invalid-input"
    /// The actor may not do this: role, scope, key, signature, or being a party to the unit.
    case forbidden
    /// The state does not allow it now: wrong stage, already done, a version or id conflict.
    case conflict
    /// Something named does not exist: a ledger, cycle, unit, event.
    case notFound = "not-found"
    /// Stored or exported data does not hold together: corrupt records, a broken chain.
    case integrity
    /// The storage or the file system refused: disk full, permission, read-only, missing file.
    case io
}

/// An error that says which `ErrorKind` it is, with structured fields a front end may show or map,
/// and what a person reads of it: the same refusal in Vietnamese, written where the error is made.
public protocol KindedError: Error, CustomStringConvertible {
    var kind: ErrorKind { get }
    /// Named values of the error (e.g. `sequence`, `path`, `stream`), for front ends that show them apart.
    var fields: [String: String] { get }
    /// The error in Vietnamese for the person who met it: units and cycles by their names, criteria
    /// by their codes, people by their ids as listed in `actors` (a front end puts their names in
    /// with `vietnamese(naming:)`).
    var vietnamese: String { get }
    /// The ids of the people `vietnamese` mentions, which only a front end can name.
    var actors: [String] { get }
}

extension KindedError {
    public var fields: [String: String] { [:] }
    public var actors: [String] { [] }

    /// `vietnamese` with each person it mentions by id named by `name` (the id stays where `name`
    /// knows nobody of it); longer ids go first so that one id inside another is not cut.
    public func vietnamese(naming name: (String) -> String?) -> String {
        actors.sorted { $0.count > $1.count }.reduce(vietnamese) { text, actor in
            guard let named = name(actor) else { return text }
            return text.replacingOccurrences(of: actor, with: named)
        }
    }
}
