"""Phone numbers and e-mail addresses typed into questions, masked before anything is stored.

Phone numbers are found by Google's libphonenumber (the `phonenumbers` package, lite edition:
the same matcher without geocoding data) rather than a home-made pattern: it knows every
country's formats, spacing and prefixes. French formats are matched leniently (any number that
could be French: `06 12 34 56 78`, `0612345678`, `03.80.12.34.56`, `+33 (0)3 80 …`,
`0033 6 …`), British and North American ones only when they are valid numbers there
(`020 7946 0958`, `(415) 555-2671`), so that dates, years and figures (`2025-12-02`, `2500`,
`10 000 000`) are left alone. Any number written with a `+` country code is masked whatever its
country.
"""
from __future__ import annotations

import re

from phonenumbers import Leniency, PhoneNumberMatcher

PHONE = "[phone]"
EMAIL = "[email]"

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# (region, leniency): French leniently, English-speaking formats only when valid there.
_REGIONS = (("FR", Leniency.POSSIBLE), ("GB", Leniency.VALID), ("US", Leniency.VALID))
_DIGITS = re.compile(r"\d")


def mask_contacts(text: str) -> str:
    """`text` with every e-mail address and phone number replaced by [email] / [phone]."""
    if not text:
        return text
    masked = _EMAIL.sub(EMAIL, text)
    if len(_DIGITS.findall(masked)) < 6:  # no phone number has fewer digits: skip the matcher
        return masked
    spans: list[tuple[int, int]] = []
    for region, leniency in _REGIONS:
        spans += [(m.start, m.end) for m in PhoneNumberMatcher(masked, region, leniency=leniency)]
    for start, end in sorted(_merge(spans), reverse=True):
        masked = masked[:start] + PHONE + masked[end:]
    return masked


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
