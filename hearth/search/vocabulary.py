"""The coded answers of the in-house search: what came of a contact with carers, and why carers
who decline say no (recorded so that the council can see why homes are not offered)."""

OFFERS = "offers"
DECLINES = "declines"
NO_ANSWER = "no_answer"
MESSAGE_LEFT = "message_left"

# What came of ringing (or emailing) a household about a referral.
CONTACT_OUTCOMES = {
    OFFERS: "They offer a home",
    DECLINES: "They decline",
    NO_ANSWER: "No answer",
    MESSAGE_LEFT: "Message left",
}

OTHER = "other"

# Why carers decline. A note is required with "other"; it may be given with any.
DECLINE_REASONS = {
    "no_vacancy": "No vacancy now",
    "cannot_meet_needs": "Cannot meet the children's needs",
    "age_or_approval_range": "Outside their approval: age range or number of children",
    "family_circumstances": "Their own family circumstances",
    "other_children_in_home": "Would not suit the children already living with them",
    "distance": "Too far from the children's school or family",
    OTHER: "Another reason",
}

# In-house offers come first (001): declining one needs a robust reason, not a word or two.
DECLINE_REASON_MIN_LENGTH = 20
