"""What the theme adds to a sanitized body: scrollers, heading links, named header cells."""

from __future__ import annotations

from clawdemy_site.render.decorate import decorate_body

MATH = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="{}">{}</math>'


def test_tables_code_and_display_math_each_get_a_numbered_scroller() -> None:
    html = (
        "<table><tr><td>1</td></tr></table>"
        '<div class="codehilite"><pre><code>x = 1</code></pre></div>'
        + MATH.format("block", "<mi>a</mi>")
        + "<table><tr><td>2</td></tr></table>"
    )
    assert decorate_body(html) == (
        '<div class="scroller scroller-table" tabindex="0" role="region" aria-label="Table 1">'
        "<table><tr><td>1</td></tr></table></div>"
        '<div class="scroller scroller-code" tabindex="0" role="region" aria-label="Code 1">'
        '<div class="codehilite"><pre><code>x = 1</code></pre></div></div>'
        '<div class="scroller scroller-math" tabindex="0" role="region" aria-label="Equation 1">'
        + MATH.format("block", "<mi>a</mi>")
        + "</div>"
        '<div class="scroller scroller-table" tabindex="0" role="region" aria-label="Table 2">'
        "<table><tr><td>2</td></tr></table></div>"
    )


def test_short_inline_math_keeps_its_punctuation_and_long_inline_math_scrolls() -> None:
    short = MATH.format("inline", "<mi>x</mi>")
    long = MATH.format("inline", "<mi>w</mi><mo>+</mo>" * 12)  # 24 characters of text
    assert decorate_body(f"<p>so {short}, and</p>") == (
        f'<p>so <span class="math-run">{short},</span> and</p>'
    )
    assert decorate_body(f"<p>{long}.</p>") == (
        '<p><span class="scroller scroller-inline" tabindex="0" role="region"'
        f' aria-label="Formula 1">{long}</span>.</p>'
    )


def test_headings_get_a_link_to_themselves_beside_them() -> None:
    assert decorate_body('<h2 id="the-squish">The <em>"squish"</em></h2>') == (
        '<div class="heading"><h2 id="the-squish">The <em>"squish"</em></h2>'
        '<a class="heading-anchor" href="#the-squish"'
        ' aria-label="Link to this section: The &quot;squish&quot;">#</a></div>'
    )


def test_header_cells_of_math_say_their_text_and_empty_ones_are_plain_cells() -> None:
    cell = MATH.format("inline", "<mo>−</mo><mn>4</mn>")
    hidden = cell.replace("<math ", '<math aria-hidden="true" ', 1)
    html = decorate_body(f"<table><tr><th></th><th>{cell}</th></tr></table>")
    assert "<td></td>" in html
    assert f'<th>{hidden}<span class="visually-hidden">−4</span></th>' in html
