import Foundation
public import Hummingbird
import Ledger
import LedgerFormat
public import Logging
public import Transparency

/// The HTTP faces of transparency: a witness's `POST /add-checkpoint` (C2SP tlog-witness) and a
/// mirror's static tiles (C2SP tlog-tiles, read-only GET and HEAD). Both run until SIGINT or SIGTERM.
public enum TransparencyServer {
    /// The witness's application on `host:port`; `onListening` learns the bound port (0 picks one).
    public static func witness(
        _ witness: Witness, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.post("add-checkpoint") { request, _ -> Response in
            let body = try await request.body.collect(upTo: Witness.maximumRequestBytes + 1)
            let bytes = Array(body.readableBytesView)
            let answer =
                bytes.count > Witness.maximumRequestBytes
                ? Witness.Answer.refuse(413, "request too large")
                : witness.addCheckpoint(bytes)
            logger.info(
                "add-checkpoint", metadata: ["status": "\(answer.status)", "answer": "\(answer.body.prefix(200))"])
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: [.contentType: answer.contentType, .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        return application(router, name: "ParLedger witness", host: host, port: port, logger: logger, onListening)
    }

    /// Serves the tiles in `directory` read-only: the checkpoint uncached, tiles cacheable for long.
    public static func tiles(
        in directory: String, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.get("**") { _, context -> Response in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard TilePath.isServable(path),
                let bytes = try? RegularFile.read(directory + "/" + path, shownAs: path, limit: 1 << 24)
            else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"])
            }
            let isCheckpoint = path == TilePath.checkpoint
            return Response(
                status: .ok,
                headers: [
                    .contentType: isCheckpoint ? "text/plain; charset=utf-8" : "application/octet-stream",
                    .cacheControl: isCheckpoint ? "no-store" : "public, max-age=604800, immutable",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return application(router, name: "ParLedger mirror", host: host, port: port, logger: logger, onListening)
    }

    private static func application(
        _ router: Router<BasicRequestContext>, name: String, host: String, port: Int, logger: Logger,
        _ onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
    }
}
