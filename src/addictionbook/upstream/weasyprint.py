"""WeasyPrint (the PDF step, ``pipeline/pdf.py``): running heads and footers drawn as artifacts
(``weasyprint-margin-artifacts``), and each structure element given its HTML element's language
(``weasyprint-element-language``), and each table header cell given its /Scope
(``weasyprint-table-header-scope``)."""

from __future__ import annotations

from functools import wraps

from . import applies

_PATCHED: set[str] = set()


def patch_weasyprint_tagging() -> None:
    """Apply the PDF tagging workarounds below, each once per process. The PDFs' tags depend
    on them: outside their verified WeasyPrint versions the guard stops the PDF step
    (:func:`addictionbook.upstream.applies`), checked on every call."""
    for name, patch in (
        ("weasyprint-margin-artifacts", _mark_page_margins_as_artifacts),
        ("weasyprint-element-language", _tag_element_languages),
        ("weasyprint-table-header-scope", _scope_table_headers),
    ):
        if applies(name) and name not in _PATCHED:
            patch()
            _PATCHED.add(name)


def _mark_page_margins_as_artifacts() -> None:
    """Draw running heads, footers and page numbers as PDF/UA artifacts (WeasyPrint 1836).

    WeasyPrint tags the text of page-margin boxes (``@top-left``, ``@bottom-right``, ...) as
    marked content whose structure elements it leaves out of the structure tree
    (``weasyprint/pdf/tags.py``: "It could be included in tree as Artifact, but that's only
    allowed in PDF 2.0"); PDF/UA-1 (ISO 14289-1, 7.8) asks for them to be artifacts. Each margin
    box is drawn inside ``/Artifact <</Type /Pagination /Subtype /Header>>`` (``/Footer`` at
    the bottom) with no MCID, and the tag builder skips margin boxes.
    """
    import pydyf
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    original_draw = draw.draw_stacking_context
    original_tree = tags._build_box_tree

    @wraps(original_draw)
    def draw_stacking_context(stream, stacking_context):
        box = stacking_context.box
        if not isinstance(box, boxes.MarginBox) or stream._tags is None:
            return original_draw(stream, stacking_context)
        subtype = "/Header" if box.at_keyword.startswith("@top") else "/Footer"
        if box.at_keyword.startswith(("@left", "@right")):
            subtype = None
        properties = pydyf.Dictionary({"Type": "/Pagination"})
        if subtype:
            properties["Subtype"] = subtype
        saved, stream._tags = stream._tags, None  # no MCIDs inside the artifact
        stream.begin_marked_content("Artifact", properties)
        try:
            return original_draw(stream, stacking_context)
        finally:
            stream.end_marked_content()
            stream._tags = saved

    @wraps(original_tree)
    def build_box_tree(box, *args, **kwargs):
        if isinstance(box, boxes.MarginBox):
            return iter(())  # drawn as an artifact: nothing to tag
        return original_tree(box, *args, **kwargs)

    draw.draw_stacking_context = draw_stacking_context
    tags._build_box_tree = build_box_tree


def _tag_element_languages() -> None:
    """Give a structure element the language of its HTML element's ``lang`` attribute.

    WeasyPrint 70 writes the language of ``<html lang>`` as the document's ``/Lang`` and no
    other: a Spanish handout inside the English book would be read aloud with English
    pronunciation. PDF lets any structure element carry its own ``/Lang`` (ISO 32000-1,
    14.9.2; WCAG technique PDF19, language of parts), so each element made from an HTML element
    with a ``lang`` attribute gets one (the elements made from its anonymous boxes too).
    """
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    original_tree = tags._build_box_tree

    @wraps(original_tree)
    def build_box_tree(box, *args, **kwargs):
        element = getattr(box, "element", None)
        lang = None
        if element is not None and not isinstance(box, boxes.PageBox):
            if getattr(box, "element_tag", None) not in ("html", "body"):  # the catalog's
                lang = element.get("lang")
        for struct in original_tree(box, *args, **kwargs):
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct

    tags._build_box_tree = build_box_tree


def _scope_table_headers() -> None:
    """Give each table header cell (``/TH``) its ``/Scope``: ``/Row`` for a header of its row
    (``<th scope="row">``, a stub column), ``/Column`` otherwise (a header row).

    WeasyPrint 70 gives data cells ``/Headers`` but their header cells no ``/Scope``; PDF/UA-1
    (Matterhorn 15-003, veraPDF rule 7.5-1) asks for one of the two on the headers, so a screen
    reader can tie each data cell to its headers. ``pipeline/pdf.py`` writes ``scope`` on the
    book's ``<th>`` elements (a header row's ``col``, a stub's ``row``) before layout.
    """
    from weasyprint.pdf import tags

    original_tree = tags._build_box_tree

    @wraps(original_tree)
    def build_box_tree(box, *args, **kwargs):
        header = getattr(box, "element_tag", None) == "th"
        for struct in original_tree(box, *args, **kwargs):
            if header and struct.get("S") == "/TH" and "A" in struct:
                row = box.element.get("scope") == "row"
                struct["A"]["Scope"] = "/Row" if row else "/Column"  # PDF names
            yield struct

    tags._build_box_tree = build_box_tree
