"""Burn-down of an authorization from attendance, at its boundaries."""

from datetime import date, timedelta

from billing.burndown import burndowns, unauthorized_days
from tests.billing.conftest import MONDAY

FRIDAY_13 = date(2026, 11, 13)


def used(authorization, today):
    return burndowns([authorization], today=today)[authorization.pk]


def test_a_day_counts_when_it_reaches_the_per_diem_threshold(authorize, attend):
    authorization = authorize()
    attend(MONDAY, 180)
    attend(MONDAY + timedelta(days=1), 179)
    assert used(authorization, MONDAY + timedelta(days=2)).used == 1


def test_the_last_authorized_day_counts_and_the_day_after_does_not(authorize, attend):
    authorization = authorize()
    attend(FRIDAY_13, 180)
    attend(FRIDAY_13 + timedelta(days=1), 180)
    burn = used(authorization, FRIDAY_13 + timedelta(days=5))
    assert burn.counted == [FRIDAY_13]


def test_a_day_before_the_first_authorized_date_does_not_count(authorize, attend):
    authorization = authorize(first_date=MONDAY + timedelta(days=1))
    attend(MONDAY, 180)
    assert used(authorization, MONDAY + timedelta(days=3)).used == 0


def test_exactly_80_percent_used_is_low(authorize, attend):
    authorization = authorize(number_authorized=5)
    for offset in range(4):
        attend(MONDAY + timedelta(days=offset), 180)
    burn = used(authorization, MONDAY + timedelta(days=4))
    assert (burn.used, burn.percent, burn.low) == (4, 80, True)


def test_just_under_80_percent_is_not_low(authorize, attend):
    authorization = authorize(number_authorized=10, used_before=0)
    for offset in range(7):
        attend(MONDAY + timedelta(days=offset), 180)
    burn = used(authorization, MONDAY + timedelta(days=8))
    assert (burn.used, burn.low) == (7, False)


def test_days_used_before_count_toward_the_burn_down(authorize, attend):
    authorization = authorize(number_authorized=10, used_before=7)
    attend(MONDAY, 180)
    assert used(authorization, MONDAY + timedelta(days=1)).label == "8 of 10 days used (80 %)"


def test_units_count_sessions_whose_code_is_covered(authorize, attend):
    authorization = authorize(unit="units", service_codes="90853", number_authorized=12)
    attend(MONDAY, 90)  # a group: 90853
    attend(MONDAY + timedelta(days=1), 60, kind="individual")  # 90837, not covered
    assert used(authorization, MONDAY + timedelta(days=2)).used == 1


def test_absence_does_not_burn(authorize, attend):
    authorization = authorize()
    attend(MONDAY, 0, status="absent_unexcused")
    assert used(authorization, MONDAY + timedelta(days=1)).used == 0


def test_a_day_attended_outside_any_approved_authorization_is_flagged(episode, authorize, attend):
    authorize(first_date=MONDAY + timedelta(days=1))
    attend(MONDAY, 180)
    attend(MONDAY + timedelta(days=1), 180)
    assert unauthorized_days(episode, today=MONDAY + timedelta(days=2)) == [MONDAY]


def test_a_requested_authorization_does_not_cover_the_day(episode, authorize, attend):
    authorize(status="requested")
    attend(MONDAY, 180)
    assert unauthorized_days(episode, today=MONDAY + timedelta(days=1)) == [MONDAY]


def test_the_burn_down_of_many_authorizations_costs_the_same_queries_as_one(
    make_episode, clinician, payer, biller, attend, django_assert_num_queries
):
    from billing import services
    from billing.models import Authorization

    days = iter(MONDAY + timedelta(days=n) for n in range(6))  # one group session a day

    def authorized(count):
        for _ in range(count):
            episode = make_episode(clinician=clinician)
            coverage = services.coverage_create(
                episode=episode,
                data={"payer": payer, "member_id": "M", "effective_from": MONDAY},
                user=biller,
            )
            services.authorization_create(
                episode=episode,
                data={
                    "coverage": coverage,
                    "service_codes": "S9480, 90853",
                    "unit": "units",
                    "number_authorized": 10,
                    "first_date": MONDAY,
                    "last_date": FRIDAY_13,
                    "status": "approved",
                },
                user=biller,
            )
            attend(next(days), 180, who=episode)
        return list(Authorization.objects.select_related("episode__program"))

    one = authorized(1)
    with django_assert_num_queries(2):  # attendance, family sessions without the patient
        burndowns(one, today=FRIDAY_13)
    six = authorized(5)
    with django_assert_num_queries(2):
        found = burndowns(six, today=FRIDAY_13)
    assert [burn.used for burn in found.values()] == [1] * 6


def test_days_outside_read_spans_and_self_pay_in_one_query(
    make_episode, clinician, payer, django_assert_num_queries
):
    from billing.burndown import days_outside_episodes
    from billing.models import Authorization, Coverage

    paid = make_episode(clinician=clinician, last_name="Paid")
    own = make_episode(clinician=clinician, last_name="Own")
    both = make_episode(clinician=clinician, last_name="Both")
    for episode, self_pay in ((paid, False), (own, True), (both, True), (both, False)):
        coverage = Coverage.objects.create(
            episode=episode,
            payer=None if self_pay else payer,
            self_pay=self_pay,
            member_id="" if self_pay else "M-1",
            effective_from=MONDAY,
        )
        if episode is paid:
            Authorization.objects.create(
                episode=episode,
                coverage=coverage,
                service_codes="S9480",
                number_authorized=5,
                first_date=MONDAY,
                last_date=MONDAY + timedelta(days=4),
                status=Authorization.Status.APPROVED,
            )
    before, inside, after = MONDAY - timedelta(days=1), MONDAY + timedelta(days=1), FRIDAY_13
    pairs = {(e.pk, d) for e in (paid, own, both) for d in (before, inside, after)}
    with django_assert_num_queries(1):
        outside = days_outside_episodes(pairs)
    # Paid: outside its authorization (before and after it); self-pay alone: never flagged,
    # except the day before its coverage; self-pay beside a payer: flagged without an
    # authorization.
    assert outside == {
        (paid.pk, before),
        (paid.pk, after),
        (own.pk, before),
        (both.pk, before),
        (both.pk, inside),
        (both.pk, after),
    }


def test_the_header_s_burn_down_from_its_episode_is_the_joined_one(episode, authorize, attend):
    from billing.burndown import current_burndowns
    from patients.models import Episode

    authorize(number_authorized=5)
    authorize(first_date=MONDAY + timedelta(days=20), last_date=MONDAY + timedelta(days=30))
    for offset in range(4):
        attend(MONDAY + timedelta(days=offset), 180)
    today = MONDAY + timedelta(days=5)
    joined = current_burndowns([episode.pk], today=today)[episode.pk]
    loaded = Episode.objects.select_related("program").get(pk=episode.pk)
    given = current_burndowns([episode.pk], today=today, episodes={episode.pk: loaded})
    burn = given[episode.pk]
    assert (burn.authorization.pk, burn.label, burn.counted, burn.authorization.episode) == (
        joined.authorization.pk,
        joined.label,
        joined.counted,
        loaded,
    )
    assert burn.label == "4 of 5 days used (80 %)"
