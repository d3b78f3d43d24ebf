"""Read a PDF's accessibility structure with pikepdf: what the PDF/UA tests check.

``python -m tests.pdf_structure FILE.pdf ...`` prints the report for each file.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

HEADING = re.compile(r"^H([1-6])$")


@dataclass
class Structure:
    """What a reader's assistive technology gets from one PDF."""

    pages: int
    marked: bool
    lang: str
    title: str
    display_doc_title: bool
    pdfua_part: str
    tags: Counter = field(default_factory=Counter)
    headings: list[tuple[int, str]] = field(default_factory=list)
    figures: list[str | None] = field(default_factory=list)
    outline: list[tuple[int, str]] = field(default_factory=list)
    #: Text of each page's artifacts (running heads, footers, page numbers).
    artifact_text: list[str] = field(default_factory=list)
    #: MCIDs per page used in content but not reachable from the structure tree.
    orphan_mcids: int = 0
    #: Fonts: (name, embedded, has ToUnicode).
    fonts: list[tuple[str, bool, bool]] = field(default_factory=list)
    #: Text-showing operations outside both the structure tree and artifacts.
    untagged_text: int = 0
    th_cells: int = 0
    #: The /Scope of each header cell (``None``: none), in document order.
    th_scopes: list[str | None] = field(default_factory=list)
    #: Link annotations to local files (``file:``): a path of the build machine.
    local_links: list[str] = field(default_factory=list)
    links: int = 0
    #: (language, text) of each element whose /Lang differs from the language around it.
    language_parts: list[tuple[str, str]] = field(default_factory=list)

    def report(self, name: str) -> str:
        lines = [
            f"{name}: {self.pages} pages, tagged={self.marked}, lang={self.lang!r}, "
            f"title={self.title!r}, DisplayDocTitle={self.display_doc_title}, "
            f"pdfuaid:part={self.pdfua_part!r}",
            "  tags: " + ", ".join(f"{k} {v}" for k, v in sorted(self.tags.items())),
            f"  headings ({len(self.headings)}): "
            + "; ".join(f"H{level} {text[:36]}" for level, text in self.headings[:14])
            + (" ..." if len(self.headings) > 14 else ""),
            f"  bookmarks: {len(self.outline)}",
            f"  figures ({len(self.figures)}):",
            *[f"    alt={alt!r}" for alt in self.figures],
            f"  artifacts on page 1: {self.artifact_text[0] if self.artifact_text else ''!r}",
            f"  marked content not in the structure tree: {self.orphan_mcids}; "
            f"text neither tagged nor artifact: {self.untagged_text}",
            f"  table header cells: {self.th_cells}; links: {self.links} "
            f"(to local files: {len(self.local_links)})",
            f"  fonts: {len(self.fonts)}, all embedded with ToUnicode: "
            f"{all(e and u for _, e, u in self.fonts)}",
            f"  parts in another language ({len(self.language_parts)}): "
            + "; ".join(f"{lang}: {text[:30]!r}" for lang, text in self.language_parts[:6]),
        ]
        return "\n".join(lines)


def _text(element: pikepdf.Object, mcid_text: dict[tuple[int, int], str], page: int) -> str:
    """The text of a structure element, from its marked content."""
    parts = []
    kids = element.get("/K")
    if kids is None:
        return ""
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    own_page = element.get("/Pg")
    for kid in items:
        if isinstance(kid, int):
            parts.append(mcid_text.get((_page_index(own_page, page), int(kid)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            parts.append(mcid_text.get((_page_index(kid.get("/Pg"), page), int(kid.MCID)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            parts.append(_text(kid, mcid_text, page))
    return "".join(parts)


_PAGE_INDEX: dict[tuple, int] = {}


def _page_index(page_ref, default: int) -> int:
    if page_ref is None:
        return default
    return _PAGE_INDEX.get(page_ref.objgen, default)


def _to_unicode(font: pikepdf.Object) -> tuple[dict[int, str], int]:
    """A font's ToUnicode map (code -> text) and its code width in bytes (bfchar, bfrange)."""
    mapping: dict[int, str] = {}
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    if "/ToUnicode" not in font:
        return mapping, width
    cmap = font.ToUnicode.read_bytes().decode("latin-1")

    def text(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = text(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, value in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(value, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping, width


def _marked_content(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], str], list[str], int]:
    """Text inside each MCID, the text inside /Artifact sequences (per page), and how many
    text-showing operations sit outside both (untagged text)."""
    mcid_text: dict[tuple[int, int], str] = {}
    artifacts: list[str] = []
    untagged = 0
    for index, page in enumerate(pdf.pages):
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        maps = {name: _to_unicode(font) for name, font in fonts.items()}
        current: tuple[dict[int, str], int] = ({}, 1)
        stack: list[tuple[str, int | None]] = []
        page_artifacts: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf":
                current = maps.get(str(operands[0]), ({}, 1))
            elif op in ("BMC", "BDC"):
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = operands[1].get("/MCID")
                stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif op == "EMC" and stack:
                stack.pop()
            elif op in ("Tj", "TJ", "'", '"'):
                text = _shown(operands, *current)
                if any(tag == "/Artifact" for tag, _ in stack):
                    page_artifacts.append(text)
                    continue
                for _tag, mcid in reversed(stack):
                    if mcid is not None:
                        key = (index, mcid)
                        mcid_text[key] = mcid_text.get(key, "") + text
                        break
                else:
                    untagged += 1
        artifacts.append(" ".join(page_artifacts))
    return mcid_text, artifacts, untagged


def _shown(operands, mapping: dict[int, str], width: int) -> str:
    """The Unicode text a text-showing operation puts on the page."""
    out = []
    for operand in operands:
        strings = list(operand) if isinstance(operand, pikepdf.Array) else [operand]
        for string in strings:
            if isinstance(string, pikepdf.String):
                raw = bytes(string)
                for i in range(0, len(raw) - width + 1, width):
                    out.append(mapping.get(int.from_bytes(raw[i : i + width], "big"), ""))
            elif isinstance(string, int | float | pikepdf.Object) and float(string) < -200:
                out.append(" ")  # a wide kern between words
    return "".join(out)


def inspect(path: Path) -> Structure:
    """Read ``path``'s catalog, metadata, structure tree, outline, artifacts and fonts."""
    with pikepdf.open(path) as pdf:
        _PAGE_INDEX.clear()
        _PAGE_INDEX.update({page.obj.objgen: i for i, page in enumerate(pdf.pages)})
        root = pdf.Root
        with pdf.open_metadata() as meta:
            part = meta.get("pdfuaid:part", "")
        structure = Structure(
            pages=len(pdf.pages),
            marked=bool(root.get("/MarkInfo", {}).get("/Marked", False)),
            lang=str(root.get("/Lang", "")),
            title=str(pdf.docinfo.get("/Title", "")),
            display_doc_title=bool(
                root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)
            ),
            pdfua_part=str(part),
        )
        mcid_text, structure.artifact_text, structure.untagged_text = _marked_content(pdf)
        reached: set[tuple[int, int]] = set()

        def walk(element: pikepdf.Object, page: int, language: str) -> None:
            tag = str(element.get("/S", "")).lstrip("/")
            structure.tags[tag] += 1
            pg = _page_index(element.get("/Pg"), page)
            own = str(element.get("/Lang", "")) or language
            if own != language:
                structure.language_parts.append((own, _text(element, mcid_text, pg)))
            kids = element.get("/K")
            items = (
                [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            )
            for kid in items:
                if isinstance(kid, int):
                    reached.add((pg, int(kid)))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    reached.add((_page_index(kid.get("/Pg"), pg), int(kid.MCID)))
            match = HEADING.match(tag)
            if match:
                structure.headings.append((int(match.group(1)), _text(element, mcid_text, pg)))
            if tag == "Figure":
                alt = element.get("/Alt")
                structure.figures.append(None if alt is None else str(alt))
            if tag == "TH":
                structure.th_cells += 1
                attributes = element.get("/A")
                scope = (
                    attributes.get("/Scope") if isinstance(attributes, pikepdf.Dictionary) else None
                )
                structure.th_scopes.append(None if scope is None else str(scope).lstrip("/"))
            if tag == "Link":
                structure.links += 1
            for kid in items:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid, pg, own)

        tree = root.get("/StructTreeRoot")
        if tree is not None:
            kids = tree.get("/K")
            for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid, 0, structure.lang)
        structure.orphan_mcids = len(set(mcid_text) - reached)

        def outline(items, level: int) -> None:
            for item in items:
                structure.outline.append((level, item.title))
                outline(item.children, level + 1)

        with pdf.open_outline() as tree_outline:
            outline(tree_outline.root, 1)

        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                uri = str(annotation.get("/A", {}).get("/URI", ""))
                if uri.startswith("file:"):
                    structure.local_links.append(uri)

        seen = set()
        for page in pdf.pages:
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            for font in fonts.values():
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
                descriptor = font.get("/FontDescriptor")
                if descriptor is None and "/DescendantFonts" in font:
                    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if font.get("/Subtype") == "/Type3":
                    embedded = True  # glyphs are drawn by the font's own procedures
                structure.fonts.append(
                    (str(font.get("/BaseFont", "")), embedded, "/ToUnicode" in font)
                )
    return structure


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(inspect(Path(argument)).report(Path(argument).name))
