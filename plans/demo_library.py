"""The demo programs' plan libraries: problems, goal wordings (rewritten in the client's own
words when picked), objectives and interventions a clinician picks in the plan editor."""

from patients.models import Program
from plans import services
from plans.library import LibraryEntry

CBT, DBT, MI, PSYCHOED = "cbt", "dbt_skills", "mi", "psychoeducation"
MINDFUL, FAMILY, RELAPSE, MEDS = (
    "mindfulness",
    "family_therapy",
    "relapse_prevention",
    ("medication_management"),
)
PEER, CASE = "peer_support", "case_management"

LIBRARIES = {
    "Adult Mental Health IOP": {
        "problem": [
            "Depressed mood, loss of interest and withdrawal from usual activities",
            "Anxiety and worry that disrupt sleep, work or relationships",
            "Suicidal thoughts without a current plan (safety plan in place)",
            "Difficulty regulating intense emotions; conflict in relationships",
            "Not working or at risk of losing work because of symptoms",
        ],
        "goal": [
            "I want to get back to [an activity the client names] without my mood stopping me",
            "I want to sleep through the night and wake up rested",
            "I want to handle [a stressful situation] without panicking",
            "I want to be back at work / school",
        ],
        "objective": [
            "PHQ-9 total below 10 by the target date",
            "GAD-7 total below 8 by the target date",
            "Schedule and complete one valued activity a day, five days a week (activity log)",
            "Use one coping skill from group when distressed, logged three times a week",
            "Attend at least 90% of scheduled IOP hours each week",
        ],
        "intervention": [
            (CBT, "3 group sessions a week", "Behavioural activation and thought records"),
            (DBT, "2 skills groups a week", "Distress tolerance and emotion regulation skills"),
            (PSYCHOED, "1 group a week", "Depression, anxiety and sleep: what helps"),
            (MINDFUL, "Daily practice, reviewed weekly", "Brief guided practice for worry"),
            (MEDS, "Every 4 weeks", "Medication review with the prescriber"),
            (CASE, "As needed, at least monthly", "Work or benefits liaison"),
        ],
    },
    "Substance Use IOP": {
        "problem": [
            "Alcohol use despite harm to health, work or family",
            "Opioid use; risk of overdose",
            "Cravings and triggers in daily routine",
            "Few sober supports; time spent with people who use",
        ],
        "goal": [
            "I want to stay sober and keep my job",
            "I want my family to trust me again",
            "I want to get through [a trigger the client names] without using",
        ],
        "objective": [
            "Negative drug screens at every weekly test",
            "AUDIT-C below 4 at the next scheduled measure",
            "Name three high-risk situations and a plan for each (relapse-prevention plan)",
            "Attend two mutual-help meetings a week (attendance sheet)",
            "Carry naloxone and know how to use it",
        ],
        "intervention": [
            (RELAPSE, "3 groups a week", "Triggers, cravings and high-risk situations"),
            (MI, "Weekly individual session", "Change talk and the decisional balance"),
            (PEER, "Twice a week", "Recovery coach contact and mutual-help meetings"),
            (MEDS, "Every 2 weeks", "Medication for alcohol or opioid use disorder"),
            (FAMILY, "Every 2 weeks", "Family session on recovery and boundaries"),
        ],
    },
    "Adolescent IOP": {
        "problem": [
            "Low mood and withdrawal from friends and school",
            "School refusal or falling behind",
            "Self-harm urges (safety plan in place)",
            "Conflict at home",
        ],
        "goal": [
            "I want to go to school without feeling sick every morning",
            "I want to fight less with my parents",
            "I want to see my friends again",
        ],
        "objective": [
            "Attend school at least 4 days a week (school attendance record)",
            "PHQ-9 total below 10 by the target date",
            "Use a skill from the safety plan instead of self-harm, logged in the diary card",
            "One family meeting a week without raised voices (parent and teen report)",
        ],
        "intervention": [
            (DBT, "2 skills groups a week", "DBT skills for adolescents, with diary cards"),
            (FAMILY, "Weekly", "Family sessions with the parent or carer"),
            (CBT, "2 groups a week", "Coping with mood and school stress"),
            (CASE, "Every 2 weeks", "School liaison: attendance and return plan"),
        ],
    },
}


def seed_libraries(*, admin, stdout):
    """Each demo program's library, unless it already has one."""
    added = 0
    for program in Program.objects.filter(name__in=LIBRARIES):
        if LibraryEntry.objects.filter(program=program).exists():
            continue
        for kind, entries in LIBRARIES[program.name].items():
            for entry in entries:
                data = {"program": program, "kind": kind}
                if kind == "intervention":
                    modality, frequency, text = entry
                    data.update(modality=modality, frequency=frequency, text=text)
                else:
                    data["text"] = entry
                services.library_entry_save(user=admin, data=data)
                added += 1
    stdout.write(f"  {added} plan library entries")
