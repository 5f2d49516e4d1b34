"""Certificate rendering: the project's warm renderer against plain WeasyPrint, same HTML.

    python -m benchmarks.certificates [--runs N] [--memory-runs N]

The baseline is what most projects write: `weasyprint.HTML(string=html).write_pdf()`, with the
stylesheet inlined in the HTML (its bundled fonts by absolute file: URLs) so both produce the
same page. The project's renderer keeps one font configuration and one parsed stylesheet (with
the fonts it declares loaded) per process, and writes PDF/A-3b with tags, which the baseline
does not: `ratio` is, if anything, in the baseline's favour; `ratio_same_pdf` compares with a
baseline that writes the same kind of PDF. Both render the demo course's branding (emblem and
signature). Times are process CPU time (see p50s_ms), wall-clock beside them. Memory: the
renderer's resident-set growth over 1,000 certificates, after a warm-up. The last line
printed is one JSON object.
"""

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")

import django

django.setup()

import weasyprint  # noqa: E402

from certificates.models import Certificate  # noqa: E402
from certificates.rendering import (  # noqa: E402
    ASSETS_DIR,
    PDF_VARIANT,
    certificate_html,
    image_data_uri,
    render_pdf,
)

DEMO_ASSETS = ASSETS_DIR.parent / "demo_assets"

NAMES = ["Zoë Ångström-Nuñez, MD", "Alex Rivera, MD", "Priya Raman, RN", "李小龙", "محمد عبد الله"]


def sample_certificate(i: int) -> Certificate:
    return Certificate(
        pk=1000 + i,
        learner_name=NAMES[i % len(NAMES)],
        course_title="Leadership in Medicine: The Post-USMLE Journey",
        completed_on=date(2026, 11, 25),
        credits_claimed=Decimal("8.00"),
        credit_type="AMA PRA Category 1 Credit\u2122",
        accredited_provider="Northfield Academic Medical Center",
        designation_statement=(
            "Northfield Academic Medical Center designates this enduring material for a maximum "
            "of 8.00 AMA PRA Category 1 Credits\u2122. Physicians should claim only the credit "
            "commensurate with the extent of their participation in the activity."
        ),
        accreditation_statement=(
            "Northfield Academic Medical Center is accredited by the Accreditation Council for "
            "Continuing Medical Education (ACCME) to provide continuing medical education for "
            "physicians."
        ),
    )


def demo_branding() -> dict:
    def data_uri(name: str) -> str:
        # As the project prepares uploaded images for every certificate.
        return image_data_uri((DEMO_ASSETS / name).read_bytes())

    return {
        "issuer_name": "Northfield Academic Medical Center",
        "logo": data_uri("northfield-emblem.png"),
        "signatory_name": "Eleanor Whitaker, MD, MPH",
        "signatory_title": "Director, Office of Continuing Medical Education",
        "signature": data_uri("signature-e-whitaker.png"),
    }


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def p50s_ms(renderers: dict, sources: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Every renderer's median time, measured in turn certificate by certificate so that a
    busier spell of the machine slows all of them alike. CPU time is the budget's measure:
    rendering is single-threaded and CPU-bound, and on a shared machine wall-clock time also
    counts the time spent waiting for a core. Wall-clock medians are reported beside it."""
    cpu: dict[str, list[float]] = {name: [] for name in renderers}
    wall: dict[str, list[float]] = {name: [] for name in renderers}
    for i in range(len(next(iter(sources.values())))):
        for name, render in renderers.items():
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            render(sources[name][i])
            cpu[name].append((time.process_time() - cpu_start) * 1000)
            wall[name].append((time.perf_counter() - wall_start) * 1000)
    return {
        "cpu": {name: statistics.median(times) for name, times in cpu.items()},
        "wall": {name: statistics.median(times) for name, times in wall.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--memory-runs", type=int, default=1000)
    args = parser.parse_args()

    css = (ASSETS_DIR / "certificate.css").read_text()
    css = css.replace("url(fonts/", f"url({(ASSETS_DIR / 'fonts').as_uri()}/")
    branding = demo_branding()
    htmls = [certificate_html(sample_certificate(i), branding=branding) for i in range(args.runs)]
    inlined = [h.replace("</head>", f"<style>{css}</style></head>", 1) for h in htmls]

    def baseline(html: str) -> bytes:
        return weasyprint.HTML(string=html).write_pdf()

    def baseline_same_pdf(html: str) -> bytes:
        # Like for like: the archival, tagged PDF the project writes, without its caching.
        return weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)

    renderers = {
        "project": render_pdf,
        "baseline": baseline,
        "baseline_same_pdf": baseline_same_pdf,
    }
    sources = {"project": htmls, "baseline": inlined, "baseline_same_pdf": inlined}
    for name, render in renderers.items():  # warm every path once (imports, font lookups)
        render(sources[name][0])
    timings = p50s_ms(renderers, sources)
    cpu, wall = timings["cpu"], timings["wall"]
    project, plain = cpu["project"], cpu["baseline"]

    for html in htmls[:20]:
        render_pdf(html)
    gc.collect()
    before = rss_mb()
    for i in range(args.memory_runs):
        render_pdf(htmls[i % len(htmls)])
    gc.collect()
    growth = (rss_mb() - before) * 1000 / args.memory_runs

    result = {
        "benchmark": "certificates",
        "runs": args.runs,
        "project_p50_ms": round(project, 2),
        "baseline_p50_ms": round(plain, 2),
        "ratio": round(plain / project, 2),
        "clock": "process CPU time",
        "baseline_same_pdf_p50_ms": round(cpu["baseline_same_pdf"], 2),
        "ratio_same_pdf": round(cpu["baseline_same_pdf"] / project, 2),
        "project_wall_p50_ms": round(wall["project"], 2),
        "baseline_wall_p50_ms": round(wall["baseline"], 2),
        "wall_ratio": round(wall["baseline"] / wall["project"], 2),
        "rss_growth_mb_per_1000": round(growth, 2),
        "memory_runs": args.memory_runs,
        "weasyprint": weasyprint.__version__,
        "python": platform.python_version(),
        "budget": {"ratio_min": 1.7, "rss_growth_mb_per_1000_max": 20},
    }
    result["within_budget"] = result["ratio"] >= 1.7 and result["rss_growth_mb_per_1000"] <= 20
    print(json.dumps(result))
    if not result["within_budget"]:
        sys.exit("certificates: outside its budget (see the JSON line above)")


if __name__ == "__main__":
    main()
