import Ledger
public import LedgerFormat

/// The JSON form of frameworks (schemas/framework.schema.json): what `framework import` writes and
/// `framework validate` and `register` read. Points are strings ("1.5").
extension Framework {
    package static let format = "parledger-framework/1"

    public var json: JSONValue {
        .object([
            "format": .string(Self.format),
            "name": .string(name),
            "unitKind": .string(unitKind.rawValue),
            "source": .string(source),
            "stated": .object([
                "assessed": .string(statedAssessed.description), "survey": .string(statedSurvey.description),
            ]),
            "settings": settings.json,
            "criteria": .array(fields.map(\.json)),
        ])
    }

    /// Reads a framework document; the error names the JSON path of what is wrong.
    public init(json: JSONValue) throws(FrameworkFormatError) {
        guard json["format"]?.stringValue == Self.format else {
            throw FrameworkFormatError(
                path: "format", reason: "must be \"\(Self.format)\"", vi: "phải là \"\(Self.format)\"")
        }
        let kindText = try Self.string(json, "unitKind", at: "")
        guard let kind = UnitKind(rawValue: kindText) else {
            throw FrameworkFormatError(
                path: "unitKind", reason: "must be one of \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))",
                vi: "phải là một trong \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let stated = json["stated"], let settingsValue = json["settings"],
            let criteria = json["criteria"]?.arrayValue
        else {
            throw FrameworkFormatError(
                path: "", reason: "needs stated, settings and criteria",
                vi: "thiếu một trong các mục stated, settings, criteria")
        }
        self.init(
            name: try Self.string(json, "name", at: ""), unitKind: kind,
            source: try Self.string(json, "source", at: ""),
            statedAssessed: try Self.points(stated, "assessed", at: "stated"),
            statedSurvey: try Self.points(stated, "survey", at: "stated"),
            settings: try ScoringSettings(json: settingsValue),
            fields: try criteria.enumerated().map { index, value throws(FrameworkFormatError) in
                try Criterion(json: value, at: "criteria[\(index)]")
            }
        )
    }

    package static func string(_ value: JSONValue, _ key: String, at path: String) throws(FrameworkFormatError)
        -> String
    {
        guard let text = value[key]?.stringValue, !text.isBlank else {
            throw FrameworkFormatError(
                path: path.isEmpty ? key : "\(path).\(key)", reason: "must be a string that is not blank",
                vi: "phải là một chuỗi không để trống")
        }
        return text
    }

    package static func points(_ value: JSONValue, _ key: String, at path: String) throws(FrameworkFormatError)
        -> Points
    {
        let text = try string(value, key, at: path)
        do {
            return try Points(parsing: text)
        } catch {
            throw FrameworkFormatError(
                path: path.isEmpty ? key : "\(path).\(key)", reason: error.description, vi: error.vietnamese)
        }
    }
}

/// Why a framework document cannot be read, and where (a JSON path).
public struct FrameworkFormatError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// `reason` in Vietnamese.
    public let vi: String
    public var description: String { "\(path): \(reason)" }
    /// What is wrong, for the secretariat's page: "Tệp bộ tiêu chí chưa đúng định dạng ở mục unitKind: …".
    public var vietnamese: String {
        "Tệp bộ tiêu chí chưa đúng định dạng" + (path.isEmpty ? "" : " ở mục \(path)") + ": \(vi)."
    }

    public init(path: String, reason: String, vi: String) {
        self.path = path
        self.reason = reason
        self.vi = vi
    }
}

extension Criterion {
    package var json: JSONValue {
        var object: [String: JSONValue] = [
            "code": .string(code), "title": .string(title), "maxPoints": .string(maxPoints.description),
        ]
        if let method { object["method"] = .string(method.rawValue) }
        if !children.isEmpty { object["children"] = .array(children.map(\.json)) }
        if let guidance { object["guidance"] = .string(guidance) }
        if let adjustment { object["adjustment"] = .string(adjustment.rawValue) }
        return .object(object)
    }

    package init(json: JSONValue, at path: String) throws(FrameworkFormatError) {
        let code = try Framework.string(json, "code", at: path)
        let methodText = json["method"]?.stringValue
        let method = methodText.flatMap(ScoringMethod.init(rawValue:))
        if methodText != nil && method == nil {
            throw FrameworkFormatError(
                path: "\(path).method", reason: "must be assessed or survey", vi: "phải là assessed hoặc survey")
        }
        let adjustmentText = json["adjustment"]?.stringValue
        let adjustment = adjustmentText.flatMap(Adjustment.init(rawValue:))
        if json["adjustment"] != nil && adjustment == nil {
            throw FrameworkFormatError(
                path: "\(path).adjustment", reason: "must be bonus or penalty", vi: "phải là bonus hoặc penalty")
        }
        let children = json["children"]?.arrayValue ?? []
        let guidance = try json["guidance"].map { (_) throws(FrameworkFormatError) in
            try Framework.string(json, "guidance", at: path)
        }
        self.init(
            code: code, title: try Framework.string(json, "title", at: path),
            maxPoints: try Framework.points(json, "maxPoints", at: path), method: method,
            children: try children.enumerated().map { index, child throws(FrameworkFormatError) in
                try Criterion(json: child, at: "\(path).children[\(index)]")
            }, guidance: guidance, adjustment: adjustment
        )
    }
}

extension ScoringSettings {
    package var json: JSONValue {
        .object([
            "classes": .array(
                classes.map {
                    .object(["name": .string($0.name), "minimumPercent": .string($0.minimumPercent.description)])
                }),
            "provincialCommendationPercent": .string(provincialCommendationPercent.description),
            "fieldMinimumPercent": .string(fieldMinimumPercent.description),
            "anyCommendationPercent": .string(anyCommendationPercent.description),
            "appraisal": .string(appraisalMayRaise ? "adjust" : "lower-only"),
            "spotCheckPercent": .string(spotCheckPercent.description),
            "publishedDecimals": .integer(Int64(publishedDecimals)),
        ])
    }

    package init(json: JSONValue) throws(FrameworkFormatError) {
        guard let classes = json["classes"]?.arrayValue, !classes.isEmpty else {
            throw FrameworkFormatError(
                path: "settings.classes", reason: "must list at least one class", vi: "phải có ít nhất một mức xếp loại"
            )
        }
        let appraisal = json["appraisal"]?.stringValue
        guard appraisal == "adjust" || appraisal == "lower-only" else {
            throw FrameworkFormatError(
                path: "settings.appraisal", reason: "must be adjust or lower-only", vi: "phải là adjust hoặc lower-only"
            )
        }
        guard let decimals = json["publishedDecimals"]?.integerValue, (0...2).contains(decimals) else {
            throw FrameworkFormatError(
                path: "settings.publishedDecimals", reason: "must be 0, 1 or 2", vi: "phải là 0, 1 hoặc 2")
        }
        self.init(
            classes: try classes.enumerated().map { index, band throws(FrameworkFormatError) in
                ClassBand(
                    name: try Framework.string(band, "name", at: "settings.classes[\(index)]"),
                    minimumPercent: try Framework.points(band, "minimumPercent", at: "settings.classes[\(index)]")
                )
            },
            provincialCommendationPercent: try Framework.points(json, "provincialCommendationPercent", at: "settings"),
            fieldMinimumPercent: try Framework.points(json, "fieldMinimumPercent", at: "settings"),
            anyCommendationPercent: try Framework.points(json, "anyCommendationPercent", at: "settings"),
            appraisalMayRaise: appraisal == "adjust",
            spotCheckPercent: try Framework.points(json, "spotCheckPercent", at: "settings"),
            publishedDecimals: Int(decimals)
        )
    }
}
