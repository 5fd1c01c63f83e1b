import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The server's memory of who is logged in: single-use login challenges, sessions with their CSRF
/// token, failed logins per client (rate limit), and documents uploaded in a session but not yet
/// recorded by a signed command. Nothing here is a secret of a person: the server never sees keys.
actor SessionStore {
    /// A logged-in person: the actor, the key that answered the challenge and the CSRF token.
    struct Session: Sendable {
        let token: String
        let actor: String
        let keyID: String
        let csrf: String
        var expires: Date
    }

    /// How long a challenge may be answered, a session lasts without use, and failed logins count.
    static let challengeLifetime: TimeInterval = 120
    static let sessionLifetime: TimeInterval = 8 * 3600
    static let failureWindow: TimeInterval = 300
    /// Failed logins a client may make within `failureWindow` before it must wait.
    static let failureLimit = 10
    /// Uploaded documents a session may hold before citing them.
    static let uploadLimit = 64

    private var challenges: [String: Date] = [:]
    private var sessions: [String: Session] = [:]
    private var failures: [String: [Date]] = [:]
    private var uploads: [String: [String: StagedEvidence]] = [:]

    /// A new random challenge to sign, valid for `challengeLifetime`.
    func newChallenge(now: Date = Date()) -> String {
        challenges = challenges.filter { $0.value > now }
        let challenge = Self.randomToken()
        challenges[challenge] = now.addingTimeInterval(Self.challengeLifetime)
        return challenge
    }

    /// Takes `challenge` out of the store: true when it was issued and has not expired.
    func redeem(_ challenge: String, now: Date = Date()) -> Bool {
        guard let expiry = challenges.removeValue(forKey: challenge) else { return false }
        return expiry > now
    }

    /// The seconds `client` must wait before trying to log in again, or nil when it may.
    func loginWait(for client: String, now: Date = Date()) -> Int? {
        let recent = (failures[client] ?? []).filter { now.timeIntervalSince($0) < Self.failureWindow }
        failures[client] = recent
        guard recent.count >= Self.failureLimit, let oldest = recent.first else { return nil }
        return max(1, Int((Self.failureWindow - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    func noteFailedLogin(from client: String, now: Date = Date()) {
        failures[client, default: []].append(now)
    }

    func open(actor: String, keyID: String, now: Date = Date()) -> Session {
        sessions = sessions.filter { $0.value.expires > now }
        let session = Session(
            token: Self.randomToken(), actor: actor, keyID: keyID, csrf: Self.randomToken(),
            expires: now.addingTimeInterval(Self.sessionLifetime))
        sessions[session.token] = session
        return session
    }

    /// The live session of `token`, its lifetime renewed.
    func session(_ token: String, now: Date = Date()) -> Session? {
        guard var session = sessions[token], session.expires > now else {
            sessions[token] = nil
            uploads[token] = nil
            return nil
        }
        session.expires = now.addingTimeInterval(Self.sessionLifetime)
        sessions[token] = session
        return session
    }

    func close(_ token: String) {
        sessions[token] = nil
        uploads[token] = nil
    }

    /// Keeps a staged upload for the session until a command cites it; false when the session
    /// already holds `uploadLimit` of them.
    func holdUpload(_ staged: sending StagedEvidence, session token: String) -> Bool {
        guard (uploads[token]?.count ?? 0) < Self.uploadLimit, let sha256 = staged.added.first?.sha256 else {
            return false
        }
        uploads[token, default: [:]][sha256] = staged
        return true
    }

    /// What the EvidenceAdded event of the session's upload `sha256` records, if the session holds it.
    func upload(_ sha256: String, session token: String) -> PAREvents.EvidenceAdded? {
        uploads[token]?[sha256]?.added.first
    }

    /// Every document uploaded in the session and not yet recorded, by hash.
    func uploads(session token: String) -> [String: PAREvents.EvidenceAdded] {
        (uploads[token] ?? [:]).compactMapValues { $0.added.first }
    }

    /// Moves the session's uploads among `hashes` into the evidence store, once the command
    /// recording them has committed.
    func keepUploads(_ hashes: [String], session token: String) throws {
        for sha256 in hashes {
            guard let staged = uploads[token]?[sha256] else { continue }
            try staged.keep()
            uploads[token]?[sha256] = nil
        }
    }

    /// 32 random bytes in hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
