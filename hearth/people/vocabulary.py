"""The controlled vocabularies for children's and households' records.

Needs, risks and skills are tags: a child's need is met when a household lists the same tag among
its skills (CONTRACT.md section 3). `docs/vocabulary.md` is the readable copy of this module; a test
keeps the two in step. Ethnicity and legal status codes are the DfE's SSDA903 codes.
"""

NEEDS = {
    "trauma_attachment": "Trauma and attachment: therapeutic parenting, predictable routines",
    "challenging_behaviour": "Behaviour that challenges: de-escalation, consistent boundaries",
    "learning_disability": "Learning disability",
    "autism": "Autism spectrum: sensory needs, structured routines",
    "physical_disability": "Physical disability: adapted home, moving and handling",
    "complex_health": "Complex health needs: medication, clinical care at home",
    "mental_health": "Emotional and mental health: CAMHS involvement",
    "substance_misuse": "Drug or alcohol use by the child",
    "self_harm": "Self-harm: safety planning",
    "cse_risk": "Child sexual exploitation: a carer trained in exploitation",
    "cce_risk": "Child criminal exploitation, county lines",
    "missing_episodes": "Goes missing: a carer who follows the missing-from-care protocol",
    "education_support": "Out of school or needs strong education advocacy",
    "sen_ehcp": "Special educational needs with an EHCP",
    "baby_care": "Baby care, including night care",
    "parent_and_child": "Parent and child assessment",
    "unaccompanied_asylum": "Unaccompanied asylum-seeking child: immigration, culture, language",
    "faith_observance": "Needs support to practise their faith",
    "contact_supervision": "Family time needing supervision or transport",
    "remand": "Remanded to local authority accommodation",
    "sexualised_behaviour": "Harmful sexual behaviour: a safe care plan",
    "eating_disorder": "Eating disorder",
}

# Risks describe what a placement must manage; some constrain who else can live there.
RISKS = {
    "risk_to_younger_children": "Risk to younger children in the home",
    "risk_to_other_children": "Risk to other children in the home",
    "risk_to_adults": "Risk of harm to adults",
    "fire_setting": "Fire setting",
    "absconding": "Absconding",
    "exploitation": "Being exploited (sexual or criminal)",
    "gang_affiliation": "Gang affiliation",
    "self_harm": "Self-harm",
    "sexualised_behaviour": "Harmful sexual behaviour",
    "substance_misuse": "Drug or alcohol use",
    "online_safety": "Online safety",
    "allergy": "Serious allergy",
    "animals": "Cannot live with pets",
}

# Carers' skills and training use the needs' tags, so that a need is met by the same tag.
SKILLS = dict(NEEDS)

PLACEMENT_TYPES = {
    "emergency": "Emergency (same day)",
    "short_term": "Short-term",
    "long_term": "Long-term",
    "parent_and_child": "Parent and child",
    "short_break": "Short breaks",
    "support_care": "Support care",
    "remand": "Remand",
}

# SSDA903 ETHNIC codes.
ETHNICITIES = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# SSDA903 LS (legal status) codes.
LEGAL_STATUSES = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to CYPA 1969 supervision order with residence requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, single placements",
    "V4": "Accommodated under an agreed series of short-term breaks, multiple placements",
}

SEXES = {"M": "Male", "F": "Female"}

RELIGIONS = {
    "none": "No religion",
    "christian": "Christian",
    "catholic": "Roman Catholic",
    "muslim": "Muslim",
    "hindu": "Hindu",
    "sikh": "Sikh",
    "jewish": "Jewish",
    "buddhist": "Buddhist",
    "other": "Other religion",
    "not_known": "Not known",
}

LANGUAGES = {
    "english": "English",
    "polish": "Polish",
    "urdu": "Urdu",
    "punjabi": "Punjabi",
    "bengali": "Bengali",
    "arabic": "Arabic",
    "kurdish": "Kurdish",
    "pashto": "Pashto",
    "dari": "Dari",
    "tigrinya": "Tigrinya",
    "romanian": "Romanian",
    "albanian": "Albanian",
    "somali": "Somali",
    "farsi": "Farsi",
    "vietnamese": "Vietnamese",
    "bsl": "British Sign Language",
    "other": "Other language",
}


def unknown(values, vocabulary):
    """The values that are not in the vocabulary, in the order given."""
    return [v for v in values if v not in vocabulary]
