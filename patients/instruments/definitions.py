"""The standardized measures, each defined once: wording, answer options, bands (CLINICAL.md).

How they are checked and scored is in `scoring.py`.
"""

from patients.instruments.scoring import (
    CSSRS,
    DAST10,
    GAD7,
    PCL5,
    PHQ9,
    AuditC,
    Band,
    Item,
    Option,
)

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
                    (
                        "How many standard drinks containing alcohol do you have on a typical "
                        "day when you are drinking?"
                    ),
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
            bands=(Band(0, 2, "negative"), Band(3, 12, "positive (3+; 4+ for men)")),
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
