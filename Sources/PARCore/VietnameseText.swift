/// How the rules write numbers and dates in their Vietnamese texts (`RuleViolation.vietnamese`): a
/// decimal comma and dd/mm/yyyy, as the pages write them.
package enum VietnameseText {
    /// `number` ("87.50", "0.5") with a decimal comma and without trailing zeros of its fraction.
    package static func number(_ number: String) -> String {
        guard number.contains(".") else { return number }
        var text = Substring(number)
        while text.last == "0" { text = text.dropLast() }
        if text.last == "." { text = text.dropLast() }
        return text.replacingOccurrences(of: ".", with: ",")
    }

    /// `points` as `number` writes it.
    package static func number(_ points: Points) -> String { number(points.description) }

    /// A date YYYY-MM-DD (or the date of an ISO 8601 time) as dd/mm/yyyy; other text as it is.
    package static func date(_ iso: String) -> String {
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// What a person calls units of `kind`, in lower case: "sở, ban, ngành", "UBND cấp xã".
    package static func units(_ kind: UnitKind) -> String {
        let name = kind.groupName
        return name.hasPrefix("UBND") ? name : name.prefix(1).lowercased() + name.dropFirst()
    }
}

extension Role {
    /// The role as people call it: "Thủ trưởng đơn vị", "Văn phòng thường trực (Sở Nội vụ)".
    public var vietnamese: String {
        switch self {
        case .unitOfficer: "Cán bộ đơn vị"
        case .unitHead: "Thủ trưởng đơn vị"
        case .councilMember: "Thành viên Hội đồng thẩm định"
        case .steeringCommittee: "Ban Chỉ đạo cải cách hành chính"
        case .surveyContractor: "Đơn vị điều tra xã hội học"
        case .secretariat: "Văn phòng thường trực (Sở Nội vụ)"
        case .provinceChair: "Chủ tịch UBND tỉnh"
        case .provinceViceChair: "Phó Chủ tịch UBND tỉnh"
        case .auditor: "Kiểm toán viên"
        }
    }
}
