"""The words of South Gloucestershire's placement stability policy (003, appendices 1 and 2): who may
raise a concern, who takes part in a meeting, the sections of each meeting's template and the
learning themes an unplanned ending meeting draws out. Keys are stored; labels are shown."""

# Who raised the concern that a placement may be at risk (003 section 5: "anyone in the team around
# the child"). A carer, school or health contact asks through a worker, who records it for them.
RAISED_BY = [
    ("social_worker", "The child's social worker"),
    ("supervising_social_worker", "The supervising social worker"),
    ("iro", "The Independent Reviewing Officer"),
    ("foster_carer", "The foster carer, through their supervising social worker"),
    ("young_person", "The child or young person"),
    ("school", "The school or the Virtual School"),
    ("health", "A health professional"),
    ("other_professional", "Another professional around the child"),
    ("review", "The review date set at the last stability meeting"),
    ("placement_ended", "The placement ended in an unplanned way"),
]
# Raised by someone who is not a Hearth user: the worker recording it names them.
RAISED_BY_SOMEONE_NAMED = {"foster_carer", "young_person", "school", "health", "other_professional"}

# The parts people take in a meeting (003 appendix 1: "as a minimum, the foster carer, the
# supervising social worker, and the child's social worker will attend").
PARTS = [
    ("social_worker", "The child's social worker"),
    ("supervising_social_worker", "Supervising social worker"),
    ("foster_carer", "Foster carer"),
    ("iro", "Independent Reviewing Officer"),
    ("young_person", "The child or young person"),
    ("parent", "Parent or family member"),
    ("psychologist", "Psychologist"),
    ("school", "School or Virtual School"),
    ("health", "Health"),
    ("other", "Other professional"),
]
REQUIRED_PARTS = ("foster_carer", "supervising_social_worker", "social_worker")

# The stability meeting template (003 appendix 1): eight sections, then the next meeting's date.
STABILITY_SECTIONS = [
    ("overview", "Overview: brief history",
     "The child's family circumstances and care history, with every move they have made"),
    ("worries", "Reason for the meeting: what are we worried about?",
     "What is making things difficult at this time"),
    ("working_well", "What is working well in the placement?",
     "What has been positive and supportive about the child living in this home"),
    ("current_situation", "Current situation: what are the complicating factors?", ""),
    ("child_views", "The child's or young person's views",
     "What is good and what is worrying, in their words. Needed before the meeting can be "
     "closed"),
    ("carer_views", "The foster carers' views", "What is good and what is worrying for them"),
    ("support", "Support in place or required", ""),
    ("plan", "Plan: actions to be taken",
     "The plan to support the child to stay in this home; each action is added below with its "
     "owner and date"),
]  # fmt: skip

# The unplanned ending meeting (003 appendix 2): a learning meeting, not a blame meeting.
UNPLANNED_ENDING_SECTIONS = [
    ("history", "Brief history",
     "Family circumstances, why the child is in care, the homes they have lived in, education"),
    ("well_chosen", "Before the child lived with this family: was the home well chosen?",
     "Carer's experience, gaps in understanding the child's needs, introductions, delegated "
     "authority, placement planning meeting, contact, school and transport"),
    ("progress", "Progress since the child lived with this family",
     "The foster family's and the child's experience, successes and challenges, support given"),
    ("contributing_factors", "Key contributing factors to the child needing to leave",
     "When issues started, whether there was a stability meeting, other agencies' views, the "
     "final straw"),
    ("differently", "What could have been done differently", "At any stage, to avoid the ending"),
    ("carer_feedback", "The foster carer's feedback", "Needed before the meeting can be closed"),
    ("child_feedback", "The child's or young person's feedback",
     "Needed before the meeting can be closed"),
    ("needs_next", "What the child needs now and in the future",
     "The kind of home that will give them the settled experience they need"),
    ("learning", "Learning", "From each person at the meeting; practice issues and repeated themes"),
    ("child_support", "Plan of ongoing support for the child", ""),
    ("carer_support", "Plan of support to the carer", ""),
]  # fmt: skip

REQUIRED_SECTIONS = {
    "stability": ("child_views",),
    "unplanned_ending": ("carer_feedback", "child_feedback"),
}

# Learning themes drawn from an unplanned ending (003 section 2 and 4.3), counted in the monthly
# breakdown report.
LEARNING_THEMES = [
    ("behaviour", "Behaviour the carers felt they lacked the skills or support to manage"),
    ("carer_support", "Support to the carers"),
    ("matching", "The home was not well chosen, or the child's needs were not understood"),
    ("information", "Carers did not have all the information about the child"),
    ("communication", "Communication between the people around the child"),
    ("birth_family_contact", "Contact with the birth family"),
    ("household_children", "Rivalry with the carers' own children or other children placed"),
    ("carer_family_events", "Events in the foster family"),
    ("education", "School or education"),
    ("exploitation_missing", "Exploitation, going missing or offending"),
    ("child_wishes", "The child's wish to move"),
    ("allegation", "An allegation against the carers"),
    ("other", "Other"),
]

# Tasks when a child moves on from a home (003 section 6: saying goodbye properly and positively).
MOVING_ON_TASKS = [
    ("carer_profile", "One-page profile of the child by the previous carer, for the next carer"),
    ("letter_to_child", "Letter to the child from the previous carer"),
]


def labels(pairs):
    return {key: label for key, label, *_ in pairs}


def sections_of(kind):
    return STABILITY_SECTIONS if kind == "stability" else UNPLANNED_ENDING_SECTIONS
