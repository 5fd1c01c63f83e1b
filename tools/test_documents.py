#!/usr/bin/env python3
"""The decision's annex as a person opens and prints it.

Builds the demo ledger, writes the annex of dien-bien-2020 with `parledger document annex`, reads it
with openpyxl and checks it against `parledger ranking --json`: every unit with its points per field,
total and index stored as numbers shown with two decimals, Vietnamese names intact, A4 landscape
fitted to the width, a print area and the header row repeated. When LibreOffice is installed
(Debian: libreoffice-calc-nogui) it also prints the annex to PDF and finds every unit's name in it
with pdftotext (poppler-utils); and Chromium prints the annex page of `parledger serve` to PDF,
in which every unit's name stands on a line with its index.

Run from anywhere after `swift build`:  python3 tools/test_documents.py
Needs openpyxl (tools/setup installs it).
"""
import json
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
import unittest
import urllib.request
from decimal import Decimal

import openpyxl

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from demo_ledger import make_demo  # noqa: E402

PARLEDGER = ROOT / ".build" / "debug" / "parledger"
CYCLE = "dien-bien-2020"
GROUPS = {"department": "Sở, ban, ngành", "district": "UBND cấp huyện"}


def run(*arguments, **options):
    return subprocess.run([str(PARLEDGER), *arguments], cwd=ROOT, check=True, capture_output=True, text=True,
                          timeout=300, **options)


class AnnexTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PARLEDGER.exists():
            raise unittest.SkipTest(f"build parledger first (swift build): {PARLEDGER} is missing")
        cls.scratch = tempfile.TemporaryDirectory(prefix="parledger-documents-")
        cls.directory = pathlib.Path(cls.scratch.name)
        demo = cls.directory / "demo"
        make_demo(PARLEDGER, demo)
        cls.ledger = str(demo / "ledger")
        cls.ranking = json.loads(run("ranking", "--cycle", CYCLE, "--json", "--ledger", cls.ledger).stdout)
        cls.annex = cls.directory / "phu-luc-2020.xlsx"
        run("document", "annex", CYCLE, "--out", str(cls.annex), "--ledger", cls.ledger)
        cls.workbook = openpyxl.load_workbook(cls.annex)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def rows_by_name(self, sheet):
        header_row = next(row for row in sheet.iter_rows() if row[0].value == "STT")
        header = [cell.value for cell in header_row]
        rows = {}
        for row in sheet.iter_rows(min_row=header_row[0].row + 1):
            if isinstance(row[0].value, int):
                rows[row[1].value] = dict(zip(header, row))
        return header, rows

    def test_every_unit_is_in_its_groups_sheet_with_its_points_and_index_as_numbers(self):
        self.assertEqual(self.workbook.sheetnames, list(GROUPS.values()))
        units = self.ranking["units"]
        self.assertGreater(len(units), 20)
        for unit in units:
            sheet = self.workbook[GROUPS[unit["kind"]]]
            header, rows = self.rows_by_name(sheet)
            with self.subTest(unit=unit["unit"]):
                self.assertIn(unit["name"], rows, "the unit's name, diacritics intact")
                row = rows[unit["name"]]
                self.assertEqual(unicodedata.normalize("NFC", row["Đơn vị"].value), row["Đơn vị"].value)
                for column, expected in [("Tổng điểm", unit["points"]), ("Chỉ số (%)", unit["index"])]:
                    cell = row[column]
                    self.assertEqual(cell.data_type, "n", column)
                    self.assertEqual(cell.number_format, "0.00", column)
                    self.assertEqual(Decimal(str(cell.value)), Decimal(expected), column)
                for field in unit["fields"]:
                    cell = row[f"{field['code']}. {field['title']}"]
                    self.assertEqual(cell.data_type, "n")
                    self.assertEqual(cell.number_format, "0.00")
                    self.assertEqual(Decimal(str(cell.value)), Decimal(field["points"]), field["code"])
                self.assertEqual(row["Xếp loại"].value, unit["class"])
                if unit["rank"] is not None:
                    self.assertEqual(row["Xếp hạng"].value, unit["rank"])
                    self.assertEqual(row["Xếp hạng"].data_type, "n")
        for name in GROUPS.values():
            _, rows = self.rows_by_name(self.workbook[name])
            self.assertEqual(len(rows), sum(1 for unit in units if GROUPS[unit["kind"]] == name))

    def test_the_title_names_the_decision(self):
        for sheet in self.workbook.worksheets:
            title = sheet["A1"].value
            self.assertTrue(title.startswith("Kết quả Chỉ số CCHC năm 2020 — Phụ lục kèm theo Quyết định số"), title)

    def test_each_sheet_prints_on_a4_landscape_fitted_to_the_width_with_a_print_area(self):
        for sheet in self.workbook.worksheets:
            with self.subTest(sheet=sheet.title):
                self.assertEqual(sheet.page_setup.orientation, "landscape")
                self.assertEqual(str(sheet.page_setup.paperSize), "9")
                self.assertEqual(str(sheet.page_setup.fitToWidth), "1")
                self.assertEqual(str(sheet.page_setup.fitToHeight), "0")
                self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
                self.assertTrue(sheet.print_area, "a print area")
                self.assertIn("$A$1:", sheet.print_area)
                self.assertEqual(sheet.print_title_rows.replace("$", ""), "3:3")
                self.assertEqual(sheet.freeze_panes, "A4")

    def test_the_same_ledger_writes_the_same_bytes_and_an_existing_file_is_never_overwritten(self):
        again = self.directory / "again.xlsx"
        run("document", "annex", CYCLE, "--out", str(again), "--ledger", self.ledger)
        self.assertEqual(again.read_bytes(), self.annex.read_bytes())
        before = self.annex.read_bytes()
        refused = subprocess.run([str(PARLEDGER), "document", "annex", CYCLE, "--out", str(self.annex),
                                  "--ledger", self.ledger], cwd=ROOT, capture_output=True, text=True, timeout=120)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("already exists", refused.stderr)
        self.assertEqual(self.annex.read_bytes(), before)
        self.assertEqual([path.name for path in self.directory.iterdir() if path.name.startswith(".")], [],
                         "no partial file is left beside the target")

    def test_the_printed_annex_shows_every_units_name(self):
        office = shutil.which("soffice") or shutil.which("libreoffice")
        if office is None:
            self.skipTest("LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui): "
                          "the PDF check did not run")
        if shutil.which("pdftotext") is None:
            self.skipTest("pdftotext is not installed (Debian: poppler-utils): the PDF check did not run")
        output = self.directory / "pdf"
        profile = self.directory / "office-profile"
        subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(output), str(self.annex)], check=True, capture_output=True, timeout=120)
        pdf = output / "phu-luc-2020.pdf"
        self.assertTrue(pdf.exists(), "LibreOffice wrote no PDF")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True, timeout=60).stdout
        text = unicodedata.normalize("NFC", text)
        for unit in self.ranking["units"]:
            self.assertIn(unit["name"], text, unit["unit"])
        self.assertIn("Phụ lục kèm theo Quyết định số", text)
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout if shutil.which(
            "pdfinfo") else ""
        if pages:
            self.assertIn("A4", pages)


    def test_chromium_prints_the_annex_page_with_every_units_name_and_index(self):
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            self.skipTest("Chromium is not installed (Debian: chromium): the printed page check did not run")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([str(PARLEDGER), "serve", "--ledger", self.ledger, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/api/ledger", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            pdf = self.directory / "phu-luc-trang-in.pdf"
            subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                            f"--user-data-dir={self.directory / 'chromium-profile'}", f"--print-to-pdf={pdf}",
                            f"{base}/cycles/{CYCLE}/annex"], check=True, capture_output=True, timeout=120)
        finally:
            server.terminate()
            server.wait(15)
        text = unicodedata.normalize("NFC", subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout)
        for unit in self.ranking["units"]:
            line = next((line for line in text.splitlines() if unit["name"] in line), None)
            self.assertIsNotNone(line, f"{unit['name']} is not in the printed annex")
            self.assertIn(unit["index"].replace(".", ","), line, f"the index of {unit['name']}")
        if shutil.which("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            self.assertRegex(info, r"Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)", "the page is not A4 landscape")


if __name__ == "__main__":
    unittest.main(verbosity=2)
