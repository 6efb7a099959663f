"""A council's timescales, thresholds and approvers, and the history of their changes."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    policy_for_user,
)
from hearth.accounts.roles import AUTHORITY_ROLES, Capability, Role
from hearth.core import services as policy_services
from hearth.core.rules import APPROVERS, CONTACTS, SWITCHES, THRESHOLDS, TIMESCALES, Unit
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm


class PolicyForm(GovukForm):
    """One field per timescale amount and unit, threshold, approver, switch and contact."""

    reason = forms.CharField(
        label="Why are you changing the policy?",
        max_length=500,
        help_text="Kept in the policy's history",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        role_choices = [(r.value, r.label) for r in Role if r in AUTHORITY_ROLES]
        for rule in TIMESCALES:
            amount, unit = policy.timescale(rule.name)
            self.fields[f"t_{rule.name}_amount"] = forms.IntegerField(
                label=f"{rule.label}: how many",
                min_value=0 if rule.amount == 0 else 1,
                max_value=1000,
                initial=amount,
                help_text=f"Source: seed {rule.source}. Default {rule.describe()}.",
            )
            self.fields[f"t_{rule.name}_unit"] = forms.ChoiceField(
                label=f"{rule.label}: counted in", choices=Unit.choices, initial=unit
            )
        for threshold in THRESHOLDS:
            self.fields[f"h_{threshold.name}"] = forms.IntegerField(
                label=threshold.label,
                min_value=0,
                max_value=100,
                initial=policy.threshold(threshold.name),
            )
        for approver in APPROVERS:
            self.fields[f"a_{approver.name}"] = forms.ChoiceField(
                label=approver.label, choices=role_choices, initial=policy.approver(approver.name)
            )
        tiers = policy.cost_tiers
        self.fields["cost_lower_limit"] = forms.IntegerField(
            label="Weekly cost at which a head of service's approval is needed, £",
            min_value=1,
            initial=tiers[0]["below"],
        )
        self.fields["cost_upper_limit"] = forms.IntegerField(
            label="Weekly cost at which the director's approval is needed, £",
            min_value=1,
            initial=tiers[1]["below"],
        )
        for index, label in enumerate(
            (
                "Approves costs below the first limit",
                "Approves costs between the limits",
                "Approves costs at or above the second limit",
            )
        ):
            self.fields[f"cost_role_{index}"] = forms.ChoiceField(
                label=label, choices=role_choices, initial=tiers[index]["role"]
            )
        for name, (_default, label) in SWITCHES.items():
            self.fields[f"s_{name}"] = forms.BooleanField(
                label=label, required=False, initial=policy.switch(name)
            )
        self.fields["two_factor_roles"] = forms.MultipleChoiceField(
            label="Roles that must use a second factor to sign in",
            required=False,
            choices=role_choices,
            widget=forms.CheckboxSelectMultiple,
            initial=policy.two_factor_roles,
        )
        for contact in CONTACTS:
            self.fields[f"c_{contact.name}"] = forms.EmailField(
                label=contact.label,
                required=False,
                initial=policy.contact(contact.name),
                help_text=f"Source: seed {contact.source}. Leave it empty if there is none.",
                error_messages={"invalid": "Enter an email address like name@example.org"},
            )
        self.fields["version"].initial = policy.version
        self.order_fields(
            [*[f for f in self.fields if f not in ("reason", "version")], "reason", "version"]
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("cost_lower_limit"), data.get("cost_upper_limit")
        if low is not None and high is not None and high <= low:
            self.add_error(
                "cost_upper_limit", "The director's limit must be above the head of service's limit"
            )
        return data

    def proposed(self):
        data = self.cleaned_data
        return {
            "timescales": {
                rule.name: {
                    "amount": data[f"t_{rule.name}_amount"],
                    "unit": data[f"t_{rule.name}_unit"],
                }
                for rule in TIMESCALES
            },
            "thresholds": {t.name: data[f"h_{t.name}"] for t in THRESHOLDS},
            "approvers": {a.name: data[f"a_{a.name}"] for a in APPROVERS},
            "cost_tiers": [
                {"below": data["cost_lower_limit"], "role": data["cost_role_0"]},
                {"below": data["cost_upper_limit"], "role": data["cost_role_1"]},
                {"below": None, "role": data["cost_role_2"]},
            ],
            "switches": {name: data[f"s_{name}"] for name in SWITCHES},
            "two_factor_roles": sorted(data["two_factor_roles"]),
            "contacts": {c.name: data[f"c_{c.name}"].strip() for c in CONTACTS},
        }

    def first_contact(self):
        """The field the "Contacts" part of the form begins with."""
        return f"c_{CONTACTS[0].name}" if CONTACTS else ""


@requires(Capability.ADMINISTER)
@require_http_methods(["GET", "POST"])
def policy_change(request):
    policy = policy_for_user(request.user, write=True)
    form = PolicyForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            changes = policy_services.policy_update(
                user=request.user,
                policy=policy,
                proposed=form.proposed(),
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except policy_services.PolicyConflict as error:
            form.add_error(
                None, f"{error}. Your changes were not saved: reload the page and make them again."
            )
        else:
            messages.success(
                request, f"{len(changes)} setting{'s' if len(changes) != 1 else ''} changed."
            )
            return redirect("manage_policy_history")
    return render(request, "manage/policy_form.html", {"form": form, "policy": policy})


@requires(Capability.ADMINISTER)
@require_GET
def policy_history(request):
    policy = policy_for_user(request.user, write=True)
    changes = policy.changes.select_related("changed_by")[:500]
    return render(request, "manage/policy_history.html", {"policy": policy, "changes": changes})
