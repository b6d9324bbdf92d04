"""Ruled tables of a PDF page, read from pdfium: the ruling lines from its path objects, the cell
text from its text layer, cut into cells by pdfplumber's edge algorithm (its pure functions).

pdfplumber's own table finder parses every character of the page in Python first, which costs
about 40 ms a page; pdfium does the parsing in C. Lines drawn inside form objects count, placed
by the forms' matrices. A page with table headings on which no ruled table is found here is
left to pdfplumber by the caller.
"""

from __future__ import annotations

import ctypes

# pdfplumber's defaults for its "lines" strategy, in points.
_SNAP = 3
_JOIN = 3
_INTERSECTION = 3
_MIN_EDGE = 3
# A segment this close to horizontal or vertical is a ruling line; anything else is drawing.
_FLAT = 0.5

Grid = list[list[str]]


def _segments(obj) -> list[tuple[float, float, float, float]]:
    """The straight segments of a path object, in page coordinates (origin bottom left)."""
    import pypdfium2.raw as pdfium_c

    a, b, c, d, e, f = _page_matrix(obj).get()
    x, y = ctypes.c_float(), ctypes.c_float()
    found = []
    start = previous = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            found.append((*previous, *point))
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            found.append((*point, *start))
        previous = point
    return found


def _page_matrix(obj):
    """The object's matrix composed with those of the form objects it lies in."""
    matrix = obj.get_matrix()
    container = obj.container
    while container is not None:
        matrix = matrix.multiply(container.get_matrix())
        container = container.container
    return matrix


def _edge(x0: float, y0: float, x1: float, y1: float, height: float) -> dict | None:
    """A segment as a pdfplumber edge (top-down coordinates), if it is horizontal or vertical."""
    left, right = min(x0, x1), max(x0, x1)
    top, bottom = height - max(y0, y1), height - min(y0, y1)
    if bottom - top <= _FLAT:
        return {
            "x0": left,
            "x1": right,
            "top": top,
            "bottom": top,
            "doctop": top,
            "width": right - left,
            "height": 0,
            "orientation": "h",
            "object_type": "line",
        }
    if right - left <= _FLAT:
        return {
            "x0": left,
            "x1": left,
            "top": top,
            "bottom": bottom,
            "doctop": top,
            "width": 0,
            "height": bottom - top,
            "orientation": "v",
            "object_type": "line",
        }
    return None


def _edges(page) -> list[dict]:
    import pypdfium2.raw as pdfium_c

    height = page.get_height()
    edges = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        for segment in _segments(obj):
            if (edge := _edge(*segment, height)) is not None:
                edges.append(edge)
    return edges


def page_grids(page, textpage) -> list[Grid]:
    """The page's ruled tables, each as rows of cell texts; a merged cell is one cell, at its
    first row and column, not repeated across its span."""
    from pdfplumber.table import Table, cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    edges = _edges(page)
    if not edges:
        return []
    edges = filter_edges(merge_edges(edges, _SNAP, _SNAP, _JOIN, _JOIN), min_length=_MIN_EDGE)
    cells = intersections_to_cells(edges_to_intersections(edges, _INTERSECTION, _INTERSECTION))
    height = page.get_height()
    grids = []
    for table_cells in cells_to_tables(cells):
        rows = [
            [_cell_text(textpage, cell, height) for cell in row.cells if cell is not None]
            for row in Table(None, table_cells).rows
        ]
        rows = [r for r in rows if any(r)]
        if rows:
            grids.append(rows)
    return grids


def _cell_text(textpage, cell: tuple[float, float, float, float], height: float) -> str:
    x0, top, x1, bottom = cell
    return " ".join(textpage.get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top).split())
