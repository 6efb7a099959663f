"""The SSDA903 return's code lists, in one place, with plain-English labels where a screen shows
them: the import checks a return against them, the recording pages offer them, Hearth's own checks
(`hearth.ssda903.checks`) and the stability indicators read them.

The codes are the DfE's (the children looked after return's guidance, and its validator
`csc-validator-be-903`, `lac_validator`, whose rule gives each list; the rule numbers are noted).
The codes of a placement episode (PLACE, PLACE_PROVIDER, LS, RNE, REC, REASON_PLACE_CHANGE) belong
to placements and are kept in `hearth.placements.codes` (and LS in `hearth.people.vocabulary`):
they are re-exported here, never copied.
"""

from hearth.people import vocabulary as people_vocabulary
from hearth.placements import codes as placement_codes

# A placement episode (hearth.placements.codes) ------------------------------------------------------

PLACE = placement_codes.PLACE  # rule 146 (2025-26)
PLACE_RETIRED = placement_codes.PLACE_RETIRED  # codes of returns before 2025-26
PLACE_KNOWN = placement_codes.PLACE_KNOWN
PLACE_PROVIDER = placement_codes.PLACE_PROVIDER  # rule 178
LEGAL_STATUS = people_vocabulary.LEGAL_STATUSES  # rule 144
RNE = placement_codes.RNE  # rule 143
REC = placement_codes.REC  # rule 149
REASON_PLACE_CHANGE = placement_codes.REASON_PLACE_CHANGE  # rule 1009
CHANGE_OF_EPISODE = placement_codes.CHANGE_OF_EPISODE  # REC X1

# 2025-26 replaced H5 (semi-independent) with K3 (supported accommodation), dropped P2 and split Z1
# into Z11 to Z14 (rule 146 of lac2025_26).
PLACE_ADDED_2025 = ("K3", "Z11", "Z12", "Z13", "Z14")
PLACES_FROM_2025 = tuple(PLACE)
PLACES_BEFORE_2025 = (
    *(code for code in PLACE if code not in PLACE_ADDED_2025),
    *PLACE_RETIRED,
)


def places(year):
    """The PLACE codes of the collection year starting 1 April `year`."""
    return PLACES_FROM_2025 if year >= 2025 else PLACES_BEFORE_2025


TEMPORARY_PLACES = ("T0", "T1", "T2", "T3", "T4")
OTHER_PLACES = ("Z11", "Z12", "Z13", "Z14")
ADOPTION_PLACES = ("A3", "A4", "A5", "A6")
# Temporary moves and "other" placements have no placement provider (rule 178, 213, 526).
NO_PROVIDER_PLACES = placement_codes.NO_PROVIDER_PLACES
# Placements that have no Ofsted URN (rules 218 and 222).
NO_URN_PLACES = ("P1", "P3", "R1", "R2", "R5", *NO_PROVIDER_PLACES)
# The DfE's URN value for "no Ofsted registration": accepted where no URN is wanted (rule 222).
URN_NOT_APPLICABLE = "XXXXXXX"
SHORT_BREAK_STATUSES = placement_codes.SHORT_BREAK_STATUSES  # LS V3, V4
ADOPTED = ("E11", "E12")  # REC: the child was adopted
STARTED_TO_BE_LOOKED_AFTER = "S"  # RNE
CONTINUATION = ("P", "L", "T", "U", "B")  # RNE of an episode following an X1 ending
LEGAL_STATUS_ONLY = "L"  # RNE
NEW_CARERS = ("P", "B")  # RNE
SAME_CARERS = ("T", "U")  # RNE

# The header and UASC tables -------------------------------------------------------------------------

# SEX: M or F from 2024-25 (1 or 2 before); U (not known) has no Hearth equivalent.
SEXES = {"M": "M", "F": "F", "1": "M", "2": "F"}
ETHNICITY = people_vocabulary.ETHNICITIES
CATEGORY_OF_NEED = {  # CIN, rule 145
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}
# UPN when the child has none: UN1 to UN5 (rules 168 and 444). UN1 is only for a child not yet of
# school age: rule 209 refuses it for a child who was 4 or older on 31 August before the year of
# the return began.
UPN_UNKNOWN = {
    "UN1": "Child not yet of school age and not at school",
    "UN2": "Child has never attended a school in England",
    "UN3": "Child is educated outside England",
    "UN4": "Child newly arrived in the UK and not yet at school",
    "UN5": "UPN being confirmed: the sources hold an error",
}
YES_NO = {"1": "Yes", "0": "No"}
MOTHER = {"1": "Yes, she is a mother", "0": "No"}

# Reviews and missing episodes -----------------------------------------------------------------------

REVIEW_CODE = {  # REVIEW_CODE, rule 167
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Child attends and speaks for themselves",
    "PN2": "Child attends and an advocate speaks for them",
    "PN3": "Child attends and conveys their view without words",
    "PN4": "Child attends but does not convey their view",
    "PN5": "Child does not attend and briefs an advocate to speak for them",
    "PN6": "Child does not attend but conveys their feelings by another means",
    "PN7": "Child does not attend and their views are not conveyed",
}
MISSING = {"M": "Missing", "A": "Away from placement without authorisation"}

# OC2 (health and offending) -------------------------------------------------------------------------

SDQ_SCORES = tuple(str(n) for n in range(41))  # SDQ_SCORE 0 to 40 (rule 180)
SDQ_REASON = {
    "SDQ1": "No form returned: the child was under 4 or over 16 at the latest assessment",
    "SDQ2": "The carers refused to complete and return the questionnaire",
    "SDQ3": "Not possible because of the severity of the child's disability",
    "SDQ4": "Other reason",
    "SDQ5": "The child or young person refused to allow an SDQ to be completed",
}
OC2_ITEMS = {  # the yes/no items (YES_NO)
    "convicted": "CONVICTED: convicted or given a final warning or reprimand in the year",
    "health_check": "HEALTH_CHECK: health surveillance checks up to date (children under 5)",
    "immunisations": "IMMUNISATIONS: immunisations up to date",
    "teeth_check": "TEETH_CHECK: teeth checked by a dentist in the year",
    "health_assessment": "HEALTH_ASSESSMENT: annual health assessment up to date",
    "substance_misuse": "SUBSTANCE_MISUSE: identified as having a substance misuse problem",
    "intervention_received": "INTERVENTION_RECEIVED: received an intervention for it",
    "intervention_offered": "INTERVENTION_OFFERED: offered an intervention and refused it",
}

# OC3 (care leavers) ---------------------------------------------------------------------------------

IN_TOUCH = {  # rule 131
    "YES": "Yes, in touch",
    "NO": "No, not in touch",
    "DIED": "The young person has died",
    "REFU": "The young person refuses contact",
    "NREQ": "Contact is no longer required (not in touch with the council by choice)",
    "RHOM": "Returned home to parents for six months or more",
}
ACTIVITY = {  # ACTIV, rule 132
    "F1": "Full-time in higher education",
    "P1": "Part-time in higher education",
    "F2": "Full-time in education other than higher education",
    "P2": "Part-time in education other than higher education",
    "F4": "Full-time in training or employment",
    "P4": "Part-time in training or employment",
    "F5": "Full-time apprenticeship",
    "P5": "Part-time apprenticeship",
    "G4": "Not in education, training or employment: illness or disability",
    "G5": "Not in education, training or employment: other reasons",
    "G6": "Not in education, training or employment: pregnancy or parenting",
    "0": "Not known: not in touch",
}
_ACCOMMODATION_KINDS = {
    "B": "With parents or relatives",
    "C": "Community home or other form of residential care",
    "D": "Semi-independent, transitional accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, without formal support",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyers and similar supported accommodation",
    "U": "Independent living",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carers",
}
ACCOMMODATION = {  # ACCOM, rule 133: the kind, then 1 suitable or 2 not suitable
    f"{kind}{suitable}": f"{words}: {'suitable' if suitable == '1' else 'not suitable'}"
    for kind, words in _ACCOMMODATION_KINDS.items()
    for suitable in ("1", "2")
    if f"{kind}{suitable}" not in ("S1", "X1")  # homeless and custody are never suitable
}
ACCOMMODATION["0"] = "Not known: not in touch"

# Adoption (AD1, placed for adoption) and previous permanence ------------------------------------------

NUMBER_OF_ADOPTERS = {"1": "One adopter", "2": "Two adopters"}
SEX_OF_ADOPTERS = {
    "M1": "Single male adopter",
    "F1": "Single female adopter",
    "MM": "Couple, both male",
    "FF": "Couple, both female",
    "MF": "Couple, male and female",
}
LEGAL_STATUS_OF_ADOPTERS = {
    "L0": "Married couple, different sex",
    "L11": "Civil partners",
    "L12": "Married couple, same sex",
    "L2": "Single adopter",
    "L3": "Unmarried couple, different sex",
    "L4": "Unmarried couple, same sex",
}
REASON_PLACED_CEASED = {  # rule 120: RD1 to RD4 only
    "RD1": "The child was adopted",
    "RD2": "The child returned home",
    "RD3": "The child's plan changed: the decision to place for adoption was reversed",
    "RD4": "Another reason (for example a special guardianship order)",
}
PREVIOUS_PERMANENCE = {  # PREV_PERM, rule 631
    "P1": "Adoption",
    "P2": "Special guardianship order",
    "P3": "Residence order or child arrangements order",
    "P4": "Adoption or special guardianship order made abroad",
    "Z1": "Not known, or the child had not left care to a permanence order before",
}
# LA_PERM: the DfE's three-digit council codes (rule 633) or outside England.
LA_PERM_OUTSIDE = {"WAL": "Wales", "SCO": "Scotland", "NIR": "Northern Ireland", "NUK": "Not UK"}

# Social worker episodes -------------------------------------------------------------------------------

SW_REASON = {  # rules SW13, SW10b
    "FCONTA": "First contact: the child's first social worker",
    "MANAGE": "Management decision",
    "LEFTRL": "The social worker left the role",
    "ORGRST": "Organisational restructure",
    "TSPROC": "Transfer between teams as part of the usual process",
    "ABSENC": "The social worker is absent (for example long-term sickness)",
    "CHCHAN": "The child asked for a change",
    "PCCHAN": "The parent or carer asked for a change",
    "SWDIED": "The social worker died",
    "OTHERS": "Another reason",
}
