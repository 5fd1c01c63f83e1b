import Application
import PARCore
import PARIndex

/// An action a page offers (a button that opens the signing dialog), with whether the rules allow it now:
/// the domain core tries the command the action would sign, as `API.prepare` does, so that a page never
/// offers to sign what the append would refuse. Every page builds its offers here and renders them with
/// the `refusal` partial: the button disabled, the reason beside it.
struct Offer {
    /// Why the rules refuse the action now, in Vietnamese with people named; nil when allowed.
    let refusal: String?
    /// Whether `refusal` is set, stored for the templates (they read stored properties only).
    let refused: Bool
}

extension Offer {
    /// The offer of `operation` to `actor`, judged against the ledger's state now.
    init(_ operation: any PAROperation, by actor: String, scoring: ScoringLedger) {
        let refusal = ScoringService(scoring).vietnameseRefusal(of: operation, by: actor)
        self.init(refusal: refusal, refused: refusal != nil)
    }
}
