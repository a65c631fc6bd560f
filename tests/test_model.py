"""The shared model: offset maps back into the original text."""

from kg.model import MappedText, Piece


def test_span_maps_through_pieces() -> None:
    orig = "ab\n\ncdXYef"
    text = MappedText("abcdef", (Piece(0, 0, 2), Piece(2, 4, 2), Piece(4, 8, 2)), "abcdef")
    start, end = text.span_to_orig(1, 5)
    assert (start, end) == (1, 9)
    assert orig[start:end].replace("\n", "").replace("XY", "") == "bcde"


def test_span_across_a_stitch_seam_never_inverts() -> None:
    # an article whose opening sits at offset 100 and whose continuation is earlier, at offset 10
    text = MappedText("openingcont", (Piece(0, 100, 7), Piece(7, 10, 4)), "openingcont")
    start, end = text.span_to_orig(2, 10)
    assert start < end
    assert (start, end) == (102, 107)
