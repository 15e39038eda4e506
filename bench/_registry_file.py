"""The registry file of bench/registry_import.py and bench/city.py: ``make_file(units)`` is an
estate's registry as a CSV (UTF-8) from a fixed seed: 6% developer-held units, 8% owners of two
or three units, 12% co-owned units, shops and parking, valid identity numbers."""

import random
from datetime import date

from stdnum.cn import ric


def identity(rnd: random.Random, n: int) -> str:
    born = date(1950, 1, 1).toordinal() + rnd.randrange(0, 50 * 365)
    body = f"340202{date.fromordinal(born):%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_file(units: int, seed: int = 2026) -> bytes:
    rnd = random.Random(seed)
    lines = ["building,unit,use,area,area_source,owners,identity_numbers,developer"]
    used: set[str] = set()

    def person() -> tuple[str, str]:
        while True:
            number = identity(rnd, rnd.randrange(10**6))
            if number not in used:
                used.add(number)
                return f"业主{len(used)}", number

    i = 0
    while i < units:
        b = i // 200 + 1
        code = f"{b}-{(i % 200) // 100 + 1}-{(i % 100) // 4 + 1:02d}{i % 4 + 1:02d}"
        use = "parking" if i % 20 == 19 else "commercial" if i % 20 == 18 else "residential"
        roll = rnd.random()
        if roll < 0.06:
            owners, dev, held = [], "yes", 1
        elif roll < 0.14:
            owners, dev, held = [person()], "no", rnd.choice((2, 3))
        elif roll < 0.26:
            owners, dev, held = [person(), person()], "no", 1
        else:
            owners, dev, held = [person()], "no", 1
        for k in range(min(held, units - i)):
            j = i + k
            b = j // 200 + 1
            code = f"{b}-{(j % 200) // 100 + 1}-{(j % 100) // 4 + 1:02d}{j % 4 + 1:02d}"
            area = f"{rnd.randrange(5800, 14500) / 100:.2f}"
            names = ";".join(n for n, _ in owners)
            numbers = ";".join(x for _, x in owners)
            lines.append(f"{b},{code},{use},{area},registered,{names},{numbers},{dev}")
        i += held
    return ("\n".join(lines) + "\n").encode()
