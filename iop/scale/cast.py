"""The people and places of the scale program: staff, programs, groups, patients and their
episodes (who, where, when), planned in memory before anything is written."""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.contrib.auth.hashers import make_password

from iop.accounts.demo import DEMO_USERS
from iop.accounts.roles import Role

FIRST = [
    "Avery",
    "Blake",
    "Carmen",
    "Dmitri",
    "Elena",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jordan",
    "Keiko",
    "Luis",
    "Maya",
    "Noah",
    "Olivia",
    "Priya",
    "Quinn",
    "Rosa",
    "Samir",
    "Tara",
    "Uma",
    "Victor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aaron",
    "Bianca",
    "Caleb",
    "Delia",
    "Emeka",
    "Fiona",
    "Grace",
    "Hector",
    "Ivy",
    "Jamal",
    "Kira",
    "Leo",
    "Mina",
    "Nadia",
    "Omar",
    "Paula",
    "Rafael",
    "Sofia",
    "Theo",
    "Ursula",
    "Vera",
    "Wes",
    "Yara",
    "Zane",
]
LAST = [
    "Nguyen",
    "Okafor",
    "Silva",
    "Volkov",
    "Marsh",
    "Haddad",
    "Stone",
    "Kim",
    "Reyes",
    "Price",
    "Tanaka",
    "Ortega",
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Novak",
    "O'Brien",
    "Patel",
    "Quinlan",
    "Rossi",
    "Schmidt",
    "Torres",
    "Ueda",
    "Varga",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Abbott",
    "Brennan",
    "Castro",
    "Dubois",
    "Ellis",
    "Flores",
    "Grant",
    "Holm",
    "Iqbal",
    "Jovanovic",
    "Khan",
    "Larsen",
]
CREDENTIALS = ["LPC", "LCSW", "LMFT", "LCADC", "PsyD", "LMHC", "PhD"]

PROGRAMS = [
    # name, track
    ("Adult Mental Health IOP — Downtown", "mental_health"),
    ("Substance Use IOP — Downtown", "substance_use"),
    ("Adult Mental Health IOP — Northside", "mental_health"),
    ("Co-occurring IOP — Northside", "co_occurring"),
    ("Adolescent IOP — Northside", "adolescent"),
    ("Trauma IOP — Downtown", "trauma"),
]
# Who supervises which program (by index); the director supervises every one unlisted.
SUPERVISES = {
    "supervisor": [0, 2, 4],
    "supervisor2": [1, 3],
    "supervisor3": [5],
    "supervisor4": [3],
}

# A program day is a block of three 50-minute groups back to back (process, skills,
# psychoeducation), each its own group with its own sessions: a cohort of patients joins all
# three. Block schedules: weekdays, the block's first hour. 12-15 groups a week = 10-12.5 hours,
# above the IOP weekly minimum of 9 hours (adolescents 6).
PATTERNS = [
    ([0, 1, 2, 3, 4], 9),
    ([0, 1, 2, 3, 4], 13),
    ([0, 1, 2, 3], 17),
]
# The adolescent program's cohorts meet after school three days a week (7.5 hours).
AFTER_SCHOOL = [([0, 2, 4], 16), ([1, 3, 5], 16)]
PARTS = [("process", 50), ("dbt_skills", 50), ("psychoeducation", 50)]
CAPACITY = 15
DISCHARGE_REASONS = [
    ("completed", 0.55),
    ("stepped_down", 0.20),
    ("against_advice", 0.12),
    ("higher_level", 0.07),
    ("transferred", 0.06),
]


@dataclass
class Staff:
    id: int
    username: str
    first: str
    last: str
    credentials: str
    role: str
    is_staff: bool = False
    is_trainee: bool = False
    program: int | None = None


@dataclass
class Group:
    id: int
    name: str
    program: int
    kind: str
    days: list
    start: time
    minutes: int
    hours: set
    facilitators: list
    location: str
    members: list = field(default_factory=list)  # Episodes, in enrolment order
    cohort: int = 0  # the groups of one cohort share their members and facilitators
    part: int = 0  # its place in the cohort's day


@dataclass(eq=False)
class Episode:
    id: int
    patient_id: int
    program: int
    status: str
    first: str
    last: str
    dob: date
    sex: str
    referral_date: date
    admission_date: date | None = None
    discharge_date: date | None = None
    discharge_reason: str = ""
    primary: int | None = None
    care_team: set = field(default_factory=set)
    prescriber: int | None = None
    group: Group | None = None  # the first group of the cohort's day
    groups: list = field(default_factory=list)  # every group of the cohort
    enrollment_ids: list = field(default_factory=list)
    enrolled_on: date | None = None
    absent_rate: float = 0.05
    engagement: float = 1.0

    @property
    def name(self):
        return f"{self.first} {self.last}"

    def in_care(self, day):
        """Admitted and not yet discharged on `day`."""
        if self.admission_date is None or day < self.admission_date:
            return False
        return self.discharge_date is None or day <= self.discharge_date

    def enrolled(self, day):
        if self.group is None or day < self.enrolled_on:
            return False
        return self.discharge_date is None or day <= self.discharge_date


def sizes(scale):
    groups = max(2, round(40 * scale))
    return {
        "patients": max(4, round(5000 * scale)),
        "active": max(2, round(600 * scale)),
        "referred": round(40 * scale),
        "intake": round(30 * scale),
        "declined": round(30 * scale),
        "clinicians": max(2, round(60 * scale)),
        "cohorts": groups,
        "programs": min(len(PROGRAMS), max(2, round(groups / 6.7))),
        "supervisors": min(4, max(2, round(4 * scale))),
        "intake_staff": max(1, round(3 * scale)),
    }


def plan_staff(world, password):
    """The demo logins (same usernames and password as seed_demo), then more of each role."""
    count = world.sizes
    demo = {u[0]: u for u in DEMO_USERS}
    staff = []

    def add(username, first, last, credentials, role, is_staff=False):
        staff.append(Staff(0, username, first, last, credentials, role, is_staff))

    for username in ("admin", "director", "supervisor", "supervisor2"):
        _, first, last, creds, role, is_staff = demo[username]
        add(username, first, last, creds, role, is_staff)
    for n in range(3, count["supervisors"] + 1):
        add(f"supervisor{n}", FIRST[n * 7 % 50], LAST[n * 11 % 50], "LCSW-S", Role.SUPERVISOR)
    for username in ("clinician", "clinician2"):
        _, first, last, creds, role, _ = demo[username]
        add(username, first, last, creds, role)
    for n in range(3, count["clinicians"] + 1):
        first, last = FIRST[(n * 13) % 50], LAST[(n * 17 + 5) % 50]
        add(f"clinician{n}", first, last, CREDENTIALS[n % len(CREDENTIALS)], Role.CLINICIAN)
    _, first, last, creds, role, _ = demo["intake"]
    add("intake", first, last, creds, role)
    for n in range(2, count["intake_staff"] + 1):
        add(f"intake{n}", FIRST[n * 19 % 50], LAST[n * 23 % 50], "", Role.INTAKE)
    for person, pk in zip(staff, world.sink.ids(world.User, len(staff)), strict=True):
        person.id = pk
    clinicians = [s for s in staff if s.role == Role.CLINICIAN]
    programs = count["programs"]
    for i, person in enumerate(clinicians):
        # clinician and clinician2 work in the first program, as in the demo.
        person.program = 0 if i < 2 else (i - 2) % programs
        person.is_trainee = person.username == "clinician2" or (i > 2 and i % 9 == 0)
    # Each program's prescriber (medication management): its last clinician, when it has
    # three or more.
    world.prescribers = {}
    for program in range(programs):
        mine = [c.id for c in clinicians if c.program == program and not c.is_trainee]
        if len(mine) >= 3:
            world.prescribers[program] = mine[-1]
    world.staff = staff
    world.by_username = {s.username: s for s in staff}
    world.clinicians = clinicians
    world.password_hash = make_password(password)


def plan_programs_and_groups(world):
    count = world.sizes
    world.programs = PROGRAMS[: count["programs"]]
    world.program_ids = list(world.sink.ids(world.Program, len(world.programs)))
    cohorts = count["cohorts"]
    ids = iter(world.sink.ids(world.TherapyGroup, cohorts * len(PARTS)))
    kinds = dict(world.GroupKinds)
    groups, days_of = [], []
    for c in range(cohorts):
        program = c % len(world.programs)
        days, first_hour = PATTERNS[(c // len(world.programs) + c) % len(PATTERNS)]
        if world.programs[program][1] == "adolescent":
            days, first_hour = AFTER_SCHOOL[c // len(world.programs) % len(AFTER_SCHOOL)]
        block = {(d, h) for d in days for h in range(first_hour, first_hour + len(PARTS))}
        days_of.append((program, block))
        track, site = world.programs[program][0].split(" — ")
        members = []
        for part, (kind, minutes) in enumerate(PARTS):
            if part == 2 and world.programs[program][1] in ("substance_use", "co_occurring"):
                kind = "relapse_prevention"
            start = time(first_hour + part)
            name = f"{kinds[kind]} {start:%H:%M} ({track}, {site} {c + 1})"
            room = f"{site} room {c % 9 + 1}"
            group = Group(
                next(ids), name, program, kind, days, start, minutes, {start.hour}, [], room
            )
            group.members, group.cohort, group.part = members, c, part
            groups.append(group)
    # Two facilitators per cohort (they run its three groups), from the program's clinicians,
    # never two cohorts meeting at the same hour of a day for one clinician (they would
    # clash); the least busy first.
    load = {c.id: 0 for c in world.clinicians}
    heavy = world.by_username["clinician"].id
    hours_of = {c.id: set() for c in world.clinicians}
    chosen_for = []
    for program, block in days_of:
        pool = [c for c in world.clinicians if c.program == program] or world.clinicians
        free = [c for c in pool if not block & hours_of[c.id]] or pool
        # The demo `clinician` runs two cohorts, so that the benchmark's clinician has a full
        # caseload and groups on Today.
        chosen = sorted(free, key=lambda c: (load[c.id] - (c.id == heavy), c.id))[:2]
        for c in chosen:
            load[c.id] += 1
            hours_of[c.id] |= block
        chosen_for.append([c.id for c in chosen])
    for group in groups:
        group.facilitators = chosen_for[group.cohort]
    world.groups = groups


def _pick(rng, weighted):
    roll, total = rng.random(), 0.0
    for value, chance in weighted:
        total += chance
        if roll < total:
            return value
    return weighted[-1][0]


def plan_episodes(world):
    """One episode per patient: active, discharged (with reasons), and a few in the intake queue
    or declined; dates in order and in the past; a primary clinician of the program; a group."""
    rng, count, today = world.rng, world.sizes, world.today
    start = world.start_day
    statuses = (
        ["active"] * count["active"]
        + ["referred"] * count["referred"]
        + ["intake"] * count["intake"]
        + ["declined"] * count["declined"]
    )
    statuses += ["discharged"] * max(0, count["patients"] - len(statuses))
    rng.shuffle(statuses)
    patient_ids = world.sink.ids(world.Patient, len(statuses))
    episode_ids = world.sink.ids(world.EpisodeModel, len(statuses))
    episodes = []
    programs = len(world.programs)
    for i, status in enumerate(statuses):
        program = rng.randrange(programs)
        adolescent = world.programs[program][1] == "adolescent"
        age = rng.randint(13, 17) if adolescent else rng.randint(19, 70)
        dob = today - timedelta(days=age * 365 + rng.randint(0, 364))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        sex = _pick(rng, [("female", 0.52), ("male", 0.45), ("unknown", 0.03)])
        e = Episode(episode_ids[i], patient_ids[i], program, status, first, last, dob, sex, today)
        if status == "active":
            e.admission_date = today - timedelta(days=rng.randint(1, 150))
        elif status == "discharged":
            length = rng.randint(42, 168)
            e.discharge_date = start + timedelta(days=rng.randint(length, (today - start).days - 1))
            e.admission_date = e.discharge_date - timedelta(days=length)
            e.discharge_reason = _pick(rng, DISCHARGE_REASONS)
        if e.admission_date:
            e.referral_date = e.admission_date - timedelta(days=rng.randint(5, 20))
        elif status == "declined":
            e.referral_date = today - timedelta(days=rng.randint(10, 400))
        else:
            e.referral_date = today - timedelta(days=rng.randint(0, 12))
        e.absent_rate = rng.choice([0.02, 0.04, 0.06, 0.08, 0.12, 0.2, 0.3])
        episodes.append(e)
    _assign_clinicians(world, episodes)
    _enrol(world, episodes)
    world.episodes = episodes
    world.admitted = sorted(
        (e for e in episodes if e.admission_date), key=lambda e: (e.admission_date, e.id)
    )


def _assign_clinicians(world, episodes):
    """Primary clinicians, balanced over the program's clinicians (the demo `clinician` takes a
    heavier share, so that the benchmark's clinician has a full caseload)."""
    rng = world.rng
    load = {c.id: 0.0 for c in world.clinicians}
    heavy = world.by_username["clinician"].id
    prescribers = set(world.prescribers.values())
    for e in sorted(episodes, key=lambda e: (e.referral_date, e.id)):
        if e.status in ("referred", "declined", "intake"):
            continue  # the primary clinician is named at the intake's last step
        pool = [c.id for c in world.clinicians if c.program == e.program] or [
            c.id for c in world.clinicians
        ]
        # The prescriber sees everyone for medication: not a primary clinician as well.
        pool = [pk for pk in pool if pk not in prescribers] or pool
        weight = {pk: (0.33 if pk == heavy else 1.0) for pk in pool}
        e.primary = min(pool, key=lambda pk: (load[pk] * weight[pk] + rng.random() * 0.5, pk))
        load[e.primary] += 1
        e.prescriber = world.prescribers.get(e.program, e.primary)
        e.care_team = {e.primary, e.prescriber}


def _enrol(world, episodes):
    """Each admitted episode joins the least full cohort of its program with a place (all
    three of its groups), from its admission (or the next day) to its discharge; the
    facilitators join its care team."""
    by_program = {}
    for group in world.groups:
        if group.part == 0:
            by_program.setdefault(group.program, []).append(group)
    cohorts = {}
    for group in world.groups:
        cohorts.setdefault(group.cohort, []).append(group)
    admitted = sorted((e for e in episodes if e.admission_date), key=lambda e: e.admission_date)
    ids = iter(world.sink.ids(world.GroupEnrollment, len(admitted) * len(PARTS)))
    for e in admitted:
        day = e.admission_date + timedelta(days=world.rng.randint(0, 1))
        if e.discharge_date and day > e.discharge_date:
            continue
        best, best_count = None, CAPACITY
        for group in by_program.get(e.program, []):
            current = sum(1 for m in group.members if m.enrolled(day))
            if current < best_count:
                best, best_count = group, current
        if best is None:
            continue
        e.group, e.groups, e.enrolled_on = best, cohorts[best.cohort], day
        e.enrollment_ids = [next(ids) for _ in e.groups]
        best.members.append(e)
        e.care_team.update(best.facilitators)
