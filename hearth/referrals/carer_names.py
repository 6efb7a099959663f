"""Who reads the name of the emergency carers booked for a referral.

The carers are a household, and a household's record is for those who may see the council's
households: a Virtual School officer sees the children but not the carers. Anyone who may not see
the households reads that an emergency carer is booked, and until when, but not who: on the
referral's page, in its history and chronology, in the placements tracker and in the API.
"""

from hearth.accounts.access import organisation_ids_granting
from hearth.accounts.roles import Capability

UNNAMED = "an emergency carer"
# History details naming the carers' household: the booking's, its end's and the urgent alert's.
HOUSEHOLD_DETAILS = frozenset(
    {"household", "household_name", "emergency_carer_alerted", "passed_over"}
)


def names_carers(user, referral):
    """Whether `user` may read the name and reference of the referral's emergency carers: whether
    they may see households in the referral's council (`can(user, VIEW_HOUSEHOLDS, authority)`,
    without fetching the council, so a list of referrals costs no query for it)."""
    return referral.authority_id in organisation_ids_granting(user, Capability.VIEW_HOUSEHOLDS)


def carer_name(referral, *, named):
    """The booked carers' household by name, or 'an emergency carer' when `named` is False."""
    return referral.emergency_household.name if named else UNNAMED


def detail_shown(detail, *, named):
    """A history row's detail as the reader may see it: without the household when not `named`."""
    if named:
        return detail
    return {key: value for key, value in detail.items() if key not in HOUSEHOLD_DETAILS}
