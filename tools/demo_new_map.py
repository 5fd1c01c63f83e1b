#!/usr/bin/env python3
"""The files tools/demo needs to open this year's cycle on today's map of Điện Biên (schemas/units/dien-bien-2025.json):
the reorganisations that lead from the 2019 and 2020 cycles' units to it, the cycle itself (scheme 2: its departments
and its communes and wards), the council's establishment, and the people to enrol (an officer and a head per unit the
2020 cycle did not score; `parledger demo` enrolled the others, the council's secretary and the province's chairman).

Usage: tools/demo_new_map.py DIR YEAR CYCLE-STATUS.json DEPARTMENTS-FRAMEWORK-ID COMMUNES-FRAMEWORK-ID
Writes DIR/sap-xep-so-nganh.json, DIR/sap-xep-cap-huyen.json, DIR/<cycle>.json, DIR/hoi-dong-<year>.json and
DIR/enrol.tsv (id, name, role, scope)."""

import datetime
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    directory, year, status_file, departments_framework, communes_framework = sys.argv[1:6]
    year = int(year)
    units = json.load(open(os.path.join(ROOT, "schemas", "units", "dien-bien-2025.json"), encoding="utf-8"))
    previous = json.load(open(status_file, encoding="utf-8"))
    before = {u["id"]: u for u in previous["units"]}
    departments, communes = units["departments"], units["communes"]

    def write(name, document):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)

    decree = departments["source"]
    write("sap-xep-so-nganh.json", {
        "decision": f"Nghị định {decree['number']} ngày 28/02/2025 của {decree['issuer']}", "date": "2025-03-01",
        "changes": [
            {"change": "merged", "from": ["so-ke-hoach-dau-tu", "so-tai-chinh"], "to": ["so-tai-chinh"]},
            {"change": "merged", "from": ["so-giao-thong-van-tai", "so-xay-dung"], "to": ["so-xay-dung"]},
            {"change": "merged", "from": ["so-nong-nghiep", "so-tai-nguyen-moi-truong"],
             "to": ["so-nong-nghiep-moi-truong"]},
            {"change": "merged", "from": ["so-thong-tin-truyen-thong", "so-khoa-hoc-cong-nghe"],
             "to": ["so-khoa-hoc-cong-nghe"]},
            {"change": "merged", "from": ["so-lao-dong", "so-noi-vu"], "to": ["so-noi-vu"]},
            {"change": "renamed", "from": ["ban-dan-toc"], "to": ["so-dan-toc-ton-giao"]},
        ]})
    districts = [u["id"] for u in previous["units"] if u["kind"] == "district"]
    write("sap-xep-cap-huyen.json", {
        "decision": "Luật Tổ chức chính quyền địa phương 2025 (chính quyền địa phương hai cấp); "
                    f"Nghị quyết {communes['source']['number']} ngày 16/06/2025 của Ủy ban Thường vụ Quốc hội",
        "date": "2025-07-01", "changes": [{"change": "dissolved", "from": districts, "to": []}]})

    cycle = f"dien-bien-{year}"
    today = datetime.date.today()
    listed = [{"id": u["id"], "name": u["name"], "kind": "department"} for u in departments["units"]]
    listed += [{"id": u["id"], "name": u["name"], "kind": "commune"} for u in communes["units"]]
    write(f"{cycle}.json", {
        "cycle": cycle, "name": f"Chỉ số CCHC năm {year}", "year": year, "scheme": 2,
        "frameworks": {"department": departments_framework, "commune": communes_framework},
        "units": listed, "previousCycle": previous["cycle"],
        "selfAssessmentDeadline": (today + datetime.timedelta(days=30)).isoformat(),
        "publicationWindow": {"from": today.isoformat(), "until": (today + datetime.timedelta(days=90)).isoformat()}})
    write(f"hoi-dong-{year}.json", {
        "decision": f"{year - 2000 + 100}/QĐ-UBND", "quorumPercent": "50", "members": [
            {"actor": "hoi-dong-tham-dinh", "position": "chair",
             "fields": {"department": ["4", "5", "6", "7"], "commune": ["4", "5", "6", "7", "8", "9", "10"]}},
            {"actor": "thanh-vien-hoi-dong", "position": "member",
             "fields": {"department": ["1", "2", "3"], "commune": ["1", "2", "3"]}},
            {"actor": "thu-ky-hoi-dong", "position": "secretary", "fields": {}}]})

    people = []
    for unit in listed:
        if unit["id"] not in before:
            people.append((f"can-bo-{unit['id']}", f"Cán bộ CCHC {unit['name']}", "unit-officer", unit["id"]))
            people.append((f"thu-truong-{unit['id']}", f"Thủ trưởng {unit['name']}", "unit-head", unit["id"]))
    with open(os.path.join(directory, "enrol.tsv"), "w", encoding="utf-8") as out:
        for person in people:
            out.write("\t".join(person) + "\n")


if __name__ == "__main__":
    main()
