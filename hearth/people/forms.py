"""Forms for children's and households' records. The web screens and the CSV imports both use them,
so a bad value gets the same message whichever way it arrives."""

from datetime import date

from django import forms
from django.db.models import Count, Q

from hearth.accounts.models import User
from hearth.core import postcodes
from hearth.core.deadlines import age_on  # here for the modules that import it from here
from hearth.core.models import Organisation
from hearth.people import vocabulary
from hearth.people.models import Child, Household
from hearth.web.forms import GovukDateField, GovukModelForm, TagsField, tag_choices

OLDEST_AGE = 18


def clean_postcode(value, *, required):
    if not value:
        if required:
            raise forms.ValidationError("Enter a postcode")
        return ""
    normal = postcodes.normalise(value)
    if normal is None:
        raise forms.ValidationError("Enter a real postcode, like WN1 1AA")
    if postcodes.lookup(normal) is None:
        raise forms.ValidationError(f"{normal} is not in the ONS postcode directory")
    return normal


def staff_choices(organisation, keep=()):
    """People to allocate: the organisation's active staff, and whoever is allocated already, so
    that saving a record whose worker has left does not quietly unallocate them."""
    current = [pk for pk in keep if pk is not None]
    people = User.objects.filter(
        Q(pk__in=organisation.memberships.values("user"), is_active=True) | Q(pk__in=current)
    )
    return people.distinct().order_by("first_name", "last_name")


class UsernameChoiceField(forms.ModelChoiceField):
    """Pick a member of staff; an import names them by username."""

    def label_from_instance(self, obj):
        return obj.display_name


class ChildForm(GovukModelForm):
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2012")
    languages = TagsField(choices=tag_choices(vocabulary.LANGUAGES), required=False)
    needs = TagsField(
        choices=tag_choices(vocabulary.NEEDS), required=False, help_text="See the tag vocabulary"
    )
    risks = TagsField(choices=tag_choices(vocabulary.RISKS), required=False)
    sibling_group_reference = forms.CharField(
        label="Sibling group",
        required=False,
        max_length=40,
        help_text="The same reference for brothers and sisters to be placed together; leave blank if none",
    )
    placed_with_reference = forms.CharField(
        label="Lives with (household reference)",
        required=False,
        max_length=60,
        help_text="The foster household the child lives with now, if any: your council's reference "
        "for its own carers, or the agency's Ofsted URN, a slash and the agency's reference, "
        "like SC123456/H02",
    )
    social_worker_change_reason = forms.ChoiceField(
        label="Reason for a change of social worker (SW_REASON)",
        required=False,
        help_text="Only if you allocate a different social worker; if left blank, a management "
        "decision",
    )

    class Meta:
        model = Child
        fields = Child.RECORD_FIELDS
        field_classes = {"social_worker": UsernameChoiceField, "iro": UsernameChoiceField}
        labels = {"disability": "Disability (if any)", "iro": "Independent Reviewing Officer"}

    def __init__(self, *args, authority, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.authority = authority
        self.today = today or date.today()
        people = staff_choices(
            authority, keep=(self.instance.social_worker_id, self.instance.iro_id)
        )
        self.fields["social_worker"].queryset = people
        self.fields["social_worker"].to_field_name = "username"
        self.fields["iro"].queryset = people
        self.fields["iro"].to_field_name = "username"
        self.fields["team"].queryset = authority.teams.all()
        self.fields["team"].to_field_name = "name"
        self._statutory_fields()
        if self.instance.pk:
            # The pickers send usernames and team names (as imports do), so show the stored ones so.
            self.initial["social_worker"] = getattr(self.instance.social_worker, "username", None)
            self.initial["iro"] = getattr(self.instance.iro, "username", None)
            self.initial["team"] = getattr(self.instance.team, "name", None)
            self.initial.setdefault(
                "sibling_group_reference", getattr(self.instance.sibling_group, "reference", "")
            )
            self.initial.setdefault(
                "placed_with_reference", household_reference(self.instance.placed_with)
            )

    def _statutory_fields(self):
        """A looked-after child's legal status changes only with a date, through "Change legal
        status" (hearth.ssda903.recording), which keeps their SSDA903 episodes."""
        from hearth.ssda903 import recording

        reasons = {k: v for k, v in recording.SW_REASON.items() if k != recording.FIRST_CONTACT}
        self.fields["social_worker_change_reason"].choices = [("", "Not given"), *reasons.items()]
        if self.instance.pk and recording.is_looked_after(self.instance):
            field = self.fields["legal_status"]
            field.disabled = True
            field.help_text = (
                "The child is looked after: their legal status changes through 'Change legal "
                "status' on their record, with the date it changed"
            )

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Child.objects.filter(authority=self.authority, reference=reference).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("Another child already has this reference")
        return reference

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError("Date of birth must be today or in the past")
        if age_on(born, self.today) >= OLDEST_AGE:
            raise forms.ValidationError(
                f"A child looked after is under {OLDEST_AGE}: check the date of birth"
            )
        return born

    def clean_home_postcode(self):
        return clean_postcode(self.cleaned_data["home_postcode"], required=False)

    def clean_school_postcode(self):
        return clean_postcode(self.cleaned_data["school_postcode"], required=False)

    def clean_placed_with_reference(self):
        """The household named, if the child can live there. A council sees only its own carers'
        records, so an agency's home is named by its URN and is described in no error."""
        given = self.cleaned_data["placed_with_reference"].strip()
        if not given:
            return None
        urn, _, reference = given.rpartition("/")
        households = Household.objects.filter(reference=reference.strip()).annotate(
            placed=Count("children_placed", filter=~Q(children_placed__pk=self.instance.pk))
        )
        if urn:
            households = households.filter(
                provider__kind=Organisation.Kind.AGENCY, provider__ofsted_urn=urn.strip().upper()
            )
        else:
            households = households.filter(provider=self.authority)
        household = households.first()
        if household is None:
            raise forms.ValidationError(f"No household has the reference {given}")
        open_to_children = household.status in (
            Household.Status.APPROVED, Household.Status.TEMPORARY
        )  # fmt: skip
        full = household.placed >= household.max_children
        if urn and (full or not open_to_children):
            raise forms.ValidationError(f"The agency's household {given} cannot take another child")
        if not open_to_children:
            raise forms.ValidationError(
                f"{household.name} is {household.get_status_display().lower()}"
            )
        if full:
            raise forms.ValidationError(
                f"{household.name} is approved for {household.max_children} "
                f"and has {household.placed} placed"
            )
        return household


def household_reference(household):
    """How a child's form names the household: agencies' homes by URN and reference."""
    if household is None:
        return ""
    if household.provider.is_agency:
        return f"{household.provider.ofsted_urn}/{household.reference}"
    return household.reference


class HouseholdForm(GovukModelForm):
    field_order = ["reference", "name", "carers"]
    approved_on = GovukDateField(label="Approved on", required=False)
    care_types = TagsField(
        label="Types of care", choices=list(vocabulary.PLACEMENT_TYPES.items()), required=False
    )
    skills = TagsField(
        label="Skills and training",
        choices=tag_choices(vocabulary.SKILLS),
        required=False,
        help_text="A child's need is met by the same tag here",
    )
    languages = TagsField(choices=tag_choices(vocabulary.LANGUAGES), required=False)
    named_children_references = forms.CharField(
        label="Named children (kinship)",
        required=False,
        help_text="For a kinship approval, the references of the children named, separated by ';'",
    )
    carers = forms.CharField(
        label="Carers",
        help_text="Each carer's first and last name, separated by ';', e.g. 'Ann Smith; Joe Smith'",
    )

    class Meta:
        model = Household
        fields = Household.RECORD_FIELDS
        field_classes = {"supervising_social_worker": UsernameChoiceField}
        labels = {"accepts_siblings": "Can take a sibling group"}

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["supervising_social_worker"].queryset = staff_choices(
            provider, keep=(self.instance.supervising_social_worker_id,)
        )
        self.fields["supervising_social_worker"].to_field_name = "username"
        self.fields["min_age"].widget.attrs.update(min=0, max=OLDEST_AGE)
        self.fields["max_age"].widget.attrs.update(min=0, max=OLDEST_AGE)
        if self.steps_set_status:
            # An in-house household's status, hold, approval date and approval terms move only
            # through the fostering service's steps (hearth.fostering.lifecycle: approval and a
            # change of terms after the fostering panel), which keep its history and audit; an
            # agency's are typed. The terms are shown on the form, read-only.
            for name in ("status", "hold_reason", *self.PANEL_FIELDS):
                del self.fields[name]
            self.template_name = "people/_household_form_fields.html"
        if self.instance.pk:
            ssw = self.instance.supervising_social_worker
            self.initial["supervising_social_worker"] = getattr(ssw, "username", None)
            self.initial.setdefault("carers", "; ".join(str(c) for c in self.instance.carers.all()))
            self.initial.setdefault(
                "named_children_references",
                "; ".join(c.reference for c in self.instance.named_children.all()),
            )

    # A council's own carers' approval: set and changed through the fostering panel.
    PANEL_FIELDS = ("approved_on", "min_age", "max_age", "max_children", "care_types")

    @property
    def steps_set_status(self):
        return bool(self.instance.pk) and self.provider.is_authority

    def panel_terms(self):
        """A council's own household's approval terms, shown read-only on its change form:
        (label, value) pairs, or [] before approval and after the carers left."""
        household = self.instance
        approved = (Household.Status.APPROVED, Household.Status.TEMPORARY, Household.Status.ON_HOLD)
        if household.status not in approved:
            return []
        kinds = dict(vocabulary.PLACEMENT_TYPES)
        return [
            ("Approved on", f"{household.approved_on:%-d %B %Y}" if household.approved_on else ""),
            ("Ages", f"{household.min_age} to {household.max_age}"),
            ("Children at a time", str(household.max_children)),
            ("Types of care", ", ".join(kinds.get(k, k) for k in household.care_types) or "None"),
        ]

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Household.objects.filter(provider=self.provider, reference=reference).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("Another household already has this reference")
        return reference

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"], required=True)

    def clean_approved_on(self):
        approved_on = self.cleaned_data["approved_on"]
        if approved_on and approved_on > date.today():
            raise forms.ValidationError("The approval date must be today or in the past")
        if approved_on and approved_on.year < 1950:
            raise forms.ValidationError("Check the approval date: it is before 1950")
        return approved_on

    def clean_weekly_cost(self):
        cost = self.cleaned_data["weekly_cost"]
        if cost is not None and cost < 0:
            raise forms.ValidationError("The weekly cost cannot be less than £0")
        if cost and self.provider.is_authority:
            raise forms.ValidationError("A council's own carers have no weekly fee here: enter 0")
        return cost

    def clean_carers(self):
        names = [n.strip() for n in self.cleaned_data["carers"].split(";") if n.strip()]
        if not names:
            raise forms.ValidationError("Enter at least one carer")
        carers = []
        for name in names:
            first, _, last = name.partition(" ")
            if not last:
                raise forms.ValidationError(f"Enter the first and last name of '{name}'")
            carers.append((first, last.strip()))
        return carers

    def clean_named_children_references(self):
        references = [
            r.strip()
            for r in self.cleaned_data["named_children_references"].split(";")
            if r.strip()
        ]
        if not references:
            return []
        if not self.provider.is_authority:
            raise forms.ValidationError(
                "Only a council's own kinship carers are approved for named children"
            )
        found = {
            c.reference: c
            for c in Child.objects.filter(authority=self.provider, reference__in=references)
        }
        missing = [r for r in references if r not in found]
        if missing:
            raise forms.ValidationError(f"No child has the reference {', '.join(missing)}")
        return [found[r] for r in references]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None:
            if high > OLDEST_AGE:
                self.add_error("max_age", f"The oldest age approved must be {OLDEST_AGE} or under")
            if low > high:
                self.add_error(
                    "max_age", "The oldest age approved must be the same as or above the youngest"
                )
        status = self.instance.status if self.steps_set_status else data.get("status")
        if not self.steps_set_status:
            if status == Household.Status.ON_HOLD and not data.get("hold_reason"):
                self.add_error("hold_reason", "Select why the household is on hold")
            if status != Household.Status.ON_HOLD and data.get("hold_reason"):
                data["hold_reason"] = ""
        if status == Household.Status.TEMPORARY and not data.get("named_children_references"):
            self.add_error(
                "named_children_references",
                "A temporary (Regulation 24) approval names its children",
            )
        terms_typed = "care_types" in self.fields  # not for a council's own household on change
        if (
            terms_typed
            and status in (Household.Status.APPROVED, Household.Status.TEMPORARY)
            and not data.get("care_types")
        ):
            self.add_error("care_types", "Select the types of care the household is approved for")
        max_children = data.get("max_children")
        if max_children is not None and self.instance.pk:
            placed = self.instance.children_placed.count()
            if placed > max_children:
                self.add_error(
                    "max_children", f"{placed} children live here: the approval cannot be for fewer"
                )
        open_to_children = status in (Household.Status.APPROVED, Household.Status.TEMPORARY)
        if max_children == 0 and open_to_children:
            self.add_error(
                "max_children", "An approved household is approved for at least one child"
            )
        if data.get("bedrooms") == 0 and open_to_children:
            self.add_error("bedrooms", "An approved household has a bedroom for fostered children")
        approved = open_to_children or status == Household.Status.ON_HOLD
        typed = "approved_on" in self.fields  # not for a council's own household on change
        if typed and approved and not data.get("approved_on") and "approved_on" not in self.errors:
            # Its reviews are counted from this date (Regulation 24 assessment, annual review).
            self.add_error("approved_on", "Enter the date the household was approved")
        return data
