"""How a standardized measure checks and scores its answers; the measures themselves are in
`definitions.py`.

Nothing here touches the database: `Instrument.validate` checks a list of answers in item order
and `Instrument.score` turns valid answers into a `Score`. The service layer stores the answers
item by item and raises alerts from the flags.
"""

from dataclasses import dataclass, field

RISK_ALERT = "risk_alert"

# How flags read on screen.
FLAG_LABELS = {
    "item9_positive": "Item 9 above 0",
    RISK_ALERT: "Risk alert",
    "safety_plan_required": "Safety plan required",
    "positive_screen": "Positive screen",
    "provisional_ptsd": "Provisional PTSD",
}


class InstrumentError(ValueError):
    """Answers that cannot be scored. `errors` maps "responses" or "item <code>" to a message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


@dataclass(frozen=True)
class Option:
    value: int | bool
    label: str


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Score:
    total: int | None
    severity: str
    flags: tuple[str, ...] = ()
    subscores: dict = field(default_factory=dict)


class Instrument:
    """A questionnaire whose answers are integers on a scale and whose total is their sum."""

    answer_type = int
    bands: tuple[Band, ...] = ()
    loinc = ""

    def __init__(self, *, code, name, title, stem, items, bands=(), loinc=""):
        self.code = code
        self.name = name
        self.title = title
        self.stem = stem
        self.items = tuple(items)
        self.bands = tuple(bands)
        self.loinc = loinc

    def __repr__(self):
        return f"<Instrument {self.code}>"

    @property
    def min_total(self):
        return sum(min(int(o.value) for o in item.options) for item in self.items)

    @property
    def max_total(self):
        return sum(max(int(o.value) for o in item.options) for item in self.items)

    # --- validation ---------------------------------------------------------------------

    def validate(self, responses):
        """Return the answers as a list in item order, or raise InstrumentError naming items."""
        if not isinstance(responses, list | tuple):
            raise InstrumentError({"responses": "Send a list of answers in item order."})
        count = len(self.items)
        if len(responses) > count:
            raise InstrumentError(
                {
                    "responses": f"{self.name} has {count} items; {len(responses)} answers "
                    "were sent "
                    f"(extra answers from item {count + 1} on)."
                }
            )
        padded = list(responses) + [None] * (count - len(responses))
        errors = {}
        for item, answer in zip(self.items, padded, strict=True):
            if answer is None:
                if not self.may_skip(item, padded):
                    errors[f"item {item.code}"] = "This item needs an answer."
                continue
            message = self.check_answer(item, answer)
            if message:
                errors[f"item {item.code}"] = message
        errors.update(self.check_consistency(padded) if not errors else {})
        if errors:
            raise InstrumentError(errors)
        return self.normalise(padded)

    def may_skip(self, item, answers):
        return False

    def check_answer(self, item, answer):
        allowed = [o.value for o in item.options]
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in allowed:
            low, high = min(allowed), max(allowed)
            return f"{answer!r} is not an answer; use a whole number from {low} to {high}."
        return None

    def check_consistency(self, answers):
        return {}

    def normalise(self, answers):
        return list(answers)

    # --- scoring ------------------------------------------------------------------------

    def item_points(self, answers):
        return [int(a) for a in answers]

    def score(self, answers, sex=None, pcl5_cutoff=33):
        total = sum(self.item_points(answers))
        return Score(total=total, severity=self.band_for(total), flags=self.flags(answers, total))

    def bands_for(self, sex=None, pcl5_cutoff=33):
        """The bands a chart shades for this patient (most instruments: the same for all)."""
        return self.bands

    def severity_for(self, total, sex=None, pcl5_cutoff=33):
        """The label of the band `total` falls in, by this patient's own bands (`bands_for`):
        what a chart shows beside a result, so it always names the band it is drawn in (an
        AUDIT-C scored before the patient's sex was recorded is read by today's cut-off)."""
        for band in self.bands_for(sex=sex, pcl5_cutoff=pcl5_cutoff):
            if band.low <= total <= band.high:
                return band.label
        return None

    def band_for(self, total):
        for band in self.bands:
            if band.low <= total <= band.high:
                return band.label
        raise ValueError(f"{total} is outside {self.name}'s range")

    def flags(self, answers, total):
        return ()


class PHQ9(Instrument):
    def flags(self, answers, total):
        return ("item9_positive", RISK_ALERT) if answers[8] > 0 else ()


class GAD7(Instrument):
    def flags(self, answers, total):
        return ("positive_screen",) if total >= 10 else ()


class AuditC(Instrument):
    """Positive screen at 4+ for men, 3+ for women and when sex is unknown."""

    @staticmethod
    def cutoff(sex):
        return 4 if (sex or "").lower() in {"m", "male", "man"} else 3

    def check_consistency(self, answers):
        # Item 1 "Never" means no drinks: items 2 and 3 are then 0 (CLINICAL.md).
        if answers[0] != 0:
            return {}
        return {
            f"item {code}": (
                'Item 1 is "Never" (no drinking), so this item must be 0; '
                "correct item 1 or this answer."
            )
            for index, code in ((1, "2"), (2, "3"))
            if answers[index]
        }

    def bands_for(self, sex=None, pcl5_cutoff=33):
        cutoff = self.cutoff(sex)
        return (
            Band(0, cutoff - 1, "negative"),
            Band(cutoff, self.max_total, f"positive ({cutoff}+)"),
        )

    def score(self, answers, sex=None, pcl5_cutoff=33):
        total = sum(answers)
        positive = total >= self.cutoff(sex)
        return Score(
            total=total,
            severity="positive" if positive else "negative",
            flags=("positive_screen",) if positive else (),
            subscores={"cutoff": self.cutoff(sex)},
        )


class YesNoInstrument(Instrument):
    answer_type = bool

    def check_answer(self, item, answer):
        if not isinstance(answer, bool):
            return f"{answer!r} is not an answer; use yes (true) or no (false)."
        return None

    @property
    def min_total(self):
        return 0

    @property
    def max_total(self):
        return len(self.items)


class DAST10(YesNoInstrument):
    REVERSED = frozenset({"3"})

    def item_points(self, answers):
        return [
            int(answer != (item.code in self.REVERSED))
            for item, answer in zip(self.items, answers, strict=True)
        ]


class CSSRS(YesNoInstrument):
    """Seven answers: items 1-6, then 6b ("within the past 3 months?") after a yes to item 6.

    After a no to item 2 the screener skips to item 6: items 3-5 may be left blank (or no).
    Item 6b is asked only after a yes to item 6. Skipped answers are stored as no.
    """

    SKIPPED_AFTER_ITEM_2 = frozenset({"3", "4", "5"})

    def may_skip(self, item, answers):
        if item.code in self.SKIPPED_AFTER_ITEM_2:
            return answers[1] is False
        if item.code == "6b":
            return answers[5] is False
        return False

    def check_consistency(self, answers):
        errors = {}
        if answers[1] is False:
            for index, code in ((2, "3"), (3, "4"), (4, "5")):
                if answers[index]:
                    errors[f"item {code}"] = (
                        "After a no to item 2 the screener skips to item 6; leave this blank."
                    )
        if answers[5] is False and answers[6]:
            errors["item 6b"] = "Asked only after a yes to item 6; leave this blank."
        return errors

    def normalise(self, answers):
        return [bool(a) for a in answers]

    @property
    def min_total(self):
        return None

    @property
    def max_total(self):
        return None

    def score(self, answers, sex=None, pcl5_cutoff=33):
        wish, thoughts, method, intent, plan, behaviour, recent = answers
        if intent or plan or (behaviour and recent):
            level = "high"
        elif method or behaviour:
            level = "moderate"
        elif wish or thoughts:
            level = "low"
        else:
            level = "none"
        flags = (RISK_ALERT, "safety_plan_required") if level in {"moderate", "high"} else ()
        return Score(total=None, severity=level, flags=flags)


class PCL5(Instrument):
    CLUSTERS = {"B": range(1, 6), "C": range(6, 8), "D": range(8, 15), "E": range(15, 21)}

    def bands_for(self, sex=None, pcl5_cutoff=33):
        return (
            Band(0, pcl5_cutoff - 1, "below cutoff"),
            Band(pcl5_cutoff, self.max_total, f"provisional PTSD ({pcl5_cutoff}+)"),
        )

    def score(self, answers, sex=None, pcl5_cutoff=33):
        total = sum(answers)
        clusters = {
            name: sum(answers[n - 1] for n in numbers) for name, numbers in self.CLUSTERS.items()
        }
        provisional = total >= pcl5_cutoff
        return Score(
            total=total,
            severity="provisional PTSD" if provisional else "below cutoff",
            flags=("provisional_ptsd",) if provisional else (),
            subscores=clusters,
        )
