"""Recording the children looked after return's details of a child, from the child's record: a
change of legal status (with its date), the header's details (UPN, motherhood, category of need,
UASC), and the return's rows (reviews, missing episodes, OC2, OC3, adoption, placed for adoption,
previous permanence), each added, changed or removed on its own page.

A person who cannot see the child gets 404 (audited, by `child_for_user`); one who can see the
child but may not record the return's details (`permissions.may_record`) gets 403 with why, the
attempt audited. The writes are `hearth.ssda903.recording`'s services, which audit them.

Fetching the child: a GET shows the record in a form, a read audited as such (`write=False`). A
POST is a write, not a read: the child is fetched with the write scope (`write=True`:
EDIT_CHILDREN, no "view" audit row) for people who edit children. IROs record reviews but hold no
EDIT_CHILDREN, so anyone with an IRO membership is fetched with the read scope, still without a
"view" row. Either way `permissions.may_record` is the rule of who records the return's details.

Rows have no version field: the change and removal forms carry a fingerprint of the row they
showed (`recording.row_fingerprint`), and a save or removal made after someone else's is refused
with the conflict at the top of the page.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from hearth.accounts.access import child_for_user, roles_of
from hearth.accounts.roles import Capability, Role
from hearth.people.services import EditConflict
from hearth.ssda903 import permissions, recording
from hearth.web.decorators import requires
from hearth.web.forms import GovukDateField, GovukForm

RECORDER_WORDS = "the child's council's social workers, team managers, service leads and IROs"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _choices(codes, blank=None):
    options = [(code, recording.label(codes, code)) for code in codes]
    return [("", blank), *options] if blank else options


def _code(codes, *, label, blank=None, help_text=""):
    return forms.ChoiceField(
        label=label, choices=_choices(codes, blank), required=blank is None, help_text=help_text
    )


def _date(label, *, required=True, help_text=""):
    return GovukDateField(label=label, required=required, help_text=help_text)


class RecordingForm(GovukForm):
    def put_problems(self, problems):
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)


class LegalStatusForm(RecordingForm):
    legal_status = _code(recording.LEGAL_STATUSES, label="New legal status (LS)")
    changed_on = _date("Date it changed", help_text="The date of the order, for example 27 3 2026")


class DetailsForm(RecordingForm):
    upn = forms.CharField(
        label="Unique pupil number (UPN)", max_length=13, required=False,
        help_text="13 characters, like A123456789012; or a UN code (UN1 to UN5) if they have none",
    )  # fmt: skip
    category_of_need = _code(
        recording.CATEGORY_OF_NEED, label="Category of need (CIN)", blank="Not recorded"
    )
    mother = _code(
        recording.MOTHER, label="Is she a mother? (MOTHER)", blank="Not recorded",
        help_text="Girls and young women only",
    )  # fmt: skip
    mc_dob = _date("Her child's date of birth (MC_DOB)", required=False,
                   help_text="Her first child's, if she is a mother")  # fmt: skip
    uasc = forms.BooleanField(
        label="Unaccompanied asylum seeking child (UASC)", required=False,
        help_text="At any time while looked after",
    )  # fmt: skip
    uasc_ceased_on = _date("Date they stopped being an unaccompanied asylum seeker (DUC)",
                           required=False)  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)


def _year_choices(child):
    from django.utils import timezone

    today = timezone.localdate()
    last = today.year if today.month >= 4 else today.year - 1
    first = max(child.date_of_birth.year, last - 5)
    return [(str(y), f"{y} to {y + 1} (to 31 March {y + 1})") for y in range(last, first - 1, -1)]


def _row_form_fields(kind, child):
    """The form fields of one kind of row, in the DfE's order, labelled with the 903 names."""
    code, date = _code, _date
    fields = {
        "reviewed_on": date("Date of the review (REVIEW)"),
        "participation": code(recording.REVIEW_CODE, label="How the child took part (REVIEW_CODE)"),
        "kind": code(recording.MISSING, label="Missing or away (MISSING)"),
        "started_on": date("Date it started (MIS_START)"),
        "ended_on": date("Date it ended (MIS_END)", required=False,
                         help_text="Leave blank while the child is still missing or away"),
        "year": forms.TypedChoiceField(label="Collection year", coerce=int,
                                       choices=_year_choices(child)),
        "sdq_score": forms.CharField(
            label="SDQ score (SDQ_SCORE)", required=False, max_length=2,
            help_text="0 to 40, for children aged 4 to 16"),
        "sdq_reason": code(recording.SDQ_REASON, label="Why there is no SDQ score (SDQ_REASON)",
                           blank="Not needed: the score is given"),
        "in_touch": code(recording.IN_TOUCH, label="In touch with the council (IN_TOUCH)"),
        "activity": code(recording.ACTIVITY, label="Main activity (ACTIV)"),
        "accommodation": code(recording.ACCOMMODATION, label="Accommodation (ACCOM)"),
        "decided_on": date("Date of the decision that the child should be placed for adoption "
                           "(DATE_INT)", required=False),
        "matched_on": date("Date matched with the adopters (DATE_MATCH)", required=False),
        "foster_care": code(recording.YES_NO, label="Adopted by their foster carers (FOSTER_CARE)",
                            blank="Not yet known"),
        "number_of_adopters": code(recording.NUMBER_OF_ADOPTERS, label="NB_ADOPTR",
                                   blank="Not yet known"),
        "sex_of_adopters": code(recording.SEX_OF_ADOPTERS, label="SEX_ADOPTR",
                                blank="Not yet known"),
        "legal_status_of_adopters": code(recording.LEGAL_STATUS_OF_ADOPTERS, label="LS_ADOPTR",
                                         blank="Not yet known"),
        "placed_on": date("Date of the decision to place for adoption (DATE_PLACED)"),
        "ceased_on": date("Date that decision ceased (DATE_PLACED_CEASED)", required=False),
        "reason_ceased": code(recording.REASON_PLACED_CEASED,
                              label="Why it ceased (REASON_PLACED_CEASED)", blank="It has not"),
        "previous_permanence": code(recording.PREVIOUS_PERMANENCE,
                                    label="Left care before to (PREV_PERM)"),
        "la_perm": forms.CharField(
            label="Council that arranged it (LA_PERM)", required=False, max_length=3,
            help_text="The council's three-digit DfE code, or WAL, SCO, NIR or NUK"),
        "date_perm": forms.CharField(
            label="Date of the order (DATE_PERM)", required=False, max_length=10,
            help_text="dd/mm/yyyy, with zz for a part not known, like zz/06/2015"),
    }  # fmt: skip
    for name, words in recording.OC2_ITEMS.items():
        fields[name] = code(recording.YES_NO, label=words, blank="Not recorded")
    return {name: fields[name] for name in kind.fields}


CONFLICT_END = "Your changes were not saved: open the page again"


def row_form(kind, child, data=None, initial=None, *, record=None):
    """The form of a row of `kind`; for a `record` being changed, with its fingerprint hidden."""
    form = RecordingForm(data, initial=initial)
    form.fields.update(_row_form_fields(kind, child))
    if record is not None:
        form.fields["fingerprint"] = forms.CharField(
            widget=forms.HiddenInput, initial=recording.row_fingerprint(kind, record),
            required=False,
        )  # fmt: skip
    return form


def _kind(slug):
    kind = recording.KINDS.get(slug)
    if kind is None:
        raise Http404("No such table")
    return kind


def _row(kind, child, row):
    record = kind.model.objects.filter(child=child, pk=row).first()
    if record is None:
        raise Http404("No such row")
    return record


def _refused(request, child, detail):
    """403 with why; the attempt kept for the audit (written as refused)."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": "child", "record_id": str(child.pk), "user": request.user,
         "detail": detail},
    ]  # fmt: skip
    context = {"child": child, "who": RECORDER_WORDS}
    return render(request, "ssda903/child/not_allowed.html", context, status=403)


def _fetched(request, pk):
    """The child (else 404, audited): see the module's docstring for the scope of a POST."""
    if request.method != "POST":
        return child_for_user(request.user, pk, request=request)
    write = Role.IRO not in roles_of(request.user)
    return child_for_user(request.user, pk, write=write, audit_view=False, request=request)


def _recording_child(request, pk, detail):
    """(child, refusal): the child if the user may see them (else 404), and a 403 response when
    they may not record the return's details."""
    child = _fetched(request, pk)
    if not permissions.may_record(request.user, child):
        return child, _refused(request, child, detail)
    return child, None


def _back(child):
    return redirect(f"/children/{child.pk}/#return")


def _saved(request, form, service, **arguments):
    try:
        return service(user=request.user, request=request, **arguments)
    except recording.RecordingProblem as problem:
        form.put_problems(problem.problems)
    except EditConflict as error:
        form.add_error(None, f"{error}. {CONFLICT_END}.")
    return None


def _page(request, child, form, title, *, intro="", extra=None):
    context = {"child": child, "form": form, "title": title, "intro": intro, **(extra or {})}
    return render(request, "ssda903/child/form.html", context)


@requires(Capability.VIEW_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def legal_status_change(request, pk):
    child, refusal = _recording_child(request, pk, "change legal status")
    if refusal:
        return refusal
    form = LegalStatusForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        change = _saved(request, form, recording.change_legal_status, child=child,
                        **form.cleaned_data)  # fmt: skip
        if change is not None:
            messages.success(
                request, f"{child.full_name}'s legal status is {change.legal_status} from "
                f"{recording.day_words(change.changed_on)}.",
            )  # fmt: skip
            return _back(child)
    intro = (
        f"{child.first_name}'s legal status now: "
        f"{recording.label(recording.LEGAL_STATUSES, child.legal_status)}. The episode open on "
        "the date ends (REC X1) and a new one starts (RNE L) with the new legal status."
    )
    changes = child.legal_status_changes.order_by("-changed_on")
    return _page(request, child, form, f"Change {child.full_name}'s legal status", intro=intro,
                 extra={"changes": changes})  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def details_change(request, pk):
    child, refusal = _recording_child(request, pk, "change return details")
    if refusal:
        return refusal
    record = recording.child_return_of(child)
    initial = {field: getattr(record, field) for field in recording.RETURN_FIELDS}
    form = DetailsForm(_posted(request), initial={**initial, "version": record.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        changed = _saved(request, form, recording.child_return_update, child=child, data=data,
                         expected_version=version)  # fmt: skip
        if changed is not None:
            messages.success(request, "Changes saved." if changed else "Nothing was changed.")
            return _back(child)
    return _page(request, child, form, f"{child.full_name}'s details for the return")


@requires(Capability.VIEW_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def row_add(request, pk, kind):
    kind = _kind(kind)
    child, refusal = _recording_child(request, pk, f"add {kind.noun}")
    if refusal:
        return refusal
    form = row_form(kind, child, _posted(request))
    if request.method == "POST" and form.is_valid():
        saved = _saved(request, form, recording.row_save, child=child, kind=kind,
                       data=form.cleaned_data)  # fmt: skip
        if saved is not None:
            messages.success(request, f"The {kind.noun} was added.")
            return _back(child)
    return _page(request, child, form, f"Add {kind.title.lower()} for {child.full_name}")


def _initial(kind, record):
    initial = {}
    for field in kind.fields:
        value = getattr(record, field)
        initial[field] = str(value) if field == "year" else value
    return initial


@requires(Capability.VIEW_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def row_change(request, pk, row, kind):
    kind = _kind(kind)
    child, refusal = _recording_child(request, pk, f"change {kind.noun} {row}")
    if refusal:
        return refusal
    record = _row(kind, child, row)
    form = row_form(kind, child, _posted(request), initial=_initial(kind, record), record=record)
    if request.method == "POST" and form.is_valid():
        saved = _saved(request, form, recording.row_save, child=child, kind=kind,
                       data=form.cleaned_data, record=record,
                       expected_fingerprint=form.cleaned_data["fingerprint"])  # fmt: skip
        if saved is not None:
            messages.success(request, "Changes saved." if saved[1] else "Nothing was changed.")
            return _back(child)
    remove = f"/children/{child.pk}/return/{record.pk}/{kind.slug}/remove/"
    return _page(request, child, form, f"Change {kind.title.lower()} for {child.full_name}",
                 extra={"remove_url": remove, "noun": kind.noun})  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def row_remove(request, pk, row, kind):
    kind = _kind(kind)
    child, refusal = _recording_child(request, pk, f"remove {kind.noun} {row}")
    if refusal:
        return refusal
    record = _row(kind, child, row)
    context = {"child": child, "kind": kind, "record": record,
               "title": f"Remove this {kind.noun}?",
               "fingerprint": recording.row_fingerprint(kind, record)}  # fmt: skip
    if request.method == "POST":
        try:
            recording.row_remove(
                user=request.user, child=child, kind=kind, record=record, request=request,
                expected_fingerprint=request.POST.get("fingerprint", ""),
            )  # fmt: skip
        except EditConflict as error:
            context["conflict"] = f"{error}. Nothing was removed: open the page again."
            return render(request, "ssda903/child/remove.html", context)
        messages.success(request, f"The {kind.noun} was removed.")
        return _back(child)
    return render(request, "ssda903/child/remove.html", context)


urlpatterns = [
    path("children/<int:pk>/return/legal-status/", legal_status_change,
         name="child_return_legal_status"),
    path("children/<int:pk>/return/details/", details_change, name="child_return_details"),
    path("children/<int:pk>/return/<slug:kind>/add/", row_add, name="child_return_add"),
    path("children/<int:pk>/return/<int:row>/<slug:kind>/", row_change,
         name="child_return_change"),
    path("children/<int:pk>/return/<int:row>/<slug:kind>/remove/", row_remove,
         name="child_return_remove"),
]  # fmt: skip
