"""Today's cards and rows write their times without `dateformat` (`today_tags.hour_minute`,
`day_hour_minute`): the same text as the template's `date` filter, in the current time zone,
across a year's days and hours (both daylight-saving changes) and in another language."""

from datetime import UTC, datetime, timedelta

from django.template.defaultfilters import date
from django.utils import timezone, translation

from sessions.templatetags.today_tags import day_hour_minute, hour_minute

START = datetime(2026, 1, 1, 0, 7, tzinfo=UTC)


def every_few_hours():
    return [START + timedelta(hours=5 * n, minutes=n % 60) for n in range(24 * 366 // 5)]


def as_the_date_filter(value, fmt):
    return date(timezone.localtime(value), fmt)


def test_hour_minute_is_the_date_filters_h_i():
    for value in every_few_hours():
        assert hour_minute(value) == as_the_date_filter(value, "H:i")


def test_day_hour_minute_is_the_date_filters_d_j_m_h_i():
    for value in every_few_hours():
        assert day_hour_minute(value) == as_the_date_filter(value, "D j M H:i")


def test_day_hour_minute_names_the_day_and_month_in_the_active_language():
    value = datetime(2026, 3, 5, 15, 30, tzinfo=UTC)
    with translation.override("fr"):
        assert day_hour_minute(value) == as_the_date_filter(value, "D j M H:i")
        assert day_hour_minute(value) != "Thu 5 Mar 10:30"
