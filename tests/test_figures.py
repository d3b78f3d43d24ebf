"""The figure package: content follows parameters, house style, accessibility, reproducible files.

Tests mostly assert on what was drawn (found by gid or text); the only pixel comparison is the
exported PNGs against the committed ``figures/``.
"""

from __future__ import annotations

import base64
import contextlib
import doctest
import importlib
import inspect
import io
import itertools
import pkgutil
import re
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Patch
from matplotlib.testing.compare import compare_images

import addictionbook.figures as ab
from addictionbook.figures import (
    _validate,
    circles_of_coregulation,
    export,
    layered_model,
    notebook,
    registry,
    style,
    three_systems,
)
from addictionbook.figures.registry import BY_ID, FIGURES

from .figure_helpers import (
    VARIANTS,
    all_text,
    by_gid,
    contrast_ratio,
    drawn,
    gid_prefixed,
    is_dashed,
    patch_by_gid,
    render_rgb,
    shown_figures,
    text_contrasts,
    texts,
)
from .helpers import run_python

ROOT = Path(__file__).resolve().parents[1]
#: The package's modules that are not figures (CONTRIBUTING.md, "Add a figure").
HELPER_MODULES = {"__init__", "style", "registry", "export", "notebook", "_validate"}
#: Every figure module, found (not listed): a new figure is tested as soon as its module exists.
FIGURE_MODULES = tuple(
    importlib.import_module(f"addictionbook.figures.{found.name}")
    for found in pkgutil.iter_modules(ab.__path__)
    if found.name not in HELPER_MODULES
)


def authors_of_the_bibliography() -> set[str]:
    """The surnames of every author and editor in book/references.bib: whom a figure may say
    it follows."""
    from pybtex.database import parse_file

    entries = parse_file(str(ROOT / "book" / "references.bib")).entries.values()
    return {
        "".join(person.last_names).strip("{}")
        for entry in entries
        for people in entry.persons.values()
        for person in people
    }


AUTHORS = authors_of_the_bibliography()

#: Each draw_ function with arguments that exercise it: these variants, and every other
#: draw_ function of the package with its defaults (a new figure is drawn without editing this).
DRAWERS: list[tuple[Callable[..., Axes], dict[str, object]]] = [
    (ab.draw_dopamine_seen_unseen, {"state": "seen"}),
    (ab.draw_dopamine_seen_unseen, {"state": "unseen"}),
    (ab.draw_opioid_attunement, {}),
    (ab.draw_layered_model, {"peeled": 3, "highlight": "affect"}),
    (ab.draw_three_systems, {"show_intoxication": False}),
    (ab.draw_working_model_lens, {"model": "both"}),
    (ab.draw_circles_of_coregulation, {"stage": 3}),
]
DRAWERS += [
    (getattr(ab, name), {})
    for name in sorted(ab.FIGURE_FUNCTIONS)
    if name.startswith("draw_") and getattr(ab, name) not in {draw for draw, _ in DRAWERS}
]

#: Every figure function's bad values: (function, kwargs, parameter name, an allowed value).
BAD_PARAMETERS: list[tuple[Callable[..., object], dict[str, object], str, str]] = [
    (ab.dopamine_seen_unseen_figure, {"state": "hidden"}, "state", "'unseen'"),
    (ab.dopamine_seen_unseen_figure, {"state": None}, "state", "'both'"),
    (ab.layered_model_figure, {"peeled": 5}, "peeled", "0 to 4"),
    (ab.layered_model_figure, {"peeled": -1}, "peeled", "0 to 4"),
    (ab.layered_model_figure, {"peeled": 1.0}, "peeled", "0 to 4"),
    (ab.layered_model_figure, {"peeled": True}, "peeled", "0 to 4"),
    (ab.layered_model_figure, {"highlight": "drugs"}, "highlight", "'switching'"),
    (ab.layered_model_figure, {"labels": "plain"}, "labels", "'client'"),
    (ab.three_systems_figure, {"show_intoxication": "yes"}, "show_intoxication", "True"),
    (ab.working_model_lens_figure, {"model": "anxious"}, "model", "'insecure'"),
    (ab.circles_of_coregulation_figure, {"stage": 0}, "stage", "1 to 4"),
    (ab.circles_of_coregulation_figure, {"stage": 5}, "stage", "1 to 4"),
    (ab.circles_of_coregulation_figure, {"stage": "2"}, "stage", "1 to 4"),
]


@pytest.fixture(autouse=True)
def no_leaks():
    """Every test leaves matplotlib's global state as it found it: rcParams and pyplot."""
    before = dict(mpl.rcParams)
    yield
    after = dict(mpl.rcParams)
    changed = {k for k in before if before[k] != after[k] and k != "backend"}
    if "matplotlib.pyplot" in sys.modules:
        pyplot = sys.modules["matplotlib.pyplot"]
        open_figures = pyplot.get_fignums()
        pyplot.close("all")
        assert not open_figures, "a figure function created pyplot figures"
    assert not changed, f"rcParams changed: {sorted(changed)}"


@pytest.fixture(scope="module")
def export_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The figure set exported once (in this process) into a temporary folder by the function
    behind ``addictionbook figures``; returns the folder and what the command printed."""
    outdir = tmp_path_factory.mktemp("figures")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        export.export_command(outdir, jobs=1)
    return outdir, printed.getvalue()


@pytest.fixture(scope="module")
def exported(export_run: tuple[Path, str]) -> Path:
    """The folder of :func:`export_run`."""
    return export_run[0]


def fresh_axes() -> Axes:
    return Figure(figsize=style.SIZE_SINGLE).subplots()


# --- return types ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["new_figur", "style_figure"])  # no such module; no such name
def test_a_mistyped_function_name_says_which_figure_and_what_to_give(name: str) -> None:
    spec = registry.FigureSpec(id="fig-new", function_name=name, caption="", alt="")
    with pytest.raises(ValueError, match=rf"fig-new: function_name '{name}' .*<name>_figure"):
        spec.draw()


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.id)
def test_each_registered_figure_function_returns_a_figure(spec: registry.FigureSpec) -> None:
    assert isinstance(spec.draw(), Figure)


@pytest.mark.parametrize(("draw", "kwargs"), DRAWERS, ids=lambda x: getattr(x, "__name__", ""))
def test_each_draw_function_returns_the_axes_it_was_given(
    draw: Callable[..., Axes], kwargs: dict[str, object]
) -> None:
    ax = fresh_axes()
    assert draw(ax=ax, **kwargs) is ax
    assert texts(ax), f"{draw.__name__} drew no labels"


@pytest.mark.parametrize(("draw", "kwargs"), DRAWERS, ids=lambda x: getattr(x, "__name__", ""))
def test_draw_without_ax_draws_into_a_new_pyplot_free_figure(
    draw: Callable[..., Axes], kwargs: dict[str, object]
) -> None:
    ax = draw(**kwargs)
    fig = ax.figure
    assert isinstance(fig, Figure) and fig.axes == [ax], "one new figure holding only this axes"
    assert fig.canvas.manager is None, "a pyplot figure (it has a figure manager)"
    assert texts(ax), f"{draw.__name__} drew no labels"
    assert draw(**kwargs).figure is not fig, "each call draws a figure of its own"


#: The variants' names (their test ids), for the tests that read :func:`drawn` figures.
NAMES = [name for name, _, _ in VARIANTS]

#: The variants drawn as one panel (the others compose several ``draw_*`` panels).
ONE_PANEL = [
    v
    for v in VARIANTS
    if not (v[1] is ab.dopamine_seen_unseen_figure and v[2].get("state", "both") == "both")
]


def test_only_the_two_state_dopamine_figure_composes_panels() -> None:
    for name, function, kwargs in VARIANTS:
        assert (len(drawn(name).axes) == 1) == ((name, function, kwargs) in ONE_PANEL), name


@pytest.mark.parametrize(("name", "function", "kwargs"), ONE_PANEL, ids=[v[0] for v in ONE_PANEL])
def test_a_one_panel_figure_is_the_figure_its_draw_function_makes(
    name: str, function: Callable[..., Figure], kwargs: dict[str, object]
) -> None:
    """``<name>_figure(**kw)`` and ``draw_<name>(**kw).figure`` are the same published figure
    (same size, same file), so an instructor may start from either."""
    fig = function(**kwargs)
    draw = getattr(ab, "draw_" + function.__name__.removesuffix("_figure"))
    drawn = draw(**kwargs).figure
    assert tuple(drawn.get_size_inches()) == tuple(fig.get_size_inches())
    assert export.render(drawn, "svg") == export.render(fig, "svg")


def test_figure_functions_never_import_pyplot() -> None:
    """Drawing every figure in a fresh interpreter leaves pyplot unimported: no global state."""
    code = (
        "import sys\n"
        "import addictionbook.figures as ab\n"
        "for name in ab.FIGURE_FUNCTIONS:\n"
        "    getattr(ab, name)()\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    run_python(code)  # exits 0: the assertion in ``code`` held


#: Every public figure function by name, with ``ax`` passed (draw functions) or not.
PUBLIC_CALLS = [(name, False) for name in sorted(ab.FIGURE_FUNCTIONS)] + [
    (name, True) for name in sorted(ab.FIGURE_FUNCTIONS) if name.startswith("draw_")
]


@pytest.mark.parametrize(
    ("name", "given_ax"), PUBLIC_CALLS, ids=[f"{n}{'(ax=...)' * a}" for n, a in PUBLIC_CALLS]
)
def test_each_call_enters_the_house_style_once_and_checks_each_parameter_once(
    name: str, given_ax: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Style and validation happen in one place per call, not again in a nested call."""
    entered: list[object] = []
    checked: list[str] = []
    rc_context = mpl.rc_context

    def counting_rc_context(rc=None, fname=None):
        if rc and rc.get("svg.hashsalt") == style.SVG_HASH_SALT:
            entered.append(rc)
        return rc_context(rc, fname)

    def recording(check: Callable[..., object]) -> Callable[..., object]:
        def recorded(parameter: str, *args: object) -> object:
            checked.append(parameter)
            return check(parameter, *args)

        return recorded

    monkeypatch.setattr(mpl, "rc_context", counting_rc_context)
    for check in ("choice", "int_range", "flag"):
        monkeypatch.setattr(_validate, check, recording(getattr(_validate, check)))
    function = getattr(ab, name)
    function(**({"ax": fresh_axes()} if given_ax else {}))
    assert len(entered) == 1, f"{name} entered the house style {len(entered)} times"
    parameters = set(inspect.signature(function).parameters) - {"ax"}
    assert sorted(checked) == sorted(parameters), (
        f"{name}: each parameter is checked once, in one place; checked {checked}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_figures_are_schematics_without_axes_numbers_or_titles(name: str) -> None:
    fig = drawn(name)
    for ax in fig.axes:
        assert not ax.axison, f"{name}: an axis (with ticks and numbers) is visible"
        assert ax.get_title() == "" and ax.get_title("left") == "" and ax.get_title("right") == ""
    assert fig.get_suptitle() == "", f"{name}: titles come from the caption, not the figure"
    assert not any(re.search(r"\d", t.get_text()) for t in texts(fig)), (
        f"{name}: a conceptual figure shows no numbers"
    )


# --- content follows parameters --------------------------------------------------------------


@pytest.mark.parametrize("peeled", range(5))
def test_layers_peeled_are_dashed_unfilled_and_marked(peeled: int) -> None:
    ax = ab.draw_layered_model(ax=fresh_axes(), peeled=peeled)
    patches = gid_prefixed(ax, "layer-", Patch)
    assert [p.get_gid() for p in patches] == [
        f"layer-{layer.key}" for layer in layered_model.LAYERS
    ]
    for depth, layer in enumerate(layered_model.LAYERS):
        patch = patch_by_gid(ax, f"layer-{layer.key}")
        label = by_gid(ax, f"label-{layer.key}")[0]
        is_peeled = depth < peeled
        assert is_dashed(patch) == is_peeled
        assert (mpl.colors.to_hex(patch.get_facecolor()) == "#ffffff") == is_peeled
        assert ("(peeled away)" in label.get_text()) == is_peeled


@pytest.mark.parametrize("highlight", [layer.key for layer in layered_model.LAYERS])
def test_layers_highlight_has_the_only_heavy_outline(highlight: str) -> None:
    ax = ab.draw_layered_model(ax=fresh_axes(), highlight=highlight)
    widths = {p.get_gid(): p.get_linewidth() for p in gid_prefixed(ax, "layer-", Patch)}
    heavy = [gid for gid, width in widths.items() if width == style.HEAVY_LINE_PT]
    assert heavy == [f"layer-{highlight}"]
    assert by_gid(ax, f"label-{highlight}")[0].get_fontweight() == "bold"


def test_layers_without_highlight_have_no_heavy_outline() -> None:
    ax = ab.draw_layered_model(ax=fresh_axes())
    assert all(p.get_linewidth() < style.HEAVY_LINE_PT for p in gid_prefixed(ax, "layer-", Patch))


def test_layers_client_labels_are_plain_words_and_match_the_worksheet_alt_text() -> None:
    text = all_text(ab.layered_model_figure(labels="client"))
    for clinical_term in ("Drug of choice", "Process addictions", "Affect-regulation", "co-regul"):
        assert clinical_term not in text
    for label in layered_model.CLIENT_LABELS.values():
        assert " ".join(label.split()) in text
    alt = BY_ID["fig-layered-model-client"].alt.lower()
    for key in ("what i use most", "other drugs", "things i do", "hard feelings", "people"):
        assert key in alt
    worksheet = (ROOT / "book/handouts/peeling-the-layers.md").read_text(encoding="utf-8")
    assert 'show("fig-layered-model-client")' in worksheet


def test_layers_client_labels_in_spanish_come_from_the_spanish_table() -> None:
    """``language="es"`` draws the same figure with the Spanish words, and no English ones."""
    spanish = ab.layered_model_figure(labels="client", language="es")
    english = ab.layered_model_figure(labels="client")
    text = all_text(spanish)
    for key, label in layered_model.CLIENT_LABELS_BY_LANGUAGE["es"].items():
        assert " ".join(label.split()) in text, key
        assert label != layered_model.CLIENT_LABELS[key]
    for label in layered_model.CLIENT_LABELS.values():
        assert " ".join(label.split()) not in text
    arrow = layered_model.TEXTS_BY_LANGUAGE["es"]["arrow-client"]
    assert "Start" not in text and " ".join(arrow.split()) in text
    # the same drawing: one patch per layer, in the same places
    shapes = [
        [p.get_gid() for p in gid_prefixed(fig.axes[0], "layer-", Patch)]
        for fig in (spanish, english)
    ]
    assert shapes[0] == shapes[1] == [f"layer-{layer.key}" for layer in layered_model.LAYERS]
    peeled = all_text(ab.layered_model_figure(labels="client", language="es", peeled=1))
    assert "(ya quitada)" in peeled and "peeled away" not in peeled
    spec = BY_ID["fig-layered-model-client-es"]
    assert spec.language == "es" and spec.params["labels"] == "client"
    alt = spec.alt.lower()
    for key in ("lo que más uso", "otras drogas", "cosas que hago", "sentimientos difíciles"):
        assert key in alt


def test_layers_clinical_labels_exist_in_english_only() -> None:
    with pytest.raises(ValueError, match="language='es'"):
        ab.layered_model_figure(language="es")
    with pytest.raises(ValueError, match="language='fr'"):
        ab.layered_model_figure(labels="client", language="fr")


def test_layers_show_the_articles_terms() -> None:
    text = all_text(ab.layered_model_figure())
    for term in (
        "Drug of choice",
        "Switching to other drugs",
        "Process addictions",
        "Affect-regulation disorder",
        "Difficulty co-regulating in relationships",
        "outside in",
    ):
        assert term in text


@pytest.mark.parametrize(("state", "panels"), [("both", 2), ("seen", 1), ("unseen", 1)])
def test_dopamine_state_sets_the_panels(state: str, panels: int) -> None:
    fig = ab.dopamine_seen_unseen_figure(state=state)
    assert len(fig.axes) == panels
    shown = [ax.get_gid() for ax in fig.axes]
    expected = {"both": ["panel-seen", "panel-unseen"], "seen": ["panel-seen"]}
    assert shown == expected.get(state, ["panel-unseen"])


def test_dopamine_seen_expands_and_unseen_contracts_against_one_reference() -> None:
    fig = ab.dopamine_seen_unseen_figure(state="both")
    radius = {
        gid: patch_by_gid(fig, gid).get_radius()
        for gid in (
            "dopamine-seen-system",
            "dopamine-seen-reference",
            "dopamine-unseen-system",
            "dopamine-unseen-reference",
        )
    }
    assert radius["dopamine-seen-reference"] == radius["dopamine-unseen-reference"]
    assert radius["dopamine-seen-system"] > radius["dopamine-seen-reference"]
    assert radius["dopamine-unseen-system"] < radius["dopamine-unseen-reference"]
    assert by_gid(fig, "dopamine-seen-change")[0].get_text() == "expands"
    assert by_gid(fig, "dopamine-unseen-change")[0].get_text() == "contracts"


def test_dopamine_attunement_is_a_two_headed_link_and_shame_a_broken_one() -> None:
    fig = ab.dopamine_seen_unseen_figure()
    seen = by_gid(fig, "dopamine-seen-link")
    unseen = by_gid(fig, "dopamine-unseen-link")
    assert len(seen) == 1 and not is_dashed(seen[0])
    assert len(unseen) == 2 and all(is_dashed(p) for p in unseen)


def test_dopamine_shows_the_articles_terms() -> None:
    text = all_text(ab.dopamine_seen_unseen_figure())
    for term in (
        "\u201cfeeling felt\u201d",
        "Shame",
        "absence of attunement",
        "Dopamine system",
        "Wish to be seen",
        "Wish to be unseen",
        "Caregiver",
        "Child",
    ):
        assert term in text


def test_opioid_activity_is_drawn_in_both_partners_and_feeds_the_bond() -> None:
    fig = ab.opioid_attunement_figure()
    for who in ("caregiver", "child"):
        assert "Opioid system" in by_gid(fig, f"opioid-activity-{who}-label")[0].get_text()
        assert by_gid(fig, f"opioid-to-bond-{who}"), f"no arrow from the {who} to the bond"
        assert by_gid(fig, f"opioid-{who}-head") and by_gid(fig, f"opioid-glow-{who}")
    text = all_text(fig)
    assert "Attuned moment" in text and "Attachment bond reinforced" in text


@pytest.mark.parametrize("show_intoxication", [True, False])
def test_systems_draw_three_circles_and_intoxication_on_request(show_intoxication: bool) -> None:
    fig = ab.three_systems_figure(show_intoxication=show_intoxication)
    keys = [s.key for s in three_systems.SYSTEMS]
    assert {
        p.get_gid() for p in fig.findobj(Circle) if p.get_gid() in {f"system-{k}" for k in keys}
    } == {f"system-{k}" for k in keys}
    text = all_text(fig)
    for term in ("Relationships", "Psychology", "internal working model", "Neurobiology"):
        assert term in text
    assert "dopamine and opioid systems" in text
    assert bool(by_gid(fig, "intoxication")) == show_intoxication
    assert ("Intoxication" in text) == show_intoxication
    assert ("stands in for relational regulation" in text) == show_intoxication


def test_systems_circles_overlap_each_other() -> None:
    centers = [s.center for s in three_systems.SYSTEMS]
    radius = patch_by_gid(ab.three_systems_figure(), "system-relationships").get_radius()
    for (x1, y1), (x2, y2) in itertools.combinations(centers, 2):
        assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 < 2 * radius


@pytest.mark.parametrize(
    ("model", "lenses"),
    [("both", ["secure", "insecure"]), ("secure", ["secure"]), ("insecure", ["insecure"])],
)
def test_lens_model_sets_the_lenses(model: str, lenses: list[str]) -> None:
    fig = ab.working_model_lens_figure(model=model)
    drawn = [
        p.get_gid().removeprefix("lens-")
        for p in gid_prefixed(fig, "lens-", Patch)
        if p.get_gid() in ("lens-secure", "lens-insecure")
    ]
    assert drawn == lenses
    assert len(by_gid(fig, "experience")) == 1, "one shared experience"
    text = all_text(fig)
    assert "The same experience" in text
    assert ("fear and mistrust" in text) == ("insecure" in lenses)
    assert ("avoidance" in text) == ("insecure" in lenses)
    assert ("a negative inner voice" in text) == ("insecure" in lenses)
    assert ("safe to trust" in text) == ("secure" in lenses)
    assert ("a kind inner voice" in text) == ("secure" in lenses)


def test_lens_insecure_is_told_apart_by_hatching_not_color_alone() -> None:
    fig = ab.working_model_lens_figure()
    assert patch_by_gid(fig, "lens-insecure").get_hatch()
    assert not patch_by_gid(fig, "lens-secure").get_hatch()
    assert "Insecure" in by_gid(fig, "lens-insecure-name")[0].get_text()


@pytest.mark.parametrize("stage", range(1, 5))
def test_circles_stage_sets_how_many_are_reached(stage: int) -> None:
    ax = ab.draw_circles_of_coregulation(ax=fresh_axes(), stage=stage)
    rings = {c.key: patch_by_gid(ax, f"circle-{c.key}") for c in circles_of_coregulation.CIRCLES}
    reached = [k for k, p in rings.items() if not is_dashed(p)]
    assert reached == [c.key for c in circles_of_coregulation.CIRCLES][:stage]
    for key, patch in rings.items():
        filled = mpl.colors.to_hex(patch.get_facecolor()) != "#ffffff"
        assert filled == (key in reached)
        assert ("(ahead)" in by_gid(ax, f"circle-{key}-label")[0].get_text()) == (
            key not in reached
        )
    radii = [p.get_radius() for p in rings.values()]
    assert radii == sorted(radii), "circles widen from the therapist outward"
    assert is_dashed(by_gid(ax, "circles-ahead")[0]) == (stage < 4)


def test_circles_show_the_articles_terms() -> None:
    text = all_text(ab.circles_of_coregulation_figure())
    for term in ("Therapist", "Group", "Meetings", "supportive relationships"):
        assert term in text
    assert "\u201cearned secure attachment\u201d" in text


# --- bad parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "kwargs", "name", "allowed"),
    BAD_PARAMETERS,
    ids=[f"{f.__name__}-{k}" for f, kw, k, _ in BAD_PARAMETERS],
)
def test_bad_parameter_raises_value_error_naming_it_and_the_allowed_values(
    function: Callable[..., object], kwargs: dict[str, object], name: str, allowed: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{name}=") as info:
        function(**kwargs)
    assert "allowed values" in str(info.value) and allowed in str(info.value)


@pytest.mark.parametrize(
    ("draw", "kwargs", "name"),
    [
        (ab.draw_dopamine_seen_unseen, {"state": "both"}, "state"),
        (ab.draw_layered_model, {"highlight": "Core"}, "highlight"),
        (ab.draw_layered_model, {"labels": None}, "labels"),
        (ab.draw_working_model_lens, {"model": None}, "model"),
        (ab.draw_circles_of_coregulation, {"stage": 9}, "stage"),
        (ab.draw_three_systems, {"show_intoxication": 1}, "show_intoxication"),
    ],
)
def test_draw_functions_validate_too(draw: Callable[..., Axes], kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{name}=.*allowed values"):
        draw(ax=fresh_axes(), **kwargs)


def test_unknown_figure_id_names_the_registered_ones() -> None:
    with pytest.raises(ValueError, match="figure_id='fig-nope'.*fig-layered-model"):
        registry.get("fig-nope")
    with pytest.raises(ValueError, match="figure_id="):
        notebook.show("fig-nope")
    with pytest.raises(ValueError, match="^peeled="):
        notebook.show("fig-layered-model", peeled=7)


def test_positional_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        ab.circles_of_coregulation_figure(2)  # type: ignore[misc]


# --- house style and accessibility -----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_published_size_and_text_at_least_min_font(name: str) -> None:
    fig = drawn(name)
    width, height = fig.get_size_inches()
    assert width <= style.MAX_WIDTH_IN, f"{name} is {width} in wide: it would be printed smaller"
    small = [
        (t.get_text(), t.get_fontsize()) for t in texts(fig) if t.get_fontsize() < style.MIN_FONT_PT
    ]
    assert not small, f"{name}: text below {style.MIN_FONT_PT} pt: {small}"


def figure_cells() -> list[tuple[str, int, str, float]]:
    """Every figure cell of the book: (page, line, figure id, share of the text width asked)."""
    found = []
    for entry, line, figure_id, image in shown_figures(ROOT):
        width = str(image.get("width", ""))
        share = float(width.rstrip("%")) / 100 if width.endswith("%") else 1.0
        found.append((entry, line, figure_id, share))
    return found


#: The width of the text on a printed page (US Letter and A4 margins both leave at least this).
TEXT_WIDTH_IN = 6.5


def test_figures_are_printed_with_text_at_least_min_font() -> None:
    """A figure scaled down on the page (a ``width:`` option) shrinks its text with it."""
    cells = figure_cells()
    assert any(fid == "fig-layered-model-client" for _, _, fid, _ in cells)
    for entry, line, figure_id, share in cells:
        fig = BY_ID[figure_id].draw()
        width = fig.get_size_inches()[0]
        scale = min(1.0, share * TEXT_WIDTH_IN / width)
        smallest = min(t.get_fontsize() for t in texts(fig)) * scale
        assert smallest >= style.MIN_FONT_PT, (
            f"{entry}.md:{line}: {figure_id} is printed at {scale:.0%}, so its smallest text is "
            f"{smallest:.1f} pt; draw it at the printed size instead of scaling it down"
        )


@pytest.mark.parametrize("name", NAMES)
def test_text_contrast_meets_wcag_aa(name: str) -> None:
    low = [(text, round(ratio, 2)) for text, ratio in text_contrasts(drawn(name)) if ratio < 4.5]
    assert not low, f"{name}: text below 4.5:1 against its background: {low}"


def test_contrast_measure_catches_light_text() -> None:
    """The contrast check is able to fail: pale text on white is caught."""
    fig = ab.circles_of_coregulation_figure()
    fig.axes[0].text(1, 1, "pale", color="#BBBBBB", fontsize=12)
    assert any(ratio < 4.5 for text, ratio in text_contrasts(fig) if text == "pale")
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)


@pytest.mark.parametrize("name", NAMES)
def test_texts_neither_overlap_nor_leave_the_figure(name: str) -> None:
    fig = drawn(name)
    _, canvas = render_rgb(fig, 72)
    renderer = canvas.get_renderer()
    frame = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts(fig)]
    for text, bb in boxes:
        assert (
            frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1
        ), f"{name}: {text!r} is clipped by the figure edge"
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{name}: {ta!r} overlaps {tb!r}"


@pytest.mark.parametrize("name", NAMES)
def test_labels_stay_inside_their_boxes(name: str) -> None:
    """A box's label (gid ``<box>-label``, or ``label-<key>`` for layer ``layer-<key>``) sits
    inside the box with a little room to spare, so no word touches an outline."""
    fig = drawn(name)
    _, canvas = render_rgb(fig, 100)
    renderer = canvas.get_renderer()
    patches = {p.get_gid(): p for p in fig.findobj(Patch) if p.get_gid()}
    checked = 0
    for text in texts(fig):
        gid = text.get_gid() or ""
        owner = gid.removesuffix("-label") if gid.endswith("-label") else None
        if gid.startswith("label-"):
            owner = "layer-" + gid.removeprefix("label-")
        if owner not in patches:
            continue
        inner = text.get_window_extent(renderer)
        outer = patches[owner].get_window_extent(renderer).padded(-2)  # 2 px margin
        assert (
            outer.x0 <= inner.x0
            and inner.x1 <= outer.x1
            and outer.y0 <= inner.y0
            and inner.y1 <= outer.y1
        ), f"{name}: {text.get_text()!r} touches or leaves {owner}"
        checked += 1
    assert checked, f"{name}: no boxed labels found to check"


@pytest.mark.parametrize("name", NAMES)
def test_colors_come_from_the_house_palette_and_text_is_near_black(name: str) -> None:
    fig = drawn(name)
    assert mpl.colors.to_hex(fig.get_facecolor()) == "#ffffff", "explicit white background"
    assert {mpl.colors.to_hex(t.get_color()) for t in texts(fig)} <= {
        style.INK.lower(),
        style.MUTED_INK.lower(),
    }
    allowed = {"#ffffff", "#000000", style.INK.lower(), style.MUTED_INK.lower()}
    for color in style.OKABE_ITO:
        allowed |= {
            style.fill(color).lower(),
            *(style.tint(color, s) for s in (0.22, 0.4, 0.45, 0.6)),
        }
    for patch in fig.findobj(Patch):
        if patch is fig.patch or not patch.get_visible() or patch.get_fill() is False:
            continue
        face = patch.get_facecolor()
        if face[3] == 0:
            continue
        assert mpl.colors.to_hex(face[:3]) in allowed, f"{name}: {patch.get_gid()} off-palette"


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.id)
def test_drawing_leaves_rcparams_unchanged(spec: registry.FigureSpec) -> None:
    before = dict(mpl.rcParams)
    fig = spec.draw()
    export.render(fig, "svg")
    assert dict(mpl.rcParams) == before


# --- registry --------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.id)
def test_registered_caption_and_alt_text(spec: registry.FigureSpec) -> None:
    assert spec.caption.endswith(registry.CONCEPTUAL_BY_LANGUAGE[spec.language])
    # what a reader is told, whatever the constant's wording: a schematic, not measurements
    schematic, not_data, after = {
        "en": (r"\bschematic\b", r"\bnot (measured|real) data\b", r"after|as reported by"),
        "es": (r"\besquema\b", r"\bno (son )?datos (medidos|reales)\b", r"según"),
    }[spec.language]
    assert re.search(schematic, spec.caption, re.IGNORECASE)
    assert re.search(not_data, spec.caption)
    followed = re.search(rf"\(({after}) ([^),]*)", spec.caption)
    assert followed and any(a in followed.group(2) for a in AUTHORS), (
        f"{spec.id}: the caption says whom the figure follows, '(after <author>, <year>)', an "
        "author of book/references.bib (CONTRIBUTING.md, 'Add a figure', step 2)"
    )
    alt = spec.alt
    assert alt.endswith(".") and len(alt.split()) >= 8 and len(alt) <= 150, alt
    assert not re.match(r"(a |an )?(figure|image|picture|diagram) (of|showing)", alt, re.I)
    assert alt != spec.caption


def test_registered_ids_are_unique_and_named_fig() -> None:
    ids = [spec.id for spec in FIGURES]
    assert len(ids) == len(set(ids)) == len(BY_ID)
    assert all(re.fullmatch(r"fig-[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert set(ids) >= {
        "fig-dopamine-seen-unseen",
        "fig-opioid-attunement",
        "fig-layered-model",
        "fig-three-systems",
        "fig-working-model-lens",
        "fig-circles-of-coregulation",
    }


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.id)
def test_module_functions_and_figure_id_say_the_same_name(spec: registry.FigureSpec) -> None:
    """``fig-<name>`` (a variant may add a suffix) is drawn by ``<name>_figure`` from module
    ``<name>``, which also offers ``draw_<name>``: a reader goes from the id to the code."""
    figure_function = spec.function.__name__
    assert figure_function.endswith("_figure"), f"{spec.id}: {figure_function} is not *_figure"
    name = figure_function.removesuffix("_figure")
    assert spec.function.__module__ == f"{ab.__name__}.{name}", (
        f"{spec.id}: {figure_function} lives in {spec.function.__module__}, not in {name}.py"
    )
    stem = "fig-" + name.replace("_", "-")
    assert spec.id == stem or spec.id.startswith(f"{stem}-"), (
        f"{spec.id} is drawn by {figure_function}: the id should be {stem} (or {stem}-<variant>)"
    )
    module = sys.modules[spec.function.__module__]
    assert callable(getattr(module, f"draw_{name}", None)), f"{name}.py has no draw_{name}"
    assert {figure_function, f"draw_{name}"} <= set(ab.__all__)
    assert stem in BY_ID, f"{spec.id} is a variant of {stem}, which is not registered"


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.id)
def test_the_call_shown_in_the_gallery_draws_the_figure(spec: registry.FigureSpec) -> None:
    assert spec.call.startswith(f"addictionbook.figures.{spec.function.__name__}(")
    import addictionbook

    fig = eval(spec.call, {"addictionbook": addictionbook})  # noqa: S307 - our own registry's text
    assert isinstance(fig, Figure)
    assert all_text(fig) == all_text(spec.draw())


# --- public API and docstrings ---------------------------------------------------------------


def test_code_names_are_spelled_as_matplotlib_spells_them() -> None:
    """``color`` and ``center``, as in matplotlib's own keywords (``facecolor=``, ``ha="center"``),
    for every name in the figure code: parameters, dataclass fields, helper keywords, locals."""
    package = Path(ab.__file__).parent
    found = []
    for path in sorted(package.glob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                if token.type == tokenize.NAME and re.search(r"colour|centre", token.string, re.I):
                    found.append(f"{path.name}:{token.start[0]}: {token.string}")
    assert len(list(package.glob("*.py"))) > 6, "the figure modules were not found"
    assert not found, f"use matplotlib's spelling (color, center): {found}"


def test_public_api_lists_exactly_the_figure_functions() -> None:
    public = {
        name
        for module in FIGURE_MODULES
        for name, obj in vars(module).items()
        if inspect.isfunction(obj)
        and obj.__module__ == module.__name__
        and (name.startswith("draw_") or name.endswith("_figure"))
    }
    assert sorted(ab.FIGURE_FUNCTIONS) == sorted(public)
    assert len(ab.__all__) == len(set(ab.__all__))
    assert set(ab.__all__) == {*ab.FIGURE_FUNCTIONS, "show", "gallery"}
    for name in ab.__all__:
        assert callable(getattr(ab, name))
    assert {spec.function.__name__ for spec in FIGURES} <= set(ab.FIGURE_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(ab.FIGURE_FUNCTIONS))
def test_public_function_is_keyword_only_typed_and_documented(name: str) -> None:
    function = getattr(ab, name)
    signature = inspect.signature(function)
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())
    assert signature.return_annotation in ("Axes", "Figure", Axes, Figure)
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())
    if name.startswith("draw_"):
        ax = signature.parameters["ax"]
        assert ax.default is None and ax.annotation in ("Axes | None", Axes | None)
    doc = inspect.getdoc(function) or ""
    assert any(author in doc for author in AUTHORS), (
        f"{name}: its docstring says which source the figure follows, naming an author of "
        "book/references.bib, e.g. '(after Daily, n.d.)' (CONTRIBUTING.md, 'Add a figure', "
        "step 1)"
    )
    assert "Examples\n--------" in doc and ">>>" in doc
    for parameter in signature.parameters:
        assert parameter in doc, f"{name}: parameter {parameter} is not documented"


@pytest.mark.parametrize("name", sorted(ab.FIGURE_FUNCTIONS))
def test_docstring_example_runs(name: str) -> None:
    function = getattr(ab, name)
    tests = doctest.DocTestFinder().find(function, name, globs=vars(inspect.getmodule(function)))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0


# --- export ----------------------------------------------------------------------------------


def test_committed_figures_are_exactly_the_registered_set() -> None:
    committed = {p.name for p in (ROOT / "figures").iterdir() if not p.name.startswith(".")}
    expected = {f"{spec.id}.{fmt}" for spec in FIGURES for fmt in export.FORMATS}
    assert committed == expected, "run `make figures` and commit figures/"


@pytest.mark.parametrize("spec", FIGURES, ids=lambda s: s.id)
def test_exported_png_matches_the_committed_figure(
    spec: registry.FigureSpec, exported: Path
) -> None:
    committed = ROOT / "figures" / f"{spec.id}.png"
    assert committed.is_file(), f"{committed.name} missing: run `make figures`"
    result = compare_images(str(committed), str(exported / f"{spec.id}.png"), tol=2)
    assert result is None, f"{spec.id} differs from figures/: run `make figures` ({result})"


def test_two_exports_are_byte_identical(exported: Path, tmp_path: Path) -> None:
    export.export_all(tmp_path, jobs=2)  # also: forked workers give the same bytes as one process
    for spec in FIGURES:
        for fmt in export.FORMATS:
            name = f"{spec.id}.{fmt}"
            assert (tmp_path / name).read_bytes() == (exported / name).read_bytes(), name


def test_exports_carry_no_dates_or_versions(exported: Path) -> None:
    for path in exported.iterdir():
        data = path.read_bytes()
        assert b"CreationDate" not in data and b"ModDate" not in data, path.name
        assert b"Matplotlib v" not in data and b"matplotlib version" not in data.lower(), path.name
    assert (exported / "fig-layered-model.pdf").read_bytes().startswith(b"%PDF")
    assert b"<svg" in (exported / "fig-layered-model.svg").read_bytes()[:500]


def test_export_command_reports_files_and_time(export_run: tuple[Path, str]) -> None:
    outdir, out = export_run
    assert re.search(rf"wrote {3 * len(FIGURES)} files .* in \d+\.\d\d s", out), out
    assert len(list(outdir.iterdir())) == 3 * len(FIGURES), "it says what it wrote"


def test_render_refuses_unknown_formats() -> None:
    with pytest.raises(ValueError, match="^fmt='jpg'.*'svg'"):
        export.render(Figure(), "jpg")


# --- gallery ---------------------------------------------------------------------------------


def test_gallery_bundle_carries_each_figures_own_alt_text_and_a_pdf() -> None:
    spec = BY_ID["fig-working-model-lens"]
    bundle = notebook.figure_bundle(spec.draw(), 'Alt with "quotes" & <angle>.')
    assert 'alt="Alt with &quot;quotes&quot; &amp; &lt;angle&gt;."' in bundle["text/html"]
    assert bundle["text/html"].count("<img ") == 1
    svg = base64.b64decode(bundle["text/html"].split("base64,")[1].split('"')[0])
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert base64.b64decode(bundle["application/pdf"]).startswith(b"%PDF")


def test_gallery_page_iterates_over_the_registry() -> None:
    page = (ROOT / "book" / "figure-gallery.md").read_text(encoding="utf-8")
    assert page.count("(figure-gallery)=") == 1
    assert "gallery()" in page and "from addictionbook.figures import gallery" in page
    assert 'description: "Every conceptual figure' in page
    body = page.split("\n---\n", 1)[1]  # after the front matter (whose kernelspec has a name)
    assert not re.search(r"^[\s:]*name:\s*(?!gallery-)", body, re.MULTILINE), (
        "the gallery must not take figure names that chapters use"
    )


def test_the_figure_modules_are_found_not_listed() -> None:
    """Every module that defines a registered figure's function is found by the tests (a new
    figure module needs no entry in a list here), and none of the helpers is mistaken for one."""
    found = {module.__name__ for module in FIGURE_MODULES}
    assert {spec.function.__module__ for spec in FIGURES} <= found
    assert {getattr(ab, name).__module__ for name in ab.FIGURE_FUNCTIONS} == found
    assert not {f"addictionbook.figures.{name}" for name in HELPER_MODULES} & found
    assert {draw.__name__ for draw, _ in DRAWERS} == {
        name for name in ab.FIGURE_FUNCTIONS if name.startswith("draw_")
    }
