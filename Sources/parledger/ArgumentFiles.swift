import Ledger
import PARIndex

/// Points as a person types them ("2,5", " 1,50 ", "0.25"), in the one form a command signs ("2.5").
func canonicalPoints(_ typed: String) throws -> String {
    do {
        return try Points(parsing: typed).description
    } catch {
        throw InputError(error.description, hint: "write points such as 2,5 or 0.25, with at most two decimals")
    }
}

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
