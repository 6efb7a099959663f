"""An administrator's screens for the people of their organisation and the roles they hold."""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.password_validation import validate_password
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from hearth.accounts import administration
from hearth.accounts.access import (
    account_wholly_administered,
    administered_organisations,
    deny,
    organisation_for_person,
    teams_of,
    user_for_admin,
    users_for_admin,
)
from hearth.accounts.models import User
from hearth.accounts.roles import AGENCY_ROLES, AUTHORITY_ROLES, Capability, Role
from hearth.web.choosing import choose_organisation, organisation_for
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm

ROLE_CHOICES = [(r.value, r.label) for r in Role]


class UserForm(GovukForm):
    username = forms.CharField(
        max_length=150, help_text="What they type to sign in, e.g. sam.jones"
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(max_length=120, required=False)
    registration_number = forms.CharField(
        label="Social Work England registration number",
        max_length=12,
        required=False,
        help_text="Social workers only: SW and digits, like SW123456 (the SW_ID of the children "
        "looked after return)",
    )
    roles = forms.MultipleChoiceField(choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple)
    team = forms.ModelChoiceField(queryset=None, required=False)
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Give it to them in person.",
    )
    is_active = forms.BooleanField(label="Can sign in", required=False, initial=True)

    ACCOUNT_FIELDS = (
        "first_name", "last_name", "email", "job_title", "registration_number", "password",
        "is_active",
    )  # fmt: skip

    def __init__(self, *args, organisation, user=None, whole_account=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.user = organisation, user
        allowed = AGENCY_ROLES if organisation.is_agency else AUTHORITY_ROLES
        self.fields["roles"].choices = [
            (value, label) for value, label in ROLE_CHOICES if value in allowed
        ]
        self.fields["team"].queryset = teams_of(organisation)
        if user is None:
            del self.fields["is_active"]
        else:
            password = self.fields["password"]
            password.required = False
            password.label = "New password (optional)"
            password.help_text = (
                "Only if they have forgotten theirs: at least 12 characters. "
                "Give it to them in person."
            )
            self.fields["username"].disabled = True
            roles = self.fields["roles"]
            roles.required = False
            roles.help_text = f"Untick every role to take them out of {organisation}"
            if not whole_account:
                # They work for another organisation too: its administrator shares the account.
                for name in self.ACCOUNT_FIELDS:
                    self.fields[name].disabled = True
                self.fields["password"].help_text = (
                    "They also hold roles in another organisation, so only their roles here can be "
                    "changed here"
                )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if self.user is None and administration.username_taken(username):
            raise forms.ValidationError("Someone already has this username")
        return username

    def clean_registration_number(self):
        from hearth.ssda903.recording import registration_problem

        number = self.cleaned_data["registration_number"].strip().upper().replace(" ", "")
        problem = registration_problem(number)
        if problem:
            raise forms.ValidationError(problem)
        return number

    def clean(self):
        data = super().clean()
        if "password" in self.fields and data.get("password"):
            candidate = self.user or User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(data["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


@requires(Capability.ADMINISTER)
@require_GET
def user_index(request):
    users = users_for_admin(request.user).order_by("last_name", "first_name")
    locked = set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).values_list("username", flat=True)
    )
    return render(request, "manage/user_index.html", {"users": users, "locked": locked})


@requires(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def user_add(request):
    administered = administered_organisations(request.user)
    organisation = organisation_for(request, administered)
    if organisation is None:
        return choose_organisation(request, administered, "Add a person")
    form = UserForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        user = administration.user_create(
            by=request.user, request=request, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, f"{user.display_name} can now sign in as {user.username}.")
        return redirect("manage_users")
    return render(request, "manage/user_form.html", {"form": form, "title": "Add a person"})


@requires(Capability.ADMINISTER, record="user")
@require_http_methods(["GET", "POST"])
def user_change(request, pk):
    person = user_for_admin(request.user, pk, request=request)
    organisation = organisation_for_person(request.user, person)
    whole = account_wholly_administered(request.user, person)
    memberships = person.memberships.filter(organisation=organisation)
    initial = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "registration_number": person.registration_number,
        "is_active": person.is_active,
        "roles": [m.role for m in memberships],
        "team": next((m.team for m in memberships if m.team), None),
    }
    form = UserForm(
        request.POST or None, organisation=organisation, user=person, initial=initial,
        whole_account=whole,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid() and not whole:
        administration.user_roles_update(
            by=request.user, request=request, user=person, organisation=organisation,
            roles=form.cleaned_data["roles"], team=form.cleaned_data["team"],
        )  # fmt: skip
        messages.success(request, f"{person.display_name}'s roles here were saved.")
        return redirect("manage_users")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("username", "password")}
        administration.user_update(
            by=request.user, request=request, user=person, organisation=organisation, **data
        )
        if form.cleaned_data["password"]:
            administration.user_set_password(
                by=request.user, request=request, user=person, organisation=organisation,
                password=form.cleaned_data["password"],
            )  # fmt: skip
        messages.success(request, f"{person.display_name}'s roles and details were saved.")
        return redirect("manage_users")
    locked = AccessAttempt.objects.filter(
        username=person.username, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()
    context = {
        "form": form,
        "title": f"Change {person.display_name}",
        "person": person,
        "locked": locked and whole,
        "has_second_factor": whole and user_has_device(person),
    }
    return render(request, "manage/user_form.html", context)


def _whole_account_for_admin(request, pk):
    """A person whose whole account the user administers; anyone else answers 404, audited."""
    person = user_for_admin(request.user, pk, request=request)
    if not account_wholly_administered(request.user, person):
        deny(request.user, record_type="user", record_id=pk, request=request)
    return person


@requires(Capability.ADMINISTER, record="user")
@require_POST
def user_unlock(request, pk):
    person = _whole_account_for_admin(request, pk)
    administration.user_unlock(
        by=request.user,
        request=request,
        user=person,
        organisation=organisation_for_person(request.user, person),
    )
    messages.success(request, f"{person.display_name} can sign in again.")
    return redirect("manage_user", pk=person.pk)


@requires(Capability.ADMINISTER, record="user")
@require_POST
def user_reset_second_factor(request, pk):
    person = _whole_account_for_admin(request, pk)
    administration.user_reset_second_factor(
        by=request.user,
        request=request,
        user=person,
        organisation=organisation_for_person(request.user, person),
    )
    messages.success(
        request,
        f"{person.display_name} will set up a new authenticator app when they next sign in.",
    )
    return redirect("manage_user", pk=person.pk)
