"""Standardized measures, each defined once: wording, answer options, scoring, bands and flags.

The facts come from CLINICAL.md. Nothing here touches the database: `Instrument.validate` checks
a list of answers in item order and `Instrument.score` turns valid answers into a `Score`. The
service layer stores the answers item by item and raises alerts from the flags.
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


FREQUENCY = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)
YES_NO = (Option(False, "No"), Option(True, "Yes"))
PCL5_SCALE = (
    Option(0, "Not at all"),
    Option(1, "A little bit"),
    Option(2, "Moderately"),
    Option(3, "Quite a bit"),
    Option(4, "Extremely"),
)


def _items(texts, options):
    return tuple(Item(str(n), text, options) for n, text in enumerate(texts, start=1))


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


_TWO_WEEKS = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)

INSTRUMENTS = {
    i.code: i
    for i in (
        PHQ9(
            code="PHQ9",
            name="PHQ-9",
            title="Patient Health Questionnaire (depression)",
            stem=_TWO_WEEKS,
            loinc="44249-1",
            items=_items(
                (
                    "Little interest or pleasure in doing things",
                    "Feeling down, depressed, or hopeless",
                    "Trouble falling or staying asleep, or sleeping too much",
                    "Feeling tired or having little energy",
                    "Poor appetite or overeating",
                    "Feeling bad about yourself — or that you are a failure or have let yourself "
                    "or your family down",
                    "Trouble concentrating on things, such as reading the newspaper or watching "
                    "television",
                    "Moving or speaking so slowly that other people could have noticed; or the "
                    "opposite — being so fidgety or restless that you have been moving around a "
                    "lot more than usual",
                    "Thoughts that you would be better off dead, or of hurting yourself in some "
                    "way",
                ),
                FREQUENCY,
            ),
            bands=(
                Band(0, 4, "minimal"),
                Band(5, 9, "mild"),
                Band(10, 14, "moderate"),
                Band(15, 19, "moderately severe"),
                Band(20, 27, "severe"),
            ),
        ),
        GAD7(
            code="GAD7",
            name="GAD-7",
            title="Generalized Anxiety Disorder scale",
            stem=_TWO_WEEKS,
            loinc="69737-5",
            items=_items(
                (
                    "Feeling nervous, anxious, or on edge",
                    "Not being able to stop or control worrying",
                    "Worrying too much about different things",
                    "Trouble relaxing",
                    "Being so restless that it is hard to sit still",
                    "Becoming easily annoyed or irritable",
                    "Feeling afraid, as if something awful might happen",
                ),
                FREQUENCY,
            ),
            bands=(
                Band(0, 4, "minimal"),
                Band(5, 9, "mild"),
                Band(10, 14, "moderate"),
                Band(15, 21, "severe"),
            ),
        ),
        AuditC(
            code="AUDITC",
            name="AUDIT-C",
            title="Alcohol Use Disorders Identification Test — Consumption",
            stem="These questions are about your use of alcoholic beverages.",
            items=(
                Item(
                    "1",
                    "How often do you have a drink containing alcohol?",
                    (
                        Option(0, "Never"),
                        Option(1, "Monthly or less"),
                        Option(2, "2–4 times a month"),
                        Option(3, "2–3 times a week"),
                        Option(4, "4 or more times a week"),
                    ),
                ),
                Item(
                    "2",
                    "How many standard drinks containing alcohol do you have on a typical day?",
                    (
                        Option(0, "1 or 2"),
                        Option(1, "3 or 4"),
                        Option(2, "5 or 6"),
                        Option(3, "7 to 9"),
                        Option(4, "10 or more"),
                    ),
                ),
                Item(
                    "3",
                    "How often do you have six or more drinks on one occasion?",
                    (
                        Option(0, "Never"),
                        Option(1, "Less than monthly"),
                        Option(2, "Monthly"),
                        Option(3, "Weekly"),
                        Option(4, "Daily or almost daily"),
                    ),
                ),
            ),
            bands=(Band(0, 2, "negative"), Band(3, 12, "positive (4+ for men)")),
        ),
        DAST10(
            code="DAST10",
            name="DAST-10",
            title="Drug Abuse Screening Test",
            stem="These questions refer to drug use in the past 12 months, not including "
            "alcohol or tobacco.",
            items=_items(
                (
                    "Have you used drugs other than those required for medical reasons?",
                    "Do you abuse more than one drug at a time?",
                    "Are you always able to stop using drugs when you want to?",
                    "Have you had “blackouts” or “flashbacks” as a result of drug use?",
                    "Do you ever feel bad or guilty about your drug use?",
                    "Does your spouse (or parents) ever complain about your involvement with "
                    "drugs?",
                    "Have you neglected your family because of your use of drugs?",
                    "Have you engaged in illegal activities in order to obtain drugs?",
                    "Have you ever experienced withdrawal symptoms (felt sick) when you stopped "
                    "taking drugs?",
                    "Have you had medical problems as a result of your drug use (e.g. memory loss, "
                    "hepatitis, convulsions, bleeding)?",
                ),
                YES_NO,
            ),
            bands=(
                Band(0, 0, "none"),
                Band(1, 2, "low"),
                Band(3, 5, "moderate"),
                Band(6, 8, "substantial"),
                Band(9, 10, "severe"),
            ),
        ),
        CSSRS(
            code="CSSRS",
            name="C-SSRS",
            title="Columbia Suicide Severity Rating Scale — screener",
            stem="In the past month, have you…",
            items=(
                *_items(
                    (
                        "Wished you were dead or wished you could go to sleep and not wake up?",
                        "Had any actual thoughts of killing yourself?",
                        "Been thinking about how you might do this?",
                        "Had these thoughts and had some intention of acting on them?",
                        "Started to work out or worked out the details of how to kill yourself, "
                        "and intend to carry out this plan?",
                        "Ever done anything, started to do anything, or prepared to do anything to "
                        "end your life? (lifetime)",
                    ),
                    YES_NO,
                ),
                Item("6b", "If yes to item 6: was this within the past 3 months?", YES_NO),
            ),
        ),
        PCL5(
            code="PCL5",
            name="PCL-5",
            title="PTSD Checklist for DSM-5",
            stem="In the past month, how much were you bothered by:",
            items=_items(
                (
                    "Repeated, disturbing, and unwanted memories of the stressful experience?",
                    "Repeated, disturbing dreams of the stressful experience?",
                    "Suddenly feeling or acting as if the stressful experience were actually "
                    "happening again (as if you were actually back there reliving it)?",
                    "Feeling very upset when something reminded you of the stressful experience?",
                    "Having strong physical reactions when something reminded you of the "
                    "stressful experience (for example, heart pounding, trouble breathing, "
                    "sweating)?",
                    "Avoiding memories, thoughts, or feelings related to the stressful experience?",
                    "Avoiding external reminders of the stressful experience (for example, "
                    "people, places, conversations, activities, objects, or situations)?",
                    "Trouble remembering important parts of the stressful experience?",
                    "Having strong negative beliefs about yourself, other people, or the world "
                    "(for example, having thoughts such as: I am bad, there is something "
                    "seriously wrong with me, no one can be trusted, the world is completely "
                    "dangerous)?",
                    "Blaming yourself or someone else for the stressful experience or what "
                    "happened after it?",
                    "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
                    "Loss of interest in activities that you used to enjoy?",
                    "Feeling distant or cut off from other people?",
                    "Trouble experiencing positive feelings (for example, being unable to feel "
                    "happiness or have loving feelings for people close to you)?",
                    "Irritable behavior, angry outbursts, or acting aggressively?",
                    "Taking too many risks or doing things that could cause you harm?",
                    "Being “superalert” or watchful or on guard?",
                    "Feeling jumpy or easily startled?",
                    "Having difficulty concentrating?",
                    "Trouble falling or staying asleep?",
                ),
                PCL5_SCALE,
            ),
            bands=(Band(0, 32, "below cutoff"), Band(33, 80, "provisional PTSD")),
        ),
    )
}


def get_instrument(code):
    """The instrument for a code such as "PHQ9"; KeyError for an unknown code."""
    return INSTRUMENTS[str(code).upper()]
