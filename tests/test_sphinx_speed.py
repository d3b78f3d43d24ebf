"""The two upstream costs the Sphinx extension removes stay removed, without losing function.

Each check runs in a fresh Python (the patches act on imports, which a test process shares).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_opengraph_does_not_import_matplotlib_when_social_cards_are_off() -> None:
    out = run(
        """
        import sys
        from types import SimpleNamespace
        from addictionbook.sphinx_ext.upstream import skip_social_card_import
        overrides = {"ogp_social_cards": {"enable": False}}
        app = SimpleNamespace(config=SimpleNamespace(_overrides=overrides))
        skip_social_card_import(app)
        import sphinxext.opengraph as og
        print("matplotlib" in sys.modules, og.create_social_card is None)
        """
    )
    assert out == "False True"


def test_opengraph_keeps_social_cards_when_they_are_on() -> None:
    out = run(
        """
        import sys
        from types import SimpleNamespace
        from addictionbook.sphinx_ext.upstream import skip_social_card_import
        overrides = {"ogp_social_cards": {"enable": True}}
        app = SimpleNamespace(config=SimpleNamespace(_overrides=overrides))
        skip_social_card_import(app)
        import sphinxext.opengraph as og
        print(og.create_social_card is not None)
        """
    )
    assert out == "True"


def test_pybtex_plugins_are_looked_up_once_and_still_found() -> None:
    out = run(
        """
        import pybtex.plugin
        from addictionbook.sphinx_ext.upstream import cache_bibtex_plugin_lookups
        cache_bibtex_plugin_lookups()
        for _ in range(3):
            style = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")
        info = pybtex.plugin.entry_points.cache_info()
        print(style.__name__, info.misses, info.hits)
        """
    )
    name, misses, hits = out.split()
    assert name == "Style"
    assert int(misses) == 1 and int(hits) == 2
