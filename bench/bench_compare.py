"""How long `listenwell compare` takes as interviews pile up (3, 12, 30 scripted interviews).

Builds interview folders from the test fixtures' scripts (reports from the scripts' own
truth, so that only compare is timed) and times reading, matching and rendering.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from compare_fixtures import make_three  # noqa: E402

from listenwell.analysis.compare import build_comparison  # noqa: E402
from listenwell.analysis.compare_render import render_csv, render_html, render_md  # noqa: E402


def main() -> None:
    build_comparison_warm = None
    print(f"{'interviews':>10} {'questions':>9} {'compare_s':>9} {'render_s':>8} {'html_kB':>7}")
    for copies in (1, 4, 10):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for c in range(copies):
                sub = root / f"set{c}"
                sub.mkdir()
                for folder in make_three(sub, report="truth"):
                    folder.path.rename(root / f"{c}-{folder.path.name}")
            if build_comparison_warm is None:  # load the similarity model once, outside the timing
                build_comparison_warm = build_comparison([root])
            t0 = time.perf_counter()
            comp = build_comparison([root])
            t1 = time.perf_counter()
            html = render_html(comp, root)
            render_md(comp)
            render_csv(comp)
            t2 = time.perf_counter()
            print(f"{len(comp['interviews']):>10} {len(comp['questions']):>9} {t1 - t0:>9.2f} {t2 - t1:>8.3f} "
                  f"{len(html.encode()) / 1024:>7.0f}")


if __name__ == "__main__":
    main()
