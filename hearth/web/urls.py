from django.urls import path, re_path

from hearth.web.views import accounts, children, health, home, households, manage, providers

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", accounts.sign_in, name="login"),
    path("accounts/logout/", accounts.sign_out, name="logout"),
    path("accounts/two-factor/", accounts.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", accounts.two_factor_setup, name="two_factor_setup"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("children/", children.child_index, name="children"),
    path("children/new/", children.child_add, name="child_add"),
    path("children/<int:pk>/", children.child_record, name="child"),
    path("children/<int:pk>/change/", children.child_change, name="child_change"),
    path("households/", households.household_index, name="households"),
    path("households/new/", households.household_add, name="household_add"),
    path("households/<int:pk>/", households.household_record, name="household"),
    path("households/<int:pk>/change/", households.household_change, name="household_change"),
    path("providers/", providers.provider_index, name="providers"),
    path("providers/<int:pk>/", providers.provider_record, name="provider"),
    path("manage/", manage.manage, name="manage"),
    path("manage/people/", manage.user_index, name="manage_users"),
    path("manage/people/new/", manage.user_add, name="manage_user_add"),
    path("manage/people/<int:pk>/", manage.user_change, name="manage_user"),
    path("manage/people/<int:pk>/unlock/", manage.user_unlock, name="manage_user_unlock"),
    path(
        "manage/people/<int:pk>/reset-second-factor/",
        manage.user_reset_second_factor,
        name="manage_user_reset_second_factor",
    ),
    path("manage/teams/", manage.team_index, name="manage_teams"),
    path("manage/teams/new/", manage.team_add, name="manage_team_add"),
    path("manage/teams/<int:pk>/", manage.team_change, name="manage_team"),
    path("manage/policy/", manage.policy_change, name="manage_policy"),
    path("manage/policy/history/", manage.policy_history, name="manage_policy_history"),
    re_path(
        r"^manage/access-log/(?P<record_type>child|household)/(?P<pk>[0-9]+)/$",
        manage.record_access_log,
        name="access_log",
    ),
]
