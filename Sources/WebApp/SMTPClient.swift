import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mail as the reminders send it: plain UTF-8 text to one or more addresses.
struct MailMessage: Sendable, Equatable {
    let from: String
    let to: [String]
    let subject: String
    let body: String

    /// The message's bytes for DATA: headers (the subject encoded per RFC 2047, UTF-8 in base64), a
    /// text/plain UTF-8 body in 8bit, CRLF line ends, lines starting with a dot doubled (RFC 5321 §4.5.2),
    /// ended by the lone dot.
    func data(date: Date = Date(), id: String = UUID().uuidString.lowercased()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let headers = [
            "From: \(from)", "To: \(to.joined(separator: ", "))", "Subject: \(Self.encodedWord(subject))",
            "Date: \(formatter.string(from: date))", "Message-ID: <\(id)@\(domain)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        let stuffed = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        return (headers + [""] + stuffed).joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// `text` as RFC 2047 encoded words (`=?UTF-8?B?…?=`), each under 76 characters and never splitting
    /// a character; ASCII text without `=?` stays as it is.
    static func encodedWord(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && $0 != "\r" && $0 != "\n" }) && !text.contains("=?") { return text }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }
}

/// The secretariat's mail server and how to log in to it.
struct SMTPServer: Sendable, Codable, Equatable {
    var host: String
    var port: Int
    var user: String
    var password: String
    var sender: String
}

/// Why a mail was not sent, in words for the server's log.
struct SMTPError: Error, CustomStringConvertible {
    let description: String
}

/// A small SMTP client on a blocking POSIX socket (run it off the request threads): EHLO, AUTH PLAIN
/// or LOGIN when a user is set, MAIL FROM, RCPT TO, DATA. Plain SMTP only, for a relay on the server's
/// own machine or network: it does not speak STARTTLS or TLS.
struct SMTPClient {
    let server: SMTPServer
    var timeout: Int = 30

    /// Sends `message`, or throws why the server or the network refused it.
    func send(_ message: MailMessage) throws {
        let socket = try open()
        defer { close(socket) }
        var reader = LineReader(socket: socket)
        try expect(220, &reader)
        try write("EHLO parledger", socket)
        let features = try expect(250, &reader)
        if !server.user.isEmpty {
            let auth = features.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
            if auth.contains("PLAIN") || !auth.contains("LOGIN") {
                let token = Data(([0] + Array(server.user.utf8) + [0] + Array(server.password.utf8)))
                try write("AUTH PLAIN \(token.base64EncodedString())", socket)
            } else {
                try write("AUTH LOGIN", socket)
                try expect(334, &reader)
                try write(Data(server.user.utf8).base64EncodedString(), socket)
                try expect(334, &reader)
                try write(Data(server.password.utf8).base64EncodedString(), socket)
            }
            try expect(235, &reader)
        }
        try write("MAIL FROM:<\(message.from)>", socket)
        try expect(250, &reader)
        for address in message.to {
            try write("RCPT TO:<\(address)>", socket)
            try expect(250, &reader)
        }
        try write("DATA", socket)
        try expect(354, &reader)
        try write(message.data(), socket, line: false)
        try expect(250, &reader)
        try write("QUIT", socket)
    }

    private func open() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(server.host, String(server.port), &hints, &list)
        guard status == 0, let first = list else {
            throw SMTPError(description: "cannot resolve \(server.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var next: UnsafeMutablePointer<addrinfo>? = first
        var reason = "no address"
        while let info = next {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                var limit = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                reason = String(cString: strerror(errno))
                close(fd)
            }
            next = info.pointee.ai_next
        }
        throw SMTPError(description: "cannot connect to \(server.host):\(server.port): \(reason)")
    }

    private func write(_ text: String, _ socket: Int32, line: Bool = true) throws {
        let bytes = Array((line ? text + "\r\n" : text).utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { socketSend(socket, $0.baseAddress, $0.count) }
            guard count > 0 else {
                throw SMTPError(description: "the connection closed: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// Reads a reply (every line of a multi-line one) and checks its code; returns its lines' texts.
    @discardableResult
    private func expect(_ code: Int, _ reader: inout LineReader) throws -> [String] {
        var texts: [String] = []
        while true {
            let line = try reader.line()
            guard line.count >= 3, let got = Int(line.prefix(3)) else {
                throw SMTPError(description: "the server's reply is not SMTP: \(line)")
            }
            guard got == code else { throw SMTPError(description: "the server answered \(line) (expected \(code))") }
            texts.append(String(line.dropFirst(4)))
            if line.count == 3 || line.dropFirst(3).first == " " { return texts }
        }
    }
}

/// The lines a socket reads, CRLF or LF ended.
private struct LineReader {
    let socket: Int32
    var buffer: [UInt8] = []

    mutating func line() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: 10) {
                let line = buffer[..<end].filter { $0 != 13 }
                buffer.removeSubrange(...end)
                return String(decoding: line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw SMTPError(description: "the server closed the connection or did not answer") }
            buffer += chunk[..<count]
        }
    }
}

/// `send(2)` without SIGPIPE when the server has gone.
private func socketSend(_ socket: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        send(socket, bytes, count, Int32(MSG_NOSIGNAL))
    #else
        send(socket, bytes, count, 0)
    #endif
}
