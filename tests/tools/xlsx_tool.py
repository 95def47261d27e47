#!/usr/bin/env python3
"""XLSX files for the tests, with Python's standard library only (zipfile + xml), so the
workbooks the service reads and writes are checked by a reader independent of its own.

  xlsx_tool.py write OUT.xlsx < rows.json
      rows.json: {"rows": [[cell, ...], ...], "doctype": false, "bomb_bytes": 0}
      A cell is a string (a shared string), a number, or {"formula": "...", "value": "..."}
      (a formula cell with a cached value). "doctype" puts an entity declaration in the
      sheet; "bomb_bytes" pads the sheet with that many bytes of spaces (a zip bomb);
      "sheet_xml" replaces the sheet's XML with the text given (malformed XML).
  xlsx_tool.py read IN.xlsx
      Prints {"sheets": {name: [[{"t": type, "v": text, "f": formula-or-null}, ...], ...]}}
      for every worksheet, shared strings resolved.
"""
import json
import re
import sys
import zipfile
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def write(out, spec):
    strings, index = [], {}

    def sst(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    rows_xml = []
    for r, row in enumerate(spec["rows"], start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{col_name(c)}{r}"
            if isinstance(v, dict):
                cells.append(f'<c r="{ref}" t="str"><f>{escape(v["formula"])}</f>'
                             f'<v>{escape(v.get("value", ""))}</v></c>')
            elif isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif v is None or v == "":
                continue
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{sst(str(v))}</v></c>')
        rows_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    doctype = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
               if spec.get("doctype") else "")
    pad = " " * int(spec.get("bomb_bytes", 0))
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
             f'<worksheet xmlns="{NS}" xmlns:r="{RNS}"><sheetData>{"".join(rows_xml)}'
             f'</sheetData>{pad}</worksheet>')
    sst_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               f'<sst xmlns="{NS}" count="{len(strings)}" uniqueCount="{len(strings)}">'
               + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
               + "</sst>")
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{NS}" '
            f'xmlns:r="{RNS}"><sheets><sheet name="Peserta" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>',
        "xl/worksheets/sheet1.xml": spec.get("sheet_xml", sheet),
        "xl/sharedStrings.xml": sst_xml,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)


def read(path):
    q = lambda t: f"{{{NS}}}{t}"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        strings = []
        if "xl/sharedStrings.xml" in names:
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            for si in root.iter(q("si")):
                strings.append("".join(t.text or "" for t in si.iter(q("t"))))
        wb = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        sheets = {}
        for s in wb.iter(q("sheet")):
            target = targets[s.get(f"{{{RNS}}}id")].lstrip("/")
            if not target.startswith("xl/"):
                target = "xl/" + target
            root = ET.fromstring(z.read(target))
            rows = []
            for row in root.iter(q("row")):
                cells = []
                for c in row.iter(q("c")):
                    col = 0
                    for ch in re.match(r"[A-Z]+", c.get("r")).group(0):
                        col = col * 26 + ord(ch) - 64
                    while len(cells) < col - 1:
                        cells.append({"t": "blank", "v": "", "f": None})
                    t = c.get("t", "n")
                    v = c.find(q("v"))
                    f = c.find(q("f"))
                    text = v.text if v is not None and v.text is not None else ""
                    if t == "s":
                        text = strings[int(text)]
                    elif t == "inlineStr":
                        text = "".join(x.text or "" for x in c.iter(q("t")))
                    cells.append({"t": t, "v": text, "f": None if f is None else (f.text or "")})
                rows.append(cells)
            sheets[s.get("name")] = rows
    json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], json.load(sys.stdin))
    elif sys.argv[1] == "read":
        read(sys.argv[2])
    else:
        sys.exit("usage: xlsx_tool.py write OUT | read IN")
