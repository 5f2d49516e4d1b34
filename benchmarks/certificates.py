"""Certificate rendering: the project's warm renderer against plain WeasyPrint, same HTML.

    python -m benchmarks.certificates [--runs N] [--memory-runs N]

The baseline is what most projects write: `weasyprint.HTML(string=html).write_pdf()`, with the
stylesheet inlined in the HTML so both produce the same page. The project's renderer keeps one
font configuration and one parsed stylesheet per process. Memory: the renderer's resident-set
growth over 1,000 certificates, after a warm-up. The last line printed is one JSON object.
"""

import argparse
import gc
import json
import os
import platform
import statistics
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")

import django

django.setup()

import weasyprint  # noqa: E402

from certificates.models import Certificate  # noqa: E402
from certificates.rendering import ASSETS_DIR, certificate_html, render_pdf  # noqa: E402

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


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        resident_pages = int(f.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def p50_ms(fn, htmls: list[str]) -> float:
    timings = []
    for html in htmls:
        start = time.perf_counter()
        fn(html)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--memory-runs", type=int, default=1000)
    args = parser.parse_args()

    css = (ASSETS_DIR / "certificate.css").read_text()
    htmls = [certificate_html(sample_certificate(i)) for i in range(args.runs)]
    inlined = [h.replace("</head>", f"<style>{css}</style></head>", 1) for h in htmls]

    def baseline(html: str) -> bytes:
        return weasyprint.HTML(string=html).write_pdf()

    # Warm both paths once (imports, first font lookups), then interleave-free timing.
    render_pdf(htmls[0])
    baseline(inlined[0])
    project = p50_ms(render_pdf, htmls)
    plain = p50_ms(baseline, inlined)

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
        "rss_growth_mb_per_1000": round(growth, 2),
        "memory_runs": args.memory_runs,
        "weasyprint": weasyprint.__version__,
        "python": platform.python_version(),
        "budget": {"ratio_min": 1.7, "rss_growth_mb_per_1000_max": 20},
    }
    result["within_budget"] = result["ratio"] >= 1.7 and result["rss_growth_mb_per_1000"] <= 20
    print(json.dumps(result))


if __name__ == "__main__":
    main()
