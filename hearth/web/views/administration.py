"""Administration within the administrator's own organisation: its index and the access logs."""

from django import forms
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from hearth.accounts.access import (
    administered_organisations,
    can,
    record_for_auditor,
    record_id_for_auditor,
)
from hearth.accounts.roles import Capability
from hearth.audit.selectors import access_log
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm


class AccessLogLookupForm(GovukForm):
    RECORDS = {"child": "child", "household": "foster carer household"}

    record_type = forms.ChoiceField(label="Record", widget=forms.RadioSelect)
    reference = forms.CharField(
        label="Reference", max_length=40, help_text="For example C1042 or WIG-H0007"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ["household"] if organisation.is_agency else ["child", "household"]
        self.fields["record_type"].choices = [(k, f"A {self.RECORDS[k]}") for k in kinds]


@requires(Capability.ADMINISTER)
@require_GET
def manage(request):
    organisation = administered_organisations(request.user)[0]
    form = AccessLogLookupForm(request.GET or None, organisation=organisation)
    if request.GET and form.is_valid() and can(request.user, Capability.VIEW_AUDIT):
        record_type, reference = form.cleaned_data["record_type"], form.cleaned_data["reference"]
        record_id = record_id_for_auditor(request.user, record_type, reference.strip())
        if record_id is not None:
            return redirect("access_log", record_type=record_type, pk=record_id)
        form.add_error(
            "reference", f"There is no {form.RECORDS[record_type]} with the reference {reference}"
        )
    return render(request, "manage/index.html", {"organisation": organisation, "form": form})


@requires(Capability.VIEW_AUDIT)
@require_GET
def record_access_log(request, record_type, pk):
    record = record_for_auditor(request.user, record_type, pk, request=request)
    events = access_log(record_type=record_type, record_id=record.pk)[:1000]
    return render(
        request,
        "manage/access_log.html",
        {"record": record, "record_type": record_type, "events": events},
    )
