"""What an editor's translation may and may not change in a unit's markup (``review.markup.check_edit``)."""
from __future__ import annotations

import pytest

from pipeline.document import TextUnit
from pipeline.markdown.inline import scan_inline
from pipeline.review.markup import check_edit

SOURCE = "Lire **[le guide](https://a.org)** puis {{< ref \"x.md\" >}} et *vite*."


def _unit(markup: str) -> TextUnit:
    text, codes = scan_inline(markup)
    return TextUnit(id="u1", kind="paragraph", text=text, codes=codes)


@pytest.mark.parametrize("edit", [
    "Read **[the guide](https://a.org)** then {{< ref \"x.md\" >}} and *quickly*.",
    "*Quickly* read {{< ref \"x.md\" >}} and then **[the guide](https://a.org)**.",  # reordered, same nesting
    "Read **[the guide](https://a.org)** then {{< ref \"x.md\" >}} and *quickly*, **really**.",  # added bold: allowed
])
def test_allowed(edit):
    assert check_edit(edit, _unit(SOURCE), set()).ok


@pytest.mark.parametrize("edit, problem", [
    ("Read [**the guide**](https://a.org) then {{< ref \"x.md\" >}} and *quickly*.", "nested differently"),
    ("Read **the guide [here](https://a.org)** then {{< ref \"x.md\" >}} and *quickly*.", None),  # still inside: ok
    ("Read **[the guide](https://a.org)** then *{{< ref \"x.md\" >}} and quickly*.", "nested differently"),
    ("Read **[the guide](https://a.org)** then {{< ref \"x.md\" >}} and *quickly*. {{< /callout >}}", "Shortcode added"),
    ("Read **[the guide](https://a.org)** then {{< ref \"x.md\" >}}{{< ref \"x.md\" >}} and *quickly*.", "Shortcode added"),
    ("Read **[the guide](https://a.org)** then {{% notice %}}and{{% /notice %}} *quickly* {{< ref \"x.md\" >}}.", "Shortcode added"),
    ("Read **[the guide](https://a.org)** then and *quickly*.", "missing"),  # a shortcode removed
])
def test_refused_with_the_reason(edit, problem):
    check = check_edit(edit, _unit(SOURCE), set())
    if problem is None:
        assert check.ok, check.problems
    else:
        assert not check.ok and problem in " ".join(check.problems), check.problems


def test_the_reason_names_the_codes():
    check = check_edit("Read [**the guide**](https://a.org) then {{< ref \"x.md\" >}} and *quickly*.", _unit(SOURCE), set())
    assert "[…](https://a.org) was inside **…**" in check.problems[0]
