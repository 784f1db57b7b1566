"""The fixed set of analytes a program's panel is chosen from (CLINICAL.md, *Drug screens*), and
which medications make each one expected. Code, not data: a panel names analytes by code."""

ANALYTES = {
    "AMP": "Amphetamines",
    "BAR": "Barbiturates",
    "BZO": "Benzodiazepines",
    "BUP": "Buprenorphine",
    "COC": "Cocaine",
    "FYL": "Fentanyl",
    "MDMA": "MDMA (ecstasy)",
    "MET": "Methamphetamine",
    "MTD": "Methadone",
    "OPI": "Opiates (morphine)",
    "OXY": "Oxycodone",
    "PCP": "Phencyclidine",
    "THC": "Cannabinoids (THC)",
    "ETG": "Alcohol (EtG)",
}
ANALYTE_CHOICES = list(ANALYTES.items())
# The drug class each analyte belongs to for definitive testing (G0480–G0483 count classes, not
# analytes): amphetamine and methamphetamine are one class, "Amphetamines"; MDMA is its own class
# (methylenedioxyamphetamines); EtG is an alcohol biomarker.
DRUG_CLASS = {code: code for code in ANALYTES} | {"MET": "AMP"}
DEFAULT_PANEL = ["AMP", "BZO", "BUP", "COC", "FYL", "MTD", "OPI", "OXY", "THC", "ETG"]

# A medication on the list makes an analyte expected when its name contains one of these words
# (lower case). Naltrexone, acamprosate and disulfiram show on no panel: a patient on them is
# expected negative for everything.
PRESCRIBED_BY = {
    "AMP": ("amphetamine", "adderall", "lisdexamfetamine", "vyvanse"),
    "BAR": ("phenobarbital", "butalbital"),
    "BZO": (
        "alprazolam",
        "chlordiazepoxide",
        "clonazepam",
        "diazepam",
        "lorazepam",
        "oxazepam",
        "temazepam",
    ),
    "BUP": ("buprenorphine", "suboxone", "subutex", "sublocade", "zubsolv", "brixadi"),
    "FYL": ("fentanyl",),
    "MET": ("methamphetamine", "desoxyn"),
    "MTD": ("methadone",),
    "OPI": ("morphine", "codeine"),
    "OXY": ("oxycodone", "oxycontin", "percocet"),
    "THC": ("dronabinol", "marinol"),
}


def analytes_prescribed(medication_names):
    """The analytes the given medication names make expected positive."""
    names = [name.lower() for name in medication_names]
    return {
        code
        for code, words in PRESCRIBED_BY.items()
        if any(word in name for word in words for name in names)
    }


def drug_classes(panel):
    """How many drug classes a panel of analyte codes tests."""
    return len({DRUG_CLASS[code] for code in panel})


def clean_panel(value):
    """A panel as a sorted list of known codes, or ValueError with the reason."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError("Choose at least one analyte.")
    codes = []
    for code in value:
        if not isinstance(code, str) or code not in ANALYTES:
            raise ValueError(f"Unknown analyte: {str(code)[:20]!r}.")
        if code not in codes:
            codes.append(code)
    return sorted(codes, key=list(ANALYTES).index)
