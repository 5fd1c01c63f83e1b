import PARCore
import PARIndex

/// Text written into a cell of a spreadsheet a person will open (CSV today, XLSX later): a cell that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice,
/// so such a cell is prefixed with `'` unless it is a plain signed number ("+6.83", "-9").
public enum SpreadsheetText {
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else {
            return text
        }
        return isSignedNumber(text) ? text : "'" + text
    }

    private static func isSignedNumber(_ text: String) -> Bool {
        let body = text.utf8.dropFirst()
        let parts = body.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard text.first == "+" || text.first == "-", (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }
    }
}
