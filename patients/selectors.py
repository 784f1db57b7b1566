"""Reads of patient data that more than one page or endpoint needs: one home each."""

from dataclasses import dataclass
from types import GeneratorType

from django.contrib.auth import get_user_model
from django.db.models import F, Q, Value

from iop.accounts.models import display_name
from iop.ids import in_ids
from iop.shapes import shape
from iop.together import gather, no_read, rows_of, run, run_together
from patients import extensions
from patients.access import Access
from patients.links import patient_url
from patients.models import (
    Alert,
    Episode,
    MeasureAnswer,
    MeasureResponse,
    Program,
    RiskAssessment,
)
from patients.models.risk import SAFETY_PLAN_LEVELS
from patients.part2 import is_part2_protected


@dataclass(frozen=True)
class CurrentRisk:
    """The patient's risk level and where it comes from (a C-SSRS or a clinician)."""

    level: str
    source: str
    at: object

    @property
    def requires_safety_plan(self):
        return self.level in SAFETY_PLAN_LEVELS


def current_risk(patient):
    """The latest C-SSRS screener or clinician risk assessment, whichever is newer; None when
    neither exists. A PHQ-9 item 9 screen never sets it (CLINICAL.md). One query."""
    return current_risks([patient.pk]).get(patient.pk)


def current_risks(patient_ids):
    """{patient id: CurrentRisk} for the given patients (`current_risk`, batched): patients
    with neither a C-SSRS nor an assessment are left out. One query, however many patients,
    their ids one array parameter (`in_ids`)."""
    return run(read_current_risks(patient_ids))


def read_current_risks(patient_ids):
    """`current_risks` as a reader (`iop.together`)."""
    (rows,) = yield (_risks_of(sorted(patient_ids)),)
    return _newest_risks(rows)


@shape
def _risks_of(patient_ids):
    """`_risk_union` of these patients (a shape: Today's risk alerts read it)."""
    return _risk_union(in_ids("patient_id", patient_ids))


def _risk_union(ids, *more):
    """The C-SSRS screeners and clinician risk assessments of the patients `ids` selects, as
    (source, patient id, level, at, pk) rows of one UNION, with `more` such rows after them."""
    screeners = (
        MeasureResponse.objects.filter(ids, instrument="CSSRS")
        .order_by()  # no order inside a UNION (SQLite refuses one)
        .annotate(source=Value("C-SSRS"))
        .values_list("source", "patient_id", "severity", "administered_at", "pk")
    )
    assessments = (
        RiskAssessment.objects.filter(ids)
        .order_by()
        .annotate(source=Value("clinician assessment"))
        .values_list("source", "patient_id", "level", "signed_at", "pk")
    )
    return screeners.union(assessments, *more, all=True)


def _newest_risks(rows):
    """{patient id: CurrentRisk} from `_risk_union`'s rows of the two sources."""
    latest = {}  # (source, patient id) -> (at, pk, level): each source's newest
    for source, patient_id, level, at, pk in rows:
        key = (source, patient_id)
        if key not in latest or (at, pk) > latest[key][:2]:
            latest[key] = (at, pk, level)
    found = {}
    # The C-SSRS first: a clinician assessment replaces it only when strictly newer.
    for source in ("C-SSRS", "clinician assessment"):
        for (kind, patient_id), (at, _, level) in latest.items():
            if kind == source and (patient_id not in found or at > found[patient_id].at):
                found[patient_id] = CurrentRisk(level, source, at)
    return found


_OPEN_ALERT = "open risk alert"


def _risk_and_open_alerts(patient):
    """(the patient's current risk, their open risk alerts, first shown first): one query
    when no risk alert is open (most charts), the alerts' own rows read after when some are.
    The alerts' ids ride in the risk's UNION as rows of a third source (`_risk_rows`)."""
    return run(_read_risk_and_open_alerts(patient))


def _read_risk_and_open_alerts(patient):
    """`_risk_and_open_alerts` as a reader (`iop.together`)."""
    (rows,) = yield (_risk_rows(patient.pk),)
    ids = [row[4] for row in rows if row[0] == _OPEN_ALERT]
    risk = _newest_risks(row for row in rows if row[0] != _OPEN_ALERT).get(patient.pk)
    if not ids:
        return risk, []
    open_alerts = _open_risk_alerts(patient.pk).filter(pk__in=ids)
    (alerts,) = yield (open_alerts.order_by("-priority", "-raised_at"),)
    return risk, alerts


def _open_risk_alerts(patient_id):
    return Alert.objects.filter(patient=patient_id, kind=Alert.Kind.RISK, status=Alert.Status.OPEN)


@shape
def _risk_rows(patient_id):
    """`_risk_union` of one patient with their open risk alerts' ids as rows of a third
    source: a shape (every chart page's header reads it)."""
    alert_ids = (
        _open_risk_alerts(patient_id)
        .order_by()
        .annotate(source=Value(_OPEN_ALERT))
        .values_list("source", "patient_id", "risk_level", "raised_at", "pk")
    )
    return _risk_union(Q(patient_id=patient_id), alert_ids)


@shape
def _header_episodes(patient_id):
    """The patient's episodes, newest referral first, with their program, primary clinician
    and the intake's diagnoses and confirmation (a shape: every chart page reads them)."""
    return (
        Episode.objects.filter(patient=patient_id)
        .select_related("program", "primary_clinician")
        .annotate(
            intake_diagnoses=F("intake__diagnoses"), intake_confirmed_at=F("intake__confirmed_at")
        )
        .order_by("-referral_date", "-pk")
    )


def chart_header(patient):
    """What the chart header shows: current episode, risk and Part 2 badges. Fixed queries,
    in two round trips on PostgreSQL (`read_chart_header`)."""
    return run_together(read_chart_header(patient))[0]


def read_chart_header(patient):
    """`chart_header` as a reader (`iop.together`): the episodes with the risk, then the other
    apps' facts (`extensions.header_facts`), each turn's reads together (a third turn, for the
    rows of the open risk alerts, when some are open)."""
    # Of each episode's intake, the two columns the header shows (its diagnoses, whether a
    # clinician confirmed them), not the ~35 of the whole assessment (its long texts).
    # Every open risk alert (a few at most), read once: the header shows the first, and
    # whether a safety plan is needed (plans' header fact) weighs them all.
    episodes, (risk, patient.open_risk_alerts) = yield from gather(
        rows_of(_header_episodes(patient.pk)), _read_risk_and_open_alerts(patient)
    )
    for episode in episodes:
        episode.patient = patient  # as `patient.episodes` sets it
    current = next((e for e in episodes if e.is_open), episodes[0] if episodes else None)
    open_risk_alert = patient.open_risk_alerts[0] if patient.open_risk_alerts else None
    patient.open_risk_alert = open_risk_alert
    patient.current_risk = risk
    # What the reader would not see is not asked for (an intake coordinator's chart shows no
    # clinical fact). A patient not opened through `patients.access` counts as clinical.
    clinical = getattr(patient, "access", Access.CLINICAL) == Access.CLINICAL
    providers = [
        provider
        for provider in extensions.header_facts
        if clinical or not getattr(provider, "clinical_only", False)
    ]
    found = yield from gather(*(_facts_reader(p(patient, current)) for p in providers))
    facts = [fact for provided in found for fact in provided]
    return {
        "episode": current,
        "episodes": episodes,
        # The current episode's diagnoses (the intake's), and whether a clinician confirmed them.
        "diagnoses": (current.intake_diagnoses if current else None) or [],
        "diagnoses_confirmed": current is not None and current.intake_confirmed_at is not None,
        "open_risk_alert": open_risk_alert,
        "current_risk": risk,
        "is_part2": is_part2_protected(patient, episodes=episodes),
        "header_facts": facts,
        "extra_tabs": [
            {
                "slug": t.slug,
                "label": t.label,
                "url": patient_url(t.url_name, patient.pk),
                "clinical_only": t.clinical_only,
                "billing": t.billing,
            }
            for t in extensions.chart_tabs
        ],
    }


def _facts_reader(provided):
    """A header facts provider's answer as a reader: its reader, or its facts (a plain
    provider's list) as a reader that reads nothing."""
    return provided if isinstance(provided, GeneratorType) else no_read(provided)


def caseload_page(episodes):
    """A page of the caseload made ready to show: the other apps' columns (each episode's
    `extra_values`) and the flags they raise (each episode's `flags`: no plan, no safety plan
    when the risk calls for one, review due, hours short), for the whole page at once, in a
    fixed number of queries whatever its size. Answers the columns."""
    episodes = list(episodes)
    columns = [provider(episodes) for provider in extensions.caseload_columns]
    for episode in episodes:
        episode.extra_values = [column.for_episode(episode) for column in columns]
        episode.flags = [flag for column in columns for flag in column.flags.get(episode.pk, ())]
    return columns


def supervisors_of_patient(patient):
    """Who answers for a patient as supervisor (e.g. whom an alert about them goes to): the
    active supervisors of the programs of the patient's episodes (the open one's first, else
    every episode's), and when none is listed, the active clinical directors."""
    from django.contrib.auth import get_user_model

    from iop.accounts.roles import Role

    User = get_user_model()
    supervisors = User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
    open_episodes = patient.episodes.open()
    episodes = open_episodes if open_episodes.exists() else patient.episodes.all()
    listed = supervisors.filter(supervised_programs__episodes__in=episodes).distinct()
    if listed.exists():
        return listed
    return User.objects.filter(is_active=True, groups__name=Role.DIRECTOR).distinct()


def emergency_patient_by_mrn(mrn):
    """The patient with exactly this MRN, for the break-the-glass form only, or None.

    The one read of a patient outside `Patient.objects.for_user`: emergency access is how a
    clinician reaches a chart the rule closes. Nothing of the patient is shown before the
    grant exists (the form asks for the MRN the clinician already has, and says only whether
    it names a patient), and every attempt is on the audit trail.
    """
    from patients.models import Patient

    mrn = (mrn or "").strip()
    if not mrn:
        return None
    return Patient.objects.filter(mrn__iexact=mrn).first()


def attach_answer_values(measures):
    """Each measure's stored item answers, in item order, in `measure["answer_values"]`, for
    a page of measures read as values (the API's list): one query of plain values for the
    page, not an answer row per item (ten or more per measure)."""
    measures = list(measures)
    by_measure = {measure["id"]: [] for measure in measures}
    rows = (
        MeasureAnswer.objects.filter(response_id__in=list(by_measure))
        .order_by("response_id", "position")
        .values_list("response_id", "value")
    )
    for measure_id, value in rows:
        by_measure[measure_id].append(value)
    for measure in measures:
        measure["answer_values"] = by_measure[measure["id"]]
    return measures


def attach_care_team_refs(episodes):
    """Each episode's care team as the API shows it (`UserRefSerializer`: id and
    `User.display_name`, in the users' order) in `episode["care_team_refs"]`, for a page of
    episodes read as values (the API's list): one query of plain values for all of them (the
    page's ids one parameter, `in_ids`), no user rows or related managers built per episode."""
    episodes = list(episodes)
    if not episodes:  # no care team to read (no query)
        return episodes
    through = Episode.care_team.through
    links = through.objects.filter(in_ids("episode_id", [e["id"] for e in episodes]))
    refs = user_refs_by(links, "episode_id")
    for episode in episodes:
        episode["care_team_refs"] = refs.get(episode["id"], [])
    return episodes


@shape
def program_names(ids):
    """Programs by id, their names only: what a list shows of a row's program, read by id
    (`iop.together.read_related`)."""
    return Program.objects.filter(in_ids("pk", ids)).only("name")


def user_refs_by(links, key):
    """{`key`'s value: its users as `UserRefSerializer` gives them (id and
    `User.display_name`), in the users' order} for `links`, a QuerySet of a many-to-many's
    rows to users (a `user` foreign key): one query of plain values, no user row built."""
    rows = links.order_by(*(f"user__{name}" for name in get_user_model()._meta.ordering))
    columns = ("user__username", "user__first_name", "user__last_name", "user__credentials")
    refs = {}
    for owner, user_id, *names in rows.values_list(key, "user_id", *columns):
        refs.setdefault(owner, []).append({"id": user_id, "display_name": display_name(*names)})
    return refs
