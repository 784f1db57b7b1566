"""Cloned group notes: individualized parts that say the same thing once the attendees' names
are taken out (CLINICAL.md, "Progress note structures").

Each part is compared with every other after removing every attendee's first, last and
preferred names, ignoring case and spacing; two parts more alike than
`GROUP_NOTE_SIMILARITY_MAX` (difflib's ratio, 0–1) are refused together, by name.
"""

import re
from difflib import SequenceMatcher
from itertools import combinations

from django.conf import settings


def _names(patients):
    words = set()
    for patient in patients:
        for name in (patient.legal_first_name, patient.legal_last_name, patient.preferred_name):
            words.update(w for w in re.split(r"[\s-]+", name or "") if w)
    return sorted(words, key=len, reverse=True)


def without_names(text, names):
    """The text in lower case with single spaces, every name in `names` taken out."""
    if names:
        pattern = r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b"
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    return " ".join(text.lower().split())


def short_name(patient):
    """ "Avery N.": how the refusal names a part."""
    first = patient.preferred_name or patient.legal_first_name
    return f"{first} {patient.legal_last_name[:1]}."


def alike_parts(entries, *, threshold=None):
    """Pairs of entries (a, b, ratio) whose texts are more alike than the threshold once the
    attendees' names are removed, in the note's order."""
    threshold = settings.GROUP_NOTE_SIMILARITY_MAX if threshold is None else threshold
    names = _names([e.patient for e in entries])
    texts = [(e, without_names(e.text, names)) for e in entries if e.text.strip()]
    pairs = []
    for (a, text_a), (b, text_b) in combinations(texts, 2):
        ratio = 1.0 if text_a == text_b else SequenceMatcher(None, text_a, text_b).ratio()
        if ratio > threshold:
            pairs.append((a, b, ratio))
    return pairs


def clone_messages(entries, *, threshold=None):
    """One refusal per pair of parts alike, naming them."""
    messages = []
    for a, b, ratio in alike_parts(entries, threshold=threshold):
        how = "identical" if ratio == 1.0 else f"{ratio * 100:.0f} % alike"
        messages.append(
            f"The parts for {short_name(a.patient)} and {short_name(b.patient)} are {how} once "
            "names are removed: write what was individual to each. A cloned group note is "
            "refused."
        )
    return messages


def clones_by_patient(entries, *, threshold=None):
    """{patient id: [a message per part theirs is alike]}: the refusal told beside each part."""
    messages = {}
    for a, b, ratio in alike_parts(entries, threshold=threshold):
        for part, other in ((a, b), (b, a)):
            name = short_name(other.patient)
            how = (
                f"The same as the part for {name}"
                if ratio == 1.0
                else f"{ratio * 100:.0f} % alike with the part for {name}"
            )
            messages.setdefault(part.patient_id, []).append(
                f"{how} once names are removed: write what was individual to this attendee."
            )
    return messages
