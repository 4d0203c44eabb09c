"""Tagged segments: the memory's keys ignore what a tag holds, not where it is; entries go back into units
with the unit's own markup, and never break it."""
from __future__ import annotations

from pipeline.document import TextUnit
from pipeline.markdown.inline import render_inline, scan_inline
from pipeline.mt.segments import Segment, apply, fits, link, markup_segment, normalise, unit_segment

SOURCE = "Un **gras** et [un lien](https://a.org) puis `make x` et {{< hl >}}surligné{{< /hl >}}."
TARGET = "A **bold** and [a link](https://a.org) then `make x` and {{< hl >}}highlighted{{< /hl >}}."


def _unit(markup: str, kind: str = "paragraph") -> TextUnit:
    text, codes = scan_inline(markup)
    return TextUnit(id="u1", kind=kind, text=text, codes=codes)


def _apply(source: str, target: str, unit_markup: str, extra_tags: bool = False):
    src = markup_segment(source)
    check = apply(src, link(src, markup_segment(target)), _unit(unit_markup), set(), extra_tags=extra_tags)
    return None if check is None else render_inline(check.text, check.codes)


def test_unit_segment_is_the_markup_and_json_round_trips():
    unit = _unit(SOURCE)
    seg = unit_segment(unit.text, unit.codes)
    assert seg.markup == SOURCE
    assert [t.role for t in seg.tags] == ["open", "close", "open", "close", "point", "open", "close"]
    assert Segment.from_json(seg.to_json()) == seg


def test_keys_normalise_whitespace_and_unicode_but_keep_tag_places():
    a = markup_segment("Un  **gras**\n mot")
    b = markup_segment("Un **gras** mot ")
    assert a.key == b.key
    assert markup_segment("Un gras **mot**").key != a.key  # the tag moved: not the same segment
    assert markup_segment("Un gras **mot**").plain_key == a.plain_key  # ... but the words are
    assert normalise("e\u0301te\u0301") == "été"


def test_the_unit_markup_goes_back_whatever_the_entry_held():
    # another URL and other code in this article: same segment, this article's markup in the result
    result = _apply(SOURCE, TARGET, SOURCE.replace("https://a.org", "https://b.org").replace("make x", "pip y"))
    assert result == TARGET.replace("https://a.org", "https://b.org").replace("make x", "pip y")


def test_omegat_tags_stand_for_the_units_markup():
    source = "Un <b0>gras</b0> et <g1>un lien</g1> puis <x2/> et <g3>surligné</g3>."
    target = "A <b0>bold</b0> and <g1>a link</g1> then <x2/> and <g3>highlighted</g3>."
    assert markup_segment(source).key == markup_segment(SOURCE).key
    assert _apply(source, target, SOURCE) == TARGET


def test_moved_tags_are_linked_by_what_they_hold():
    # the translation puts the link before the bold: tags follow their content, not their order
    target = "[A link](https://a.org) and a **bold** then `make x` and {{< hl >}}highlighted{{< /hl >}}."
    assert _apply(SOURCE, target, SOURCE) == target


def test_an_entry_that_does_not_fit_is_not_applied():
    assert _apply(SOURCE, TARGET, "Un gras et un lien.") is None  # other words
    assert _apply(SOURCE, TARGET.replace("**bold**", "bold"), SOURCE) is None  # a tag of the source lost
    # a tag only the translation has: an editor's markdown may add it, another tool's tag may not
    extra = TARGET.replace("A **bold**", "A **bold** *really*")
    assert _apply(SOURCE, extra, SOURCE) is None
    assert _apply(SOURCE, extra, SOURCE, extra_tags=True) == extra
    # a target that would break the unit's markup (an unclosed shortcode) is refused by the edit check
    assert _apply("Un mot.", "A {{< word.", "Un mot.", extra_tags=True) is None


def test_fits_counts_each_tag_once():
    src = markup_segment("**a** b")
    assert fits(src, link(src, markup_segment("**a** b")), extra_tags=False)
    assert not fits(src, link(src, markup_segment("**a** **b**")), extra_tags=False)
