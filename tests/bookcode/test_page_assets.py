"""_ext/page_assets.py: a page's scripts wait for its text; icons come from CSS, not a script."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from repo_root import REPO_ROOT
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

_spec = importlib.util.spec_from_file_location("page_assets", REPO_ROOT / "_ext" / "page_assets.py")
page_assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(page_assets)

FONTAWESOME = page_assets.fontawesome_script()


MATHML = "http://www.w3.org/1998/Math/MathML"


def adjusted(scripts, styles=()):
    context = {"script_files": list(scripts), "css_files": list(styles)}
    page_assets.adjust_assets(None, "page", "page.html", context, None)
    return context


def test_every_script_file_is_deferred_unless_it_is_async_or_deferred_already():
    scripts = [_JavaScript("a.js"), _JavaScript("b.js", defer="defer"), _JavaScript("c.js")]
    scripts[2].attributes["async"] = "async"
    kept = adjusted(scripts)["script_files"]
    assert [s.attributes.get("defer") for s in kept] == ["defer", "defer", None]
    assert kept[2].attributes["async"] == "async"


def test_inline_scripts_using_documentation_options_wait_for_the_deferred_scripts():
    kept = adjusted(
        [
            _JavaScript("documentation_options.js"),
            _JavaScript(None, body="DOCUMENTATION_OPTIONS.pagename = 'intro';"),
            _JavaScript(None, body="let toggleHintShow = 'Click to show';"),
        ]
    )["script_files"]
    assert kept[1].attributes["body"] == (
        "document.addEventListener('DOMContentLoaded', () => { "
        "DOCUMENTATION_OPTIONS.pagename = 'intro'; });"
    )
    assert kept[2].attributes["body"] == "let toggleHintShow = 'Click to show';"


def test_unused_features_and_repeated_inline_scripts_are_dropped():
    thebe_config = 'const THEBE_JS_URL = "https://unpkg.com/thebe"; const thebe_selector = ".x"'
    context = adjusted(
        [
            _JavaScript("_static/sphinx-thebe.js?v=1"),
            _JavaScript(None, body=thebe_config),
            _JavaScript(None, body="var togglebuttonSelector = '.toggle';"),
            _JavaScript(None, body=thebe_config),
            _JavaScript(None, body="var togglebuttonSelector = '.toggle';"),
            _JavaScript("_static/design-tabs.js"),
            _JavaScript("_static/copybutton.js"),
        ],
        [
            _CascadingStyleSheet("_static/sphinx-thebe.css"),
            _CascadingStyleSheet("_static/book.css"),
        ],
    )
    names = [s.filename or s.attributes["body"] for s in context["script_files"]]
    assert names == ["var togglebuttonSelector = '.toggle';", "_static/copybutton.js"]
    assert [s.filename for s in context["css_files"]] == ["_static/book.css"]


def widget_scripts():
    state = '{"version_major": 2, "state": {"a": {}}}'
    return [
        _JavaScript(None, type="application/vnd.jupyter.widget-state+json", body=state),
        _JavaScript(
            "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js",
            integrity="sha256-x",
        ),
        _JavaScript(
            "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/embed-amd.js"
        ),
        _JavaScript("_static/explorer.js"),
    ]


def test_a_page_that_shows_a_widget_keeps_the_widget_manager_and_its_state():
    context = {
        "script_files": widget_scripts(),
        "css_files": [],
        "body": '<script type="application/vnd.jupyter.widget-view+json">{"model_id": "a"}'
        "</script>",
    }
    page_assets.adjust_assets(None, "page", "page.html", context, None)
    kept = [s.filename or s.attributes.get("type") for s in context["script_files"]]
    assert kept == [
        "application/vnd.jupyter.widget-state+json",
        "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js",
        "https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.6/dist/embed-amd.js",
        "_static/explorer.js",
    ]


def test_the_widget_manager_and_the_widgets_state_are_dropped():
    context = adjusted(widget_scripts())
    assert [s.filename for s in context["script_files"]] == ["_static/explorer.js"]


def test_an_icon_is_cut_out_of_the_themes_font_awesome_with_its_proportions():
    rules = page_assets.icon_rules(
        FONTAWESOME.read_text(encoding="utf-8"), (("solid", "bars"), ("brands", "github"))
    )
    bars, github = rules.splitlines()
    # both ways the theme writes an icon: "fa-solid fa-bars" and "fas fa-bars"
    assert bars.startswith(".fa-solid.fa-bars,.fas.fa-bars{width:0.875em;")  # 448 x 512
    assert "viewBox='0 0 448 512'" in bars and "<path d='M0 96C0 78.3" in bars
    assert github.startswith(".fa-brands.fa-github,.fab.fa-github{width:0.9688em;")  # 496 x 512


def test_the_solid_style_is_not_taken_for_the_regular_one():
    source = FONTAWESOME.read_text(encoding="utf-8")
    solid = page_assets.icon_rules(source, (("solid", "sun"),))
    regular = page_assets.icon_rules(source, (("regular", "sun"),))
    assert solid.split("{")[1] != regular.split("{")[1]


def test_an_icon_the_theme_does_not_have_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"the icon solid 'no-such-icon' is not in the theme's"):
        page_assets.icon_rules(
            FONTAWESOME.read_text(encoding="utf-8"), (("solid", "no-such-icon"),)
        )


def test_a_signatures_parameter_lines_become_blocks_not_a_list_without_terms():
    body = (
        '<dt class="sig sig-object py"><span class="sig-name">Linear</span>('
        '<dl>\n<dd><em class="sig-param">in_features: int</em>,</dd>\n'
        '<dd><em class="sig-param">out_features: int</em>,</dd>\n</dl>)</dt>'
        "<dd><dl class='field-list'><dt>Parameters</dt><dd>kept</dd></dl></dd>"
    )
    mended = page_assets.signature_lines(body)
    assert mended == (
        '<dt class="sig sig-object py"><span class="sig-name">Linear</span>('
        '<div class="sig-param-lines">\n<div class="sig-param-line">'
        '<em class="sig-param">in_features: int</em>,</div>\n'
        '<div class="sig-param-line"><em class="sig-param">out_features: int</em>,</div>\n'
        "</div>)</dt>"
        "<dd><dl class='field-list'><dt>Parameters</dt><dd>kept</dd></dl></dd>"
    )


def test_a_folded_cells_summary_is_named_by_its_visible_label():
    context = {
        "body": '<details class="hide above-input"><summary aria-label="Toggle hidden content">'
        '\n<p class="collapsed">Show code cell source</p></summary></details>'
    }
    page_assets.mend_body(None, "page", "page.html", context, None)
    assert context["body"] == (
        '<details class="hide above-input"><summary>'
        '\n<p class="collapsed">Show code cell source</p></summary></details>'
    )


# --------------------------------------------------------------------------- math as MathML


def mathml_parts(mathml: str) -> tuple[ET.Element, str]:
    """The parsed ``<math>`` element and its TeX annotation (unescaped)."""
    root = ET.fromstring(mathml)
    annotation = root.find(f".//{{{MATHML}}}annotation")
    return root, annotation.text


def test_an_inline_formula_is_mathml_with_its_tex_as_annotation():
    tex = r"\frac{1}{2} < \lVert w \rVert^2"
    mathml, tag = page_assets.tex_to_mathml(tex)
    root, annotation = mathml_parts(mathml)
    assert tag is None
    assert root.tag == f"{{{MATHML}}}math" and root.get("display") is None
    assert annotation == tex
    fraction = root.find(f".//{{{MATHML}}}mfrac")
    assert [n.text for n in fraction.iter(f"{{{MATHML}}}mn")] == ["1", "2"]
    assert [n.text for n in root.iter(f"{{{MATHML}}}mo")].count("\u2016") == 2  # the norm bars
    assert "<" in [n.text for n in root.iter(f"{{{MATHML}}}mo")]


def test_an_operator_name_is_an_upright_identifier():
    root, _ = mathml_parts(page_assets.tex_to_mathml(r"\operatorname{ReLU}(z) = \max(0, z)")[0])
    identifiers = [n.text for n in root.iter(f"{{{MATHML}}}mi")]
    assert "ReLU" in identifiers and "max" in identifiers, identifiers


def test_aligned_becomes_a_table_of_right_and_left_aligned_columns():
    tex = (
        r"\begin{aligned} z &= W x, & W &\in \mathbb{R}^{2},\\ "
        r"f &= v h, & v &\in \mathbb{R} \end{aligned}"
    )
    mathml, _ = page_assets.tex_to_mathml(tex, display=True)
    root, annotation = mathml_parts(mathml)
    assert root.get("display") == "block" and annotation == tex
    rows = root.findall(f".//{{{MATHML}}}mtr")
    assert len(rows) == 2
    for row in rows:
        cells = row.findall(f"{{{MATHML}}}mtd")
        assert [c.get("style") for c in cells] == [
            "text-align:right",
            "text-align:left",
            "text-align:right",
            "text-align:left",
        ]
    first = rows[0].findall(f"{{{MATHML}}}mtd")
    assert [n.text for n in first[0].iter(f"{{{MATHML}}}mi")] == ["z"]
    assert [n.text for n in first[1].iter(f"{{{MATHML}}}mo")][0] == "="
    # no alignment mark is left as a symbol of the formula
    assert "&" not in "".join(
        n.text or "" for n in root.iter() if n.tag != f"{{{MATHML}}}annotation"
    )


def test_a_tag_is_returned_as_the_formulas_number_not_drawn_in_it():
    mathml, tag = page_assets.tex_to_mathml(r"w = w - \eta g \tag{5.1}", display=True)
    root, annotation = mathml_parts(mathml)
    assert tag == "5.1"
    assert annotation == r"w = w - \eta g \tag{5.1}"
    drawn = "".join(n.text or "" for n in root.iter() if n.tag != f"{{{MATHML}}}annotation")
    assert "5.1" not in drawn and "tag" not in drawn


def test_a_command_latex2mathml_does_not_know_is_refused_by_name():
    with pytest.raises(page_assets.MathError, match=r"does not know \\notacommand in the formula"):
        page_assets.tex_to_mathml(r"x + \notacommand y")


def test_tex_latex2mathml_cannot_read_is_refused_with_the_formula():
    with pytest.raises(page_assets.MathError, match=r"cannot read the formula '\\\\frac\{1\}\{'"):
        page_assets.tex_to_mathml(r"\frac{1}{")


def test_the_claims_math_marked_for_mathjax_is_typeset_and_other_text_is_left_alone():
    body = (
        '<p class="nnbook-claim mathjax_process" data-claim="{}">measured: With \\(H =\\) 32 '
        "units and \\(p_9 &lt; 1\\)</p>\n<pre>re.compile(r'\\(x\\)')</pre>"
    )
    context = {"body": body}
    page_assets.mend_body(None, "page", "page.html", context, None)
    mended = context["body"]
    assert mended.startswith(
        '<p class="nnbook-claim mathjax_process" data-claim="{}">measured: With '
    )
    assert mended.endswith("</p>\n<pre>re.compile(r'\\(x\\)')</pre>")
    formulas = re.findall(r"<math .*?</math>", mended)
    assert [mathml_parts(f)[1] for f in formulas] == ["H =", "p_9 < 1"]
    assert "\\(" not in mended.split("<pre>")[0]


def test_font_awesome_is_found_where_the_theme_keeps_it_in_either_layout(tmp_path):
    newer = tmp_path / "newer"
    (newer / "scripts").mkdir(parents=True)
    (newer / "scripts" / "fontawesome.js").write_text("// 6.7", encoding="utf-8")
    (newer / "vendor" / "fontawesome" / "6.5.2" / "js").mkdir(parents=True)
    assert page_assets.fontawesome_script(newer) == newer / "scripts" / "fontawesome.js"
    older = tmp_path / "older"
    for version in ("6.1.2", "6.5.2", "6.10.0"):
        (older / "vendor" / "fontawesome" / version / "js").mkdir(parents=True)
        (older / "vendor" / "fontawesome" / version / "js" / "all.min.js").write_text("//")
    found = page_assets.fontawesome_script(older)
    assert found == older / "vendor" / "fontawesome" / "6.10.0" / "js" / "all.min.js"


def test_a_theme_without_font_awesome_is_named_in_the_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="the theme has no Font Awesome script"):
        page_assets.fontawesome_script(tmp_path)


def test_every_icon_is_cut_out_of_the_installed_themes_font_awesome():
    css = page_assets.icon_rules(FONTAWESOME.read_text(encoding="utf-8"))
    for style, name in page_assets.ICONS:
        assert f".fa-{style}.fa-{name}," in css, (style, name)


def test_a_display_formula_sets_the_limits_of_a_sum_under_and_over_it():
    tex = r"\sum_{k=1}^{K} a_k + \max_{i} x_i"
    display, _ = mathml_parts(page_assets.tex_to_mathml(tex, display=True)[0])
    under_over = display.find(f".//{{{MATHML}}}munderover")
    assert under_over is not None and under_over[0].text == "\u2211"
    assert [n.text for n in under_over[2].iter(f"{{{MATHML}}}mi")] == ["K"]
    assert display.find(f".//{{{MATHML}}}munder")[0].text == "max"
    # in a line of text the limits stay beside the sign, as in TeX
    inline, _ = mathml_parts(page_assets.tex_to_mathml(tex)[0])
    assert inline.find(f".//{{{MATHML}}}munderover") is None
    assert inline.find(f".//{{{MATHML}}}msubsup")[0].text == "\u2211"


def test_every_image_but_the_first_loads_when_it_nears_the_screen():
    body = (
        '<p>a</p><img src="a.png" alt="first"/><img src="b.png" alt="b"/>'
        '<img loading="eager" src="c.png" alt="c"/><IMG src="d.png" alt="d">'
    )
    assert page_assets.lazy_images(body) == (
        '<p>a</p><img src="a.png" alt="first"/><img loading="lazy" src="b.png" alt="b"/>'
        '<img loading="eager" src="c.png" alt="c"/><img loading="lazy" src="d.png" alt="d">'
    )


def presentation(tex: str) -> str:
    """The formula's MathML without its TeX annotation."""
    mathml = page_assets.tex_to_mathml(tex)[0]
    return mathml[mathml.index("<semantics>") : mathml.index("<annotation")]


def test_a_prime_follows_its_base_at_full_size_not_as_a_second_superscript():
    assert presentation(r"f'(z)") == (
        '<semantics><mrow><mrow><mi>f</mi><mo form="postfix" lspace="0" rspace="0">&#x02032;</mo>'
        '<mo stretchy="false">&#x00028;</mo><mi>z</mi><mo stretchy="false">&#x00029;</mo>'
        "</mrow></mrow>"
    )
    second = presentation(r"\sigma''(z)")
    assert "<msup>" not in second and "&#x02033;</mo>" in second
    assert "<msup>" in presentation(r"x^2")  # a power stays a superscript


SPACE = '<mspace width="0.1667em"></mspace>'


def test_a_function_name_is_set_off_from_its_operand_by_a_thin_space_as_in_tex():
    assert f"<mi>log</mi>{SPACE}<msub><mi>p</mi>" in presentation(r"\log p_{ik}")
    assert f"<mi>log</mi>{SPACE}<mfrac>" in presentation(r"\log\frac{a}{b}")
    assert f"<mi>log</mi>{SPACE}<mn>0.1</mn>" in presentation(r"-\log 0.1")
    assert f"</msub>{SPACE}<mi>log</mi>{SPACE}<msub>" in presentation(r"t_{ik} \log p_{ik}")
    assert "<mo>&#x02212;</mo><mi>log</mi>" in presentation(r"-\log 0.1")  # none after an operator
    # none before a bracket or a prime, and none inside a script (the name is its base)
    for tex in (r"\log(x)", r"\max(0, z)", r"\exp(-z)", r"\operatorname{ReLU}'(z)", r"\max_i x_i"):
        assert SPACE not in presentation(tex), tex


SIGN = '<mo form="prefix" lspace="0" rspace="0">&#x02212;</mo>'


def test_a_minus_after_a_relation_a_bracket_or_a_comma_is_a_sign_set_against_its_number():
    assert f"<mo>&#x0003D;</mo>{SIGN}<mn>2</mn>" in presentation("z = -2")
    assert f"&#x00028;</mo>{SIGN}<mn>0.05</mn>" in presentation("(-0.05, 0.05)")
    assert f"<mo>&#x02264;</mo>{SIGN}<mn>1</mn>" in presentation(r"x \le -1")
    # a subtraction stays an operator with space around it, after a name or a closing bracket
    for tex in ("a - b", "(a) - b", "f'(z) - 1"):
        assert SIGN not in presentation(tex) and "<mo>&#x02212;</mo>" in presentation(tex), tex


def test_a_slash_between_terms_has_no_space_around_it_as_in_tex():
    assert '<mn>1</mn><mo lspace="0" rspace="0">&#x0002F;</mo>' in presentation("1/(1+e^{-z})")


def installed_theme_script() -> str:
    import pydata_sphinx_theme

    package = Path(pydata_sphinx_theme.__file__).parent
    script = package / "theme" / "pydata_sphinx_theme" / "static" / page_assets.THEME_SCRIPT
    return script.read_text(encoding="utf-8")


def test_the_themes_tab_stops_are_measured_once_the_page_is_laid_out_not_at_load():
    script = installed_theme_script()
    deferred = page_assets.defer_tab_stops(script)
    assert len(deferred) - len(script) < 200
    assert "window.nnLaidOut?e():window.nnOnLaidOut=e}" in deferred
    assert "new MutationObserver(function(){window.nnLaidOut&&t()})" in deferred
    assert "new MutationObserver(t)" not in deferred
    assert page_assets.defer_tab_stops(deferred) == deferred  # a rebuild leaves it as it is


def test_a_theme_that_measures_its_tab_stops_otherwise_is_named_in_the_error():
    with pytest.raises(
        ValueError, match=r"no longer measures its tab stops as 0\.17 did"
    ) as caught:
        page_assets.defer_tab_stops("function I(){const e=()=>{};e()}")
    assert "update _TAB_STOPS_AT_LOAD in _ext/page_assets.py" in str(caught.value)


def test_docutils_viewport_tag_leaves_the_meta_tags_and_nothing_else_does():
    tags = (
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        '<meta content="A description" name="description" />\n'
    )
    assert (
        page_assets.without_viewport(tags)
        == '\n<meta content="A description" name="description" />\n'
    )
    assert page_assets.without_viewport('<meta name="author" content="x" />') == (
        '<meta name="author" content="x" />'
    )


def test_an_image_that_states_no_size_gets_its_pictures_size():
    sizes = {"../_images/a.png": (1011, 189), "../_images/b&c.png": (40, 30)}
    body = (
        '<p><img alt="A" src="../_images/a.png" /></p>'
        '<img loading="lazy" alt="B" src="../_images/b&amp;c.png" />'
    )
    assert page_assets.sized_images(body, sizes.get) == (
        '<p><img width="1011" height="189" alt="A" src="../_images/a.png" /></p>'
        '<img width="40" height="30" loading="lazy" alt="B" src="../_images/b&amp;c.png" />'
    )


def test_an_image_with_a_size_or_of_unknown_size_is_left_as_it_is():
    def size_of(src: str) -> tuple[int, int] | None:
        return (10, 10) if src == "../_images/known.png" else None

    stated = '<img width="200" alt="A" src="../_images/known.png" />'
    unknown = '<img alt="B" src="../_images/unknown.png" />'
    no_src = '<img alt="C" />'
    for tag in (stated, unknown, no_src):
        assert page_assets.sized_images(tag, size_of) == tag


def test_an_empty_anchor_whose_id_a_section_has_is_dropped_with_its_paragraph():
    body = (
        '<p>Text.</p>\n<p><a id="decay-and-biases"></a></p>\n</section>\n'
        '<section id="decay-and-biases">\n<h2>Decay and biases</h2>'
    )
    assert page_assets.without_repeated_anchors(body) == (
        '<p>Text.</p>\n</section>\n<section id="decay-and-biases">\n<h2>Decay and biases</h2>'
    )


def test_an_anchor_whose_id_is_its_own_is_kept():
    body = '<p><a id="only-here"></a></p>\n<section id="elsewhere"><h2>A</h2></section>'
    assert page_assets.without_repeated_anchors(body) == body
