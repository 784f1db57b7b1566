"""A hand-built cohort for the census and length-of-stay sections, with worked figures.

The range is Wednesday 5 March 2025 to Wednesday 26 March 2025: four weeks, the first and last
cut to the range: W1 5–9 Mar, W2 10–16 Mar, W3 17–23 Mar, W4 24–26 Mar.

Program A (`program`, supervised by `supervisor`); `clinician` is the primary clinician of E1
and E2, `clinician2` of the rest:

| ep  | level | referred | admitted | discharged     | status     | notes                        |
|-----|-------|----------|----------|----------------|------------|------------------------------|
| E1  | OP    | 25 Jan   | 1 Feb    | –              | active     | moved IOP → OP on 18 Mar     |
| E2  | IOP   | 25 Feb   | 5 Mar    | 26 Mar complet.| discharged | range's first and last days  |
| E3  | PHP   | 10 Mar   | 10 Mar   | 10 Mar ag.adv. | discharged | admitted and discharged same |
| E4  | OP    | 5 Jan    | 10 Jan   | 4 Mar complet. | discharged | the day before the range     |
| E5  | PHP   | 1 Mar    | 16 Mar   | –              | active     | admitted on a Sunday (W2)    |
| E6  | IOP   | 14 Mar   | 17 Mar   | 23 Mar transf. | discharged | Monday to Sunday of W3       |
| E7  | IOP   | 20 Mar   | –        | –              | referred   |                              |
| E8  | IOP   | 26 Mar   | –        | –              | intake     |                              |
| E9  | IOP   | 20 Mar   | 27 Mar   | –              | active     | admitted after the range     |
| E10 | IOP   | 1 Mar    | –        | –              | declined   |                              |
| E4's level change PHP → OP on 1 Feb is before the range.                                   |

Program B (`sud_program`, not supervised by `supervisor`):
| E11 | IOP   | 20 Feb   | 1 Mar    | 12 Mar higher  | discharged | moved PHP → IOP on 6 Mar     |
"""

from datetime import date

from patients.models import Episode, LevelOfCareChange
from reports.scope import ReportScope
from tests.factories import EpisodeFactory

START, END = date(2025, 3, 5), date(2025, 3, 26)
D = Episode.DischargeReason


def jan(day):
    return date(2025, 1, day)


def feb(day):
    return date(2025, 2, day)


def mar(day):
    return date(2025, 3, day)


def scope_for(user, **filters):
    return ReportScope(user=user, start=START, end=END, **filters)


def episode(program, clinician, status, level, referred, admitted=None, discharged=None, **kw):
    return EpisodeFactory(
        program=program,
        primary_clinician=clinician if admitted else None,
        status=status,
        level_of_care=level,
        referral_date=referred,
        admission_date=admitted,
        discharge_date=discharged,
        **kw,
    )


def build_cohort(program, other_program, clinician, clinician2):
    c, c2 = clinician, clinician2
    e = {}
    e[1] = episode(program, c, "active", "OP", jan(25), feb(1))
    e[2] = episode(
        program, c, "discharged", "IOP", feb(25), mar(5), mar(26), discharge_reason=D.COMPLETED
    )
    e[3] = episode(
        program,
        c2,
        "discharged",
        "PHP",
        mar(10),
        mar(10),
        mar(10),
        discharge_reason=D.AGAINST_ADVICE,
    )
    e[4] = episode(
        program, c2, "discharged", "OP", jan(5), jan(10), mar(4), discharge_reason=D.COMPLETED
    )
    e[5] = episode(program, c2, "active", "PHP", mar(1), mar(16))
    e[6] = episode(
        program, c2, "discharged", "IOP", mar(14), mar(17), mar(23), discharge_reason=D.TRANSFERRED
    )
    e[7] = episode(program, c2, "referred", "IOP", mar(20))
    e[8] = episode(program, c2, "intake", "IOP", mar(26))
    e[9] = episode(program, c2, "active", "IOP", mar(20), mar(27))
    e[10] = episode(program, c2, "declined", "IOP", mar(1))
    e[11] = episode(
        other_program,
        c2,
        "discharged",
        "IOP",
        feb(20),
        mar(1),
        mar(12),
        discharge_reason=D.HIGHER_LEVEL,
    )
    LevelOfCareChange.objects.create(
        episode=e[1], from_level="IOP", to_level="OP", effective_date=mar(18), reason="Better."
    )
    LevelOfCareChange.objects.create(
        episode=e[4], from_level="PHP", to_level="OP", effective_date=feb(1), reason="Better."
    )
    LevelOfCareChange.objects.create(
        episode=e[11], from_level="PHP", to_level="IOP", effective_date=mar(6), reason="Better."
    )
    return e


def grow(program, clinician, n):
    """`n` more episodes of every kind the sections count (for the query budgets)."""
    for i in range(n):
        kind = i % 4
        if kind == 0:
            ep = episode(program, clinician, "active", "IOP", date(2025, 3, 1), date(2025, 3, 6))
            LevelOfCareChange.objects.create(
                episode=ep,
                from_level="PHP",
                to_level="IOP",
                effective_date=date(2025, 3, 11),
                reason="Steadier.",
            )
        elif kind == 1:
            episode(
                program,
                clinician,
                "discharged",
                "PHP",
                date(2025, 2, 1),
                date(2025, 2, 3),
                date(2025, 3, 20 - i % 7),
                discharge_reason=D.COMPLETED,
            )
        elif kind == 2:
            episode(program, clinician, "referred", "IOP", date(2025, 3, 1 + i % 20))
        else:
            episode(program, clinician, "active", "OP", date(2025, 1, 2), date(2025, 1, 9 + i % 9))
