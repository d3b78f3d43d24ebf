"""Workaround for WeasyPrint: running heads, footers and page numbers as PDF/UA artifacts.

Checked against WeasyPrint 70.0. WeasyPrint tags the text of page-margin boxes (``@top-left``,
``@bottom-right``, ...) as ordinary marked content (``/Span`` with an MCID) whose structure
elements it leaves out of the structure tree (``weasyprint/pdf/tags.py``, "It could be included
in tree as Artifact, but that's only allowed in PDF 2.0"). PDF/UA-1 (ISO 14289-1, 7.8) asks
for running heads and footers to be artifacts: https://github.com/Kozea/WeasyPrint/issues/1836
(open). Here each margin box is drawn inside ``/Artifact <</Type /Pagination /Subtype /Header>>``
(``/Footer`` at the bottom) with no MCID, and the tag builder skips margin boxes. Remove this
module when WeasyPrint does it itself.
"""

from __future__ import annotations

from functools import wraps

_DONE = False


def mark_page_margins_as_artifacts() -> None:
    """Patch WeasyPrint once per process (idempotent)."""
    global _DONE
    if _DONE:
        return
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
    _DONE = True
