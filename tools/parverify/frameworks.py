"""Framework documents and their settings (FORMAT.md, Frameworks): the checks, and a registered framework's criteria."""

from .kinds import UNIT_KINDS
from .text import CODE, hundredths, is_blank, is_points, points_text
from .verdicts import need

FRAMEWORK_MEMBERS = {"format", "name", "unitKind", "source", "stated", "settings", "criteria"}
SETTINGS_MEMBERS = {"classes", "provincialCommendationPercent", "fieldMinimumPercent", "anyCommendationPercent",
                    "appraisal", "spotCheckPercent", "publishedDecimals"}
PERCENTS = ("provincialCommendationPercent", "fieldMinimumPercent", "anyCommendationPercent", "spotCheckPercent")


def exact_object(value, members, where):
    need(isinstance(value, dict) and set(value) == set(members), f"{where} must have exactly the members {sorted(members)}")


def nonempty(value, where):
    need(isinstance(value, str) and not is_blank(value), f"{where} must be a string that is not blank")


def points_of(value, where):
    need(is_points(value), f"{where} must be points in canonical form")
    return hundredths(value)


def check_framework(document):
    """The leaves of a valid framework document in its normal form; RuleBroken naming the defect."""
    exact_object(document, FRAMEWORK_MEMBERS, "the framework")
    need(document["format"] == "parledger-framework/1", "the framework's format must be parledger-framework/1")
    need(document["unitKind"] in UNIT_KINDS, f"unitKind must be one of {', '.join(UNIT_KINDS)}")
    nonempty(document["name"], "name")
    nonempty(document["source"], "source")
    exact_object(document["stated"], {"assessed", "survey"}, "stated")
    stated = {k: points_of(document["stated"][k], f"stated.{k}") for k in ("assessed", "survey")}
    check_settings(document["settings"])
    need(isinstance(document["criteria"], list), "criteria must be an array")
    rows = []
    for index, field in enumerate(document["criteria"]):
        collect_rows(field, f"criteria[{index}]", None, rows)
    check_rows(rows, stated)
    return rows


def check_settings(settings):
    exact_object(settings, SETTINGS_MEMBERS, "settings")
    classes = settings["classes"]
    need(isinstance(classes, list) and classes, "settings.classes must list at least one class")
    bands = []
    for index, band in enumerate(classes):
        exact_object(band, {"name", "minimumPercent"}, f"settings.classes[{index}]")
        nonempty(band["name"], f"settings.classes[{index}].name")
        bands.append(points_of(band["minimumPercent"], f"settings.classes[{index}].minimumPercent"))
    need(bands == sorted(bands, reverse=True) and bands[-1] == 0, "classes must go from the highest band down to one starting at 0%")
    need(settings["appraisal"] in ("adjust", "lower-only"), "settings.appraisal must be adjust or lower-only")
    need(settings["publishedDecimals"] in (0, 1, 2) and not isinstance(settings["publishedDecimals"], bool),
         "settings.publishedDecimals must be 0, 1 or 2")
    for name in PERCENTS:
        points_of(settings[name], f"settings.{name}")
    need(1000 <= hundredths(settings["spotCheckPercent"]) <= 10000,
         f"the spot-check covers at least 10% of units (and at most 100%), not {settings['spotCheckPercent']}%")


def collect_rows(criterion, where, parent, rows):
    need(isinstance(criterion, dict), f"{where} must be an object")
    allowed = {"code", "title", "maxPoints", "method", "children", "guidance", "adjustment"}
    need({"code", "title", "maxPoints"} <= set(criterion) <= allowed, f"{where} has members other than {sorted(allowed)}")
    code = criterion["code"]
    need(isinstance(code, str) and CODE.fullmatch(code) and all(p[0] != "0" for p in code.split(".")),
         f"{where}.code {code!r} is not a criterion code (numbers from 1, without leading zeros, joined by dots)")
    nonempty(criterion["title"], f"{where}.title")
    if "guidance" in criterion:
        nonempty(criterion["guidance"], f"{where}.guidance")
    maximum = points_of(criterion["maxPoints"], f"{where}.maxPoints")
    children = criterion.get("children")
    need(children is None or (isinstance(children, list) and children), f"{where}.children must be a non-empty array")
    method = criterion.get("method")
    if children is None:
        need(method in ("assessed", "survey"), f"{code}: a leaf needs a method (assessed or survey)")
    else:
        need(method is None, f"{code}: only leaves have a method")
    adjustment = criterion.get("adjustment")
    need(adjustment in (None, "bonus", "penalty"), f"{where}.adjustment must be bonus or penalty")
    need(adjustment is None or (children is None and method == "assessed"),
         f"{code}: a {adjustment} criterion is a leaf scored by the unit and the council (assessed)")
    need(parent is None or code.startswith(parent + "."), f"{code}: stands under {parent} but its code does not start with {parent}.")
    row = {"code": code, "max": maximum, "method": method, "children": [], "parent": parent, "adjustment": adjustment}
    rows.append(row)
    for index, child in enumerate(children or []):
        row["children"].append(len(rows))
        collect_rows(child, f"{where}.children[{index}]", code, rows)


def check_rows(rows, stated):
    previous, seen = None, set()
    for row in rows:
        numbers = [int(part) for part in row["code"].split(".")]
        need(row["code"] not in seen, f"{row['code']}: duplicate code")
        seen.add(row["code"])
        need(numbers in successors(previous), f"{row['code']}: out of order after {previous}")
        previous = numbers
        need(row["max"] > 0, f"{row['code']}: its maximum must be more than 0")
        if row["children"]:
            total = sum(rows[i]["max"] for i in row["children"])
            need(total == row["max"], f"{row['code']}: maximum {points_text(row['max'])} but its children add up to {points_text(total)}")
    field_of = {}
    for row in rows:
        field_of[row["code"]] = row["code"] if row["parent"] is None else field_of[row["parent"]]
    adjustments = {}
    for row in rows:
        if not row["children"]:
            adjustments.setdefault(field_of[row["code"]], set()).add(row["adjustment"])
    for code, found in adjustments.items():
        need(len(found) == 1, f"{code}: the leaves of a field are all bonus, all penalty or neither")
    counted = {code for code, found in adjustments.items() if found == {None}}
    fields = sum(row["max"] for row in rows if row["parent"] is None and row["code"] in counted)
    total = stated["assessed"] + stated["survey"]
    need(fields == total, f"the fields add up to {points_text(fields)}, not the stated total {points_text(total)}")
    leaves = [row for row in rows if not row["children"] and field_of[row["code"]] in counted]
    survey = sum(row["max"] for row in leaves if row["method"] == "survey")
    assessed = sum(row["max"] for row in leaves if row["method"] == "assessed")
    need((assessed, survey) == (stated["assessed"], stated["survey"]),
         f"the leaves give {points_text(assessed)} assessed + {points_text(survey)} survey points; "
         f"the document states {points_text(stated['assessed'])} + {points_text(stated['survey'])}")


def successors(previous):
    if previous is None:
        return [[1]]
    allowed = [previous + [1]]
    for depth in range(len(previous), 0, -1):
        allowed.append(previous[:depth - 1] + [previous[depth - 1] + 1])
    return allowed


class Framework:
    """A registered framework: criteria by code, leaves in order, fields and settings."""

    def __init__(self, document, rows):
        self.kind = document["unitKind"]
        self.settings = document["settings"]
        self.by_code = {row["code"]: row for row in rows}
        self.rows = rows
        self.leaves = [row for row in rows if not row["children"]]
        self.fields = [(row["code"], self.leaves_under(row)) for row in rows if row["parent"] is None]
        self.adjustment = {code: leaves[0]["adjustment"] for code, leaves in self.fields}

    def leaves_under(self, row):
        if not row["children"]:
            return [row]
        return [leaf for i in row["children"] for leaf in self.leaves_under(self.rows[i])]
