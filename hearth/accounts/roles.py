"""The roles people hold in Hearth (DESIGN.md) and what each may do.

A role is held within one organisation: a council's roles within a council, `agency_user` within an
agency. What a role may see is a set of capabilities; the access functions ask for a capability and
answer 404 when the user's roles in the record's organisation do not grant it.
"""

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_LEAD = "service_lead", "Service lead or service manager"
    IRO = "iro", "Independent Reviewing Officer"
    VIRTUAL_SCHOOL = "virtual_school", "Virtual School officer"
    PLACEMENTS_OFFICER = "placements_officer", "Placements officer"
    FOSTERING_DUTY_WORKER = "fostering_duty_worker", "Fostering duty worker"
    SUPERVISING_SOCIAL_WORKER = "supervising_social_worker", "Supervising social worker"
    FOSTERING_TEAM_MANAGER = "fostering_team_manager", "Fostering team manager"
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    ASSISTANT_DIRECTOR = "assistant_director", "Assistant director"
    DIRECTOR = "director", "Director of Children's Services"
    AGENCY_DECISION_MAKER = "agency_decision_maker", "Agency decision maker"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    AGENCY_USER = "agency_user", "Agency (IFA) user"
    REGION_ANALYST = "region_analyst", "Region analyst"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


# An agency has its own staff and, to manage them, its own system administrator.
AGENCY_ROLES = frozenset({Role.AGENCY_USER, Role.SYSTEM_ADMINISTRATOR})
AUTHORITY_ROLES = frozenset(Role) - {Role.AGENCY_USER}


class Capability(models.TextChoices):
    VIEW_CHILDREN = "view_children"
    EDIT_CHILDREN = "edit_children"
    VIEW_HOUSEHOLDS = "view_households"
    EDIT_HOUSEHOLDS = "edit_households"
    VIEW_PROVIDERS = "view_providers"
    EDIT_PROVIDERS = "edit_providers"
    ADMINISTER = "administer"
    VIEW_AUDIT = "view_audit"


_CHILD_READERS = {
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.SERVICE_LEAD,
    Role.IRO,
    Role.VIRTUAL_SCHOOL,
    Role.PLACEMENTS_OFFICER,
    Role.FOSTERING_DUTY_WORKER,
    Role.SUPERVISING_SOCIAL_WORKER,
    Role.FOSTERING_TEAM_MANAGER,
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.ASSISTANT_DIRECTOR,
    Role.DIRECTOR,
    Role.AGENCY_DECISION_MAKER,
    Role.FINANCE_OFFICER,
}
_CHILD_EDITORS = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_LEAD, Role.PLACEMENTS_OFFICER}
_HOUSEHOLD_READERS = _CHILD_READERS - {Role.VIRTUAL_SCHOOL} | {Role.AGENCY_USER}
_HOUSEHOLD_EDITORS = {
    Role.FOSTERING_DUTY_WORKER,
    Role.SUPERVISING_SOCIAL_WORKER,
    Role.FOSTERING_TEAM_MANAGER,
    Role.PLACEMENTS_OFFICER,
    Role.AGENCY_USER,
}
_PROVIDER_READERS = _CHILD_READERS | {
    Role.AGENCY_USER,
    Role.REGION_ANALYST,
    Role.SYSTEM_ADMINISTRATOR,
}
_PROVIDER_EDITORS = {Role.PLACEMENTS_OFFICER, Role.SYSTEM_ADMINISTRATOR, Role.AGENCY_USER}

CAPABILITIES = {
    Capability.VIEW_CHILDREN: _CHILD_READERS,
    Capability.EDIT_CHILDREN: _CHILD_EDITORS,
    Capability.VIEW_HOUSEHOLDS: _HOUSEHOLD_READERS,
    Capability.EDIT_HOUSEHOLDS: _HOUSEHOLD_EDITORS,
    Capability.VIEW_PROVIDERS: _PROVIDER_READERS,
    Capability.EDIT_PROVIDERS: _PROVIDER_EDITORS,
    Capability.ADMINISTER: {Role.SYSTEM_ADMINISTRATOR},
    Capability.VIEW_AUDIT: {Role.SYSTEM_ADMINISTRATOR},
}


def roles_granting(capability):
    return CAPABILITIES[capability]


def grants(roles, capability):
    return bool(set(roles) & CAPABILITIES[capability])
