"""The fostering service's own words (DOMAIN.md "Foster carers", seeds 002 and 004): where enquiries
come from, how they are answered, why they do not go on, the statutory checks, the panel's business,
visits, holds and the reasons carers leave. Each is (key, label) pairs; `docs/fostering.md` repeats
them for readers.
"""

ENQUIRY_SOURCES = [
    ("web", "Website or online form"),
    ("phone", "Phone call"),
    ("regional_hub", "Regional recruitment hub"),
    ("word_of_mouth", "Word of mouth from one of our carers"),
    ("event", "Recruitment event"),
    ("campaign", "Campaign or advert"),
]

# How an enquiry was answered (004: info pack, call, voicemail, text, email with webinar invitation).
CONTACT_METHODS = [
    ("info_pack", "Information pack sent"),
    ("call", "Phone call"),
    ("voicemail", "Voicemail left"),
    ("text", "Text message"),
    ("email_webinar", "Email with an invitation to the information webinar"),
]

# Why an enquiry or an application does not go on (004).
NOT_PROGRESSED_REASONS = [
    ("no_spare_room", "No spare bedroom"),
    ("not_ready", "Not ready yet: contact again later"),
    ("changed_mind", "Changed their mind"),
    ("work_commitments", "Work or family commitments"),
    ("health", "Health"),
    ("finances", "Finances or allowances"),
    ("chose_agency", "Chose an agency or another council"),
    ("no_reply", "No reply after several attempts"),
    ("not_suitable", "Not suitable at this time"),
    ("other", "Another reason"),
]

# The statutory checks an applicant consents to (002).
CHECKS = [
    ("dbs", "DBS enhanced check"),
    ("medical", "Medical (GP report)"),
    ("local_authority", "Local authority checks"),
    ("references", "Personal references"),
    ("ex_partners", "Ex-partners"),
    ("employers", "Employers"),
]

CHECK_OUTCOMES = [("clear", "Clear"), ("concern", "Concern to discuss")]

# Why an assessment ends without approval.
ASSESSMENT_END_REASONS = [
    ("withdrew", "The applicants withdrew"),
    ("refused", "Refused: not recommended for approval"),
    ("counselled_out", "Counselled out by the assessor"),
    ("checks", "A statutory check was not clear"),
    ("circumstances", "A change in their circumstances"),
    ("other", "Another reason"),
]

PANEL_BUSINESS = [
    ("assessment", "Assessment for approval"),
    ("first_review", "First annual review"),
    ("review", "Annual review"),
    ("deregistration", "Deregistration"),
    ("extension", "Regulation 25 extension"),
    ("change_of_terms", "Change of approval terms"),
]

RECOMMENDATIONS = [
    ("approve", "Recommends approval"),
    ("not_approve", "Does not recommend approval"),
    ("defer", "Deferred: more information needed"),
]

DECISIONS = [
    ("approve", "Agrees"),
    ("not_approve", "Does not agree"),
]

TRAINING_COURSES = [
    ("skills_to_foster", "Skills to Foster (preparation)"),
    ("safeguarding", "Safeguarding"),
    ("first_aid", "Paediatric first aid"),
    ("trauma_informed", "Trauma-informed care"),
    ("tsd_standards", "Training, Support and Development Standards"),
    ("other", "Another course"),
]

VISIT_KINDS = [
    ("supervisory", "Supervisory visit"),
    ("unannounced", "Unannounced visit"),
]

ALLEGATION_OUTCOMES = [
    ("substantiated", "Substantiated"),
    ("unsubstantiated", "Unsubstantiated"),
    ("unfounded", "Unfounded"),
    ("false", "False"),
    ("malicious", "Malicious"),
]

EXIT_KINDS = [
    ("resignation", "Resigned"),
    ("deregistration", "Deregistered"),
]

EXIT_REASONS = [
    ("retirement", "Retirement"),
    ("health", "Health"),
    ("family_circumstances", "Family circumstances"),
    ("moved_to_agency", "Moved to an agency"),
    ("moved_away", "Moved away"),
    ("special_guardianship", "Child stayed under a special guardianship or adoption order"),
    ("kinship_ended", "Kinship approval for the named child no longer needed"),
    ("dissatisfied", "Unhappy with the support or allowances"),
    ("standards_of_care", "Standards of care"),
    ("allegation", "After an allegation"),
    ("other", "Another reason"),
]

RAG = [
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("complete", "Complete"),
]
