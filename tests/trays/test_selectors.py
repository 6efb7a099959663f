"""Work trays: each person's and each team's open items, never another council's."""

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.trays.selectors import team_tray_for_user
from hearth.trays.services import item_open
from tests.factories import TeamFactory, member


def test_a_team_tray_holds_only_its_own_councils_items(wigan, trafford, team_manager):
    team = TeamFactory(organisation=wigan, name="North", manager=team_manager)
    shared = member(wigan, Role.SOCIAL_WORKER, username="shared.worker")
    Membership.objects.filter(user=shared).update(team=team)
    Membership.objects.create(user=shared, organisation=trafford, role=Role.IRO)
    item_open(organisation=wigan, kind="referral_draft", title="Wigan work", user=shared)
    item_open(organisation=trafford, kind="referral_comments", title="Trafford work", user=shared)
    item_open(organisation=wigan, kind="referral_review", title="The team's", team=team)
    titles = sorted(item.title for item in team_tray_for_user(team_manager))
    assert titles == ["The team's", "Wigan work"]
