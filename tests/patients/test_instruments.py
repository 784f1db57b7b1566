"""The instruments score exactly as CLINICAL.md gives them: worked examples per instrument."""

import pytest

from patients.instruments import INSTRUMENTS, RISK_ALERT, InstrumentError, get_instrument


def score(code, answers, **kwargs):
    instrument = get_instrument(code)
    return instrument.score(instrument.validate(answers), **kwargs)


def test_the_six_instruments_in_order_with_their_item_counts():
    assert {code: len(i.items) for code, i in INSTRUMENTS.items()} == {
        "PHQ9": 9,
        "GAD7": 7,
        "AUDITC": 3,
        "DAST10": 10,
        "CSSRS": 7,
        "PCL5": 20,
    }
    assert list(INSTRUMENTS) == ["PHQ9", "GAD7", "AUDITC", "DAST10", "CSSRS", "PCL5"]
    with pytest.raises(KeyError):
        get_instrument("BDI2")


def test_phq9_wording_and_answers_come_from_the_clinical_reference():
    phq9 = get_instrument("PHQ9")
    assert phq9.items[8].text == (
        "Thoughts that you would be better off dead, or of hurting yourself in some way"
    )
    assert [o.label for o in phq9.items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert phq9.loinc == "44249-1"
    assert (phq9.min_total, phq9.max_total) == (0, 27)


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0] * 9, 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([2, 2, 2, 1, 1, 1, 0, 0, 0], 9, "mild"),
        ([2, 2, 2, 2, 1, 1, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 0, 0], 14, "moderate"),
        ([3, 3, 3, 2, 2, 2, 0, 0, 0], 15, "moderately severe"),
        ([3, 3, 3, 3, 3, 2, 2, 0, 0], 19, "moderately severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3] * 9, 27, "severe"),
    ],
)
def test_phq9_totals_and_bands_at_every_boundary(answers, total, band):
    result = score("PHQ9", answers)
    assert (result.total, result.severity) == (total, band)


def test_phq9_item9_above_zero_flags_a_risk_alert_whatever_the_total():
    result = score("PHQ9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.severity) == (1, "minimal")
    assert set(result.flags) == {"item9_positive", RISK_ALERT}
    assert score("PHQ9", [3, 3, 3, 3, 3, 3, 3, 3, 0]).flags == ()


@pytest.mark.parametrize(
    ("answers", "total", "band", "positive"),
    [
        ([0] * 7, 0, "minimal", False),
        ([1, 1, 1, 1, 0, 0, 0], 4, "minimal", False),
        ([1, 1, 1, 1, 1, 0, 0], 5, "mild", False),
        ([2, 2, 2, 1, 1, 1, 0], 9, "mild", False),
        ([2, 2, 2, 2, 1, 1, 0], 10, "moderate", True),
        ([2, 2, 2, 2, 2, 2, 2], 14, "moderate", True),
        ([3, 3, 3, 2, 2, 1, 1], 15, "severe", True),
        ([3] * 7, 21, "severe", True),
    ],
)
def test_gad7_bands_and_positive_screen_at_ten(answers, total, band, positive):
    result = score("GAD7", answers)
    assert (result.total, result.severity) == (total, band)
    assert ("positive_screen" in result.flags) is positive


@pytest.mark.parametrize(
    ("answers", "sex", "positive"),
    [
        ([1, 1, 1], "female", True),  # 3 is positive for women
        ([1, 1, 1], "male", False),  # but not for men
        ([2, 1, 1], "male", True),  # 4 is positive for men
        ([1, 1, 1], None, True),  # unknown sex uses 3
        ([1, 1, 1], "", True),
        ([1, 1, 0], "female", False),
        ([4, 4, 4], "male", True),
    ],
)
def test_auditc_cutoff_depends_on_recorded_sex(answers, sex, positive):
    result = score("AUDITC", answers, sex=sex)
    assert result.total == sum(answers)
    assert result.severity == ("positive" if positive else "negative")
    assert ("positive_screen" in result.flags) is positive


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        # "Yes" to item 3 (always able to stop) scores 0; all other "no" answers score 0.
        ([False, False, True, False, False, False, False, False, False, False], 0, "none"),
        # "No" to item 3 alone scores 1.
        ([False] * 10, 1, "low"),
        ([True, True, True, False, False, False, False, False, False, False], 2, "low"),
        ([True, True, False, False, False, False, False, False, False, False], 3, "moderate"),
        ([True, True, False, True, True, False, False, False, False, False], 5, "moderate"),
        ([True, True, False, True, True, True, False, False, False, False], 6, "substantial"),
        ([True, True, True, True, True, True, True, True, True, False], 8, "substantial"),
        ([True, True, False, True, True, True, True, True, True, False], 9, "severe"),
        ([True, True, False, True, True, True, True, True, True, True], 10, "severe"),
    ],
)
def test_dast10_reverses_item3_and_bands(answers, total, band):
    result = score("DAST10", answers)
    assert (result.total, result.severity) == (total, band)


NO = False
YES = True


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ([NO, NO, None, None, None, NO, None], "none"),
        ([YES, NO, None, None, None, NO, None], "low"),
        ([NO, YES, NO, NO, NO, NO, None], "low"),
        ([YES, YES, YES, NO, NO, NO, None], "moderate"),
        ([NO, NO, None, None, None, YES, NO], "moderate"),  # behaviour over 3 months ago
        ([YES, YES, NO, YES, NO, NO, None], "high"),
        ([YES, YES, YES, NO, YES, NO, None], "high"),
        ([NO, NO, None, None, None, YES, YES], "high"),  # behaviour in the past 3 months
        ([NO, NO, NO, NO, NO, NO, NO], "none"),  # skipped items may also be sent as no
    ],
)
def test_cssrs_risk_levels(answers, level):
    result = score("CSSRS", answers)
    assert result.total is None
    assert result.severity == level
    if level in {"moderate", "high"}:
        assert set(result.flags) == {RISK_ALERT, "safety_plan_required"}
    else:
        assert result.flags == ()


def test_cssrs_skip_logic_is_enforced():
    cssrs = get_instrument("CSSRS")
    with pytest.raises(InstrumentError) as error:
        cssrs.validate([YES, NO, YES, NO, NO, NO, None])
    assert "item 3" in error.value.errors
    assert "skips to item 6" in error.value.errors["item 3"]
    with pytest.raises(InstrumentError) as error:
        cssrs.validate([YES, YES, None, NO, NO, NO, None])
    assert list(error.value.errors) == ["item 3"]
    with pytest.raises(InstrumentError) as error:
        cssrs.validate([NO, NO, None, None, None, YES, None])
    assert list(error.value.errors) == ["item 6b"]
    with pytest.raises(InstrumentError) as error:
        cssrs.validate([NO, NO, None, None, None, NO, YES])
    assert "only after a yes to item 6" in error.value.errors["item 6b"]
    # Skipped answers are stored as no.
    assert cssrs.validate([NO, NO, None, None, None, NO]) == [False] * 7


def test_pcl5_total_clusters_and_provisional_cutoff():
    answers = [2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 1, 1]
    result = score("PCL5", answers)
    assert result.total == 33
    assert result.subscores == {"B": 10, "C": 2, "D": 7, "E": 14}
    assert (result.severity, result.flags) == ("provisional PTSD", ("provisional_ptsd",))
    below = score("PCL5", answers, pcl5_cutoff=34)
    assert (below.severity, below.flags) == ("below cutoff", ())
    assert score("PCL5", [4] * 20).total == 80


@pytest.mark.parametrize(
    ("code", "answers", "key", "fragment"),
    [
        ("PHQ9", [1] * 8, "item 9", "needs an answer"),
        ("PHQ9", [1, 1, None, 1, 1, 1, 1, 1, 1], "item 3", "needs an answer"),
        ("PHQ9", [1] * 10, "responses", "9 items; 10 answers"),
        ("PHQ9", [1, 1, 1, 1, 4, 1, 1, 1, 1], "item 5", "from 0 to 3"),
        ("PHQ9", [1, 1, 1, 1, -1, 1, 1, 1, 1], "item 5", "from 0 to 3"),
        ("PHQ9", [1, 1, 1, 1, "2", 1, 1, 1, 1], "item 5", "whole number"),
        ("PHQ9", [1, 1, 1, 1, True, 1, 1, 1, 1], "item 5", "whole number"),
        ("PHQ9", [1, 1, 1, 1, 1.5, 1, 1, 1, 1], "item 5", "whole number"),
        ("PCL5", [0] * 19 + [5], "item 20", "from 0 to 4"),
        ("DAST10", [False] * 9 + [1], "item 10", "yes (true) or no (false)"),
        ("PHQ9", "111111111", "responses", "list"),
    ],
)
def test_missing_extra_and_out_of_range_answers_are_refused_naming_the_item(
    code, answers, key, fragment
):
    with pytest.raises(InstrumentError) as error:
        get_instrument(code).validate(answers)
    assert fragment in error.value.errors[key]
