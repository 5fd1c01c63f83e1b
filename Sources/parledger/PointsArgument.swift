import PARIndex

/// Points as a person types them ("2,5", " 1,50 ", "0.25"), in the one form a command signs ("2.5").
func canonicalPoints(_ typed: String) throws -> String {
    do {
        return try Points(parsing: typed).description
    } catch {
        throw InputError(error.description, hint: "write points such as 2,5 or 0.25, with at most two decimals")
    }
}
