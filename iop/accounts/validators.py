"""Password strength beyond length: refuse passwords made of guessable patterns.

A twelve-character `aaaaaaaaaaaa`, `abcdefghijkl` or `qwertyuiop12` passes a length rule and
falls to the first guesses of any cracking tool. This validator measures what is left of a
password once its predictable parts are taken out — runs of one character, sequences along the
alphabet, the digits or a keyboard row (either way), and the username, the user's names or the
program's name — and refuses it when too little is left, when it uses too few different
characters, or when it is one short piece repeated.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

KEYBOARD_ROWS = ("`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./")
# The keyboard's diagonal columns, as in 1qaz2wsx.
_ROWS = (KEYBOARD_ROWS[0][1:], *KEYBOARD_ROWS[1:])
KEYBOARD_COLUMNS = tuple("".join(c) for c in zip(*_ROWS, strict=False))
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", *KEYBOARD_ROWS, *KEYBOARD_COLUMNS)
# Words a member of staff is tempted to build a password from, besides their own names: the
# program's (with the clinic's name, CLINIC_NAME) and the usual suspects.
PROGRAM_WORDS = ("iop", "intensive outpatient", "outpatient", "password", "welcome")


def _sequence_positions(text, min_run):
    """Positions covered by runs of `min_run` or more characters that follow a sequence,
    all in one direction (abcd, 4321, qwer, ;lkj)."""
    covered = set()
    start = 0
    while start < len(text) - 1:
        end = start + 1
        direction = None
        while end < len(text):
            a, b = text[end - 1], text[end]
            step = _step(a, b)
            if step is None or (direction is not None and step != direction):
                break
            direction = step
            end += 1
        if end - start >= min_run:
            covered.update(range(start, end))
        start = max(end - 1, start + 1)
    return covered


def _step(a, b):
    """+1 if b follows a in a sequence, -1 if it precedes it, None otherwise."""
    for sequence in SEQUENCES:
        i = sequence.find(a)
        if i == -1:
            continue
        if sequence[i + 1 : i + 2] == b:
            return 1
        if i > 0 and sequence[i - 1] == b:
            return -1
    return None


def _run_positions(text, min_run):
    covered = set()
    for match in re.finditer(r"(.)\1{" + str(min_run - 1) + ",}", text, flags=re.DOTALL):
        covered.update(range(match.start(), match.end()))
    return covered


def _word_positions(text, words):
    covered = set()
    for word in words:
        if len(word) < 3:
            continue
        start = text.find(word)
        while start != -1:
            covered.update(range(start, start + len(word)))
            start = text.find(word, start + 1)
    return covered


class PasswordStrengthValidator:
    """Refuse passwords that are mostly predictable patterns.

    Options: `min_unpredictable` characters must remain once runs of `min_run` or more of one
    character, sequences of `min_sequence` or more, and personal or program words are taken
    out; at least `min_distinct` different characters.
    """

    def __init__(self, min_unpredictable=8, min_distinct=6, min_run=3, min_sequence=4):
        self.min_unpredictable = min_unpredictable
        self.min_distinct = min_distinct
        self.min_run = min_run
        self.min_sequence = min_sequence

    def _words(self, user):
        words = [*PROGRAM_WORDS, getattr(settings, "CLINIC_NAME", "")]
        if user is not None:
            for attribute in ("username", "first_name", "last_name", "email"):
                value = str(getattr(user, attribute, "") or "")
                words.extend([value, value.partition("@")[0]])
        return {w.strip().lower() for w in words if w and w.strip()}

    def validate(self, password, user=None):
        text = password.lower()
        if len(set(text)) < self.min_distinct:
            raise ValidationError(
                "This password uses too few different characters (%(count)d). Use a passphrase "
                "of several unrelated words.",
                code="password_too_few_characters",
                params={"count": len(set(text))},
            )
        if re.fullmatch(r"(.+?)\1+", text, flags=re.DOTALL):
            raise ValidationError(
                "This password is one short piece repeated. Use a passphrase of several "
                "unrelated words.",
                code="password_repeated",
            )
        covered = (
            _run_positions(text, self.min_run)
            | _sequence_positions(text, self.min_sequence)
            | _word_positions(text, self._words(user))
        )
        if len(text) - len(covered) < self.min_unpredictable:
            raise ValidationError(
                "This password is too easy to guess: it is mostly repeated characters, "
                "sequences (like abcd, 1234 or qwerty), your name or username, or the "
                "program's name. Use a passphrase of several unrelated words.",
                code="password_predictable",
            )

    def get_help_text(self):
        return (
            "Your password can't be mostly repeated characters, sequences (like abcd, 1234 or "
            "qwerty), your name or username, or the program's name."
        )
