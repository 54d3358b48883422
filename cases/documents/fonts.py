"""Compact CJK fonts in WeasyPrint's PDFs: a subset of the glyphs used, not of the glyph ids up to the last used.

WeasyPrint 70 subsets fonts keeping the glyph ids (HB_SUBSET_FLAGS_RETAIN_GIDS): its content streams and
width arrays address glyphs by their id in the original font. For a Latin font that is cheap; in Noto CJK
the glyphs of common Chinese characters have ids up to ~60,000, so the "subset" still carries 60,000 empty
glyphs with their metrics: about 230 KB per PDF, each time, and 40 % of the render time spent subsetting and
compressing them.

The CJK fonts are CID-keyed CFF (Adobe-Identity-0, CID = glyph id in the original font). A CID-keyed CFF
subset keeps each glyph's CID in its charset however the glyphs are renumbered, and a PDF CIDFontType0 font
selects glyphs by CID through that charset, provided the font program is embedded as bare CFF
(FontFile3 /CIDFontType0C). Readers (poppler, pdf.js, PDFium, Acrobat) then ignore glyph ids altogether.
So: subset without retaining ids (install_compact_subsetting), and embed the CFF table alone (cff_finisher).
TrueType (glyf) fonts have no charset and keep WeasyPrint's own subsetting.
"""

import struct

import pydyf
import weasyprint
from weasyprint.pdf import fonts as weasyprint_fonts
from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset
from weasyprint.text.fonts import get_hb_object_data

# Written against WeasyPrint 70 (Font._harfbuzz_subset and its attributes); tests/documents assert the
# size bounds and pdffonts' "sub" column, so an upgrade that changes these internals fails loudly.
SUPPORTED_WEASYPRINT = ("70.",)
_DROPPED_TABLES = (
    b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT",
    b"SVG ", b"VORG", b"hdmx", b"kern", b"name", b"post", b"vhea", b"vmtx",
)  # fmt: skip
_original_subset = weasyprint_fonts.Font._harfbuzz_subset


def _compact_subset(font, to_unicode, hinting):
    """One HarfBuzz pass over the used glyphs, renumbered (CFF fonts only)."""
    if "CFF " not in font.tables:
        return _original_subset(font, to_unicode, hinting)
    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyphs = sorted(to_unicode)
    glyph_set = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    harfbuzz.hb_set_add_sorted_array(glyph_set, ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs), len(glyphs))
    flags = harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    if font.missing:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NOTDEF_OUTLINE
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    drop = harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG)
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(font.hb_face, subset_input), harfbuzz.hb_face_destroy)
    content = get_hb_object_data(face) if face else None
    if content:
        font.file_content = content
    else:  # keep WeasyPrint's (larger, id-preserving) subset rather than none
        _original_subset(font, to_unicode, hinting)


def install_compact_subsetting() -> None:
    """Replace WeasyPrint's CFF subsetting for this process (idempotent); a no-op on other WeasyPrint versions."""
    if not weasyprint.__version__.startswith(SUPPORTED_WEASYPRINT):
        return
    weasyprint_fonts.Font._harfbuzz_subset = _compact_subset


def _cff_table(sfnt: bytes) -> bytes | None:
    """The 'CFF ' table of an OpenType (OTTO) font, read from its table directory."""
    if sfnt[:4] != b"OTTO":
        return None
    (count,) = struct.unpack(">H", sfnt[4:6])
    for n in range(count):
        tag, _checksum, offset, length = struct.unpack(">4sIII", sfnt[12 + 16 * n : 28 + 16 * n])
        if tag == b"CFF ":
            return sfnt[offset : offset + length]
    return None


def _is_cid_keyed(cff: bytes) -> bool:
    """Whether the CFF's Top DICT starts with the ROS operator (12 30), which makes it CID-keyed."""
    # Header: major, minor, hdrSize, offSize; then the Name INDEX, then the Top DICT INDEX.
    pos = cff[2]

    def index_end(at: int) -> tuple[int, int]:
        count = int.from_bytes(cff[at : at + 2], "big")
        if count == 0:
            return at + 2, at + 2
        off_size = cff[at + 2]
        offsets = at + 3
        last = int.from_bytes(cff[offsets + count * off_size : offsets + (count + 1) * off_size], "big")
        data = offsets + (count + 1) * off_size - 1
        return data + 1, data + last

    _first, pos = index_end(pos)  # Name INDEX
    top, end = index_end(pos)
    return b"\x0c\x1e" in cff[top:end][:32]


def cff_finisher(pdf: pydyf.PDF) -> None:
    """Embed each CID-keyed OpenType/CFF font program as bare CFF (FontFile3 /CIDFontType0C)."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType":
            cff = _cff_table(b"".join(part if isinstance(part, bytes) else bytes(part) for part in obj.stream))
            if cff and _is_cid_keyed(cff):
                obj.stream = [cff]
                obj.extra["Subtype"] = "/CIDFontType0C"
