"""The ICD-10-CM codes a diagnosis may carry: a bundled list (patients/data/, public domain,
no network) of the mental, behavioral and neurodevelopmental chapter and the R, T and Z codes
behavioral health uses. Looked up by code or searched by code prefix or words."""

import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "icd10cm_behavioral_health.tsv"
SEARCH_LIMIT = 20


@cache
def codes():
    """{code: official description}, in code order."""
    entries = {}
    with DATA.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            code, description = line.rstrip("\n").split("\t")
            entries[code] = description
    return entries


def normalize(code):
    """'f331' or 'F33.1' → 'F33.1' (the dot after the category, as the list writes it)."""
    code = re.sub(r"[\s.]", "", code or "").upper()
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def description(code):
    """The official description of a code in the list, or None."""
    return codes().get(normalize(code))


def search(query, limit=SEARCH_LIMIT):
    """Codes starting with `query` (a code or its beginning), else codes whose description has
    every word of it; at most `limit`, in code order."""
    query = (query or "").strip()
    if not query:
        return []
    prefix = normalize(query)
    if re.fullmatch(r"[A-Z][0-9A-Z]{0,2}(\.[0-9A-Z]{0,4})?", prefix):
        found = [(c, d) for c, d in codes().items() if c.startswith(prefix)]
        if found:
            return found[:limit]
    words = [w for w in re.split(r"\W+", query.lower()) if w]
    if not words:
        return []
    found = []
    for code, text in codes().items():
        lowered = text.lower()
        if all(word in lowered for word in words):
            found.append((code, text))
            if len(found) == limit:
                break
    return found
