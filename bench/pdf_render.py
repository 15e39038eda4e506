"""Bench: render a PDF with a 2,000-row table (target < 5 s), plus first-call cost, a
small document, and signing.

Run from the repository root: ``.venv/bin/python bench/pdf_render.py``. Prints figures and
ratios to the target; asserts nothing. Signing credentials go to a temporary folder.
"""

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from portal.core.pdf import qr_svg, render_pdf, sign_pdf  # noqa: E402

ROWS = 2_000
TARGET_S = 5.0
REPEATS = 3


def context(rows: int) -> dict:
    data = [
        {
            "label": f"{i // 200 + 1}号楼 {(i // 10) % 20 + 1}{i % 10 + 1:02d}室 业主",
            "area": Decimal("89.50") + Decimal(i % 37),
            "amount": (Decimal("1234.56") + Decimal(i)).quantize(Decimal("0.01")),
        }
        for i in range(rows)
    ]
    total = sum((row["amount"] for row in data), Decimal("0.00"))
    url = "https://gongzhi.example.cn/fund/verify/GZ-2026-0001"
    return {
        "title": "专项维修资金分摊明细",
        "rows": data,
        "total": total,
        "qr": qr_svg(url),
        "verify_url": url,
        "reference": "GZ-2026-0001",
    }


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def timed_cpu(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    settings.BOARD_KEY_DIR = Path(tempfile.mkdtemp(prefix="gongzhi-bench-keys-"))
    with translation.override("zh-hans"):
        small, big = context(20), context(ROWS)
        first, _ = timed(lambda: render_pdf("pdf/example.html", small))
        print(f"first call (font configuration built): {first:.2f} s")
        small_times = [timed(lambda: render_pdf("pdf/example.html", small))[0] for _ in range(5)]
        print(f"20-row document, reused font config: best {min(small_times):.3f} s")

        times, cpus, pdf = [], [], b""
        for _ in range(REPEATS):
            elapsed, cpu, pdf = timed_cpu(lambda: render_pdf("pdf/example.html", big))
            times.append(elapsed)
            cpus.append(cpu)
        best = min(times)
        print(
            f"{ROWS:,}-row table: best {best:.2f} s wall of {REPEATS} "
            f"(all: {', '.join(f'{t:.2f}' for t in times)}; CPU best {min(cpus):.2f} s), "
            f"{len(pdf) / 1024:.0f} KiB, load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} cores"
        )
        print(
            f"  ratio to target {TARGET_S:.0f} s: {best / TARGET_S:.2f} ({'ok' if best < TARGET_S else 'OVER'})"
        )

        sign_first, _ = timed(lambda: sign_pdf(pdf, reason="基准测试"))
        sign_again, _ = timed(lambda: sign_pdf(pdf, reason="基准测试"))
        print(
            f"signing the {ROWS:,}-row PDF: first {sign_first:.2f} s (key generated), then {sign_again:.2f} s"
        )


if __name__ == "__main__":
    main()
