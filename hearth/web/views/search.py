"""The in-house search: the council's own carers ranked for a referral, the contacts with them,
their offers (the profile the child's social worker reads, the conversation, the decision, the
questions about children already living there), the matching form and its sign-off, and the split
of brothers and sisters who cannot live together.

Who may see the referral is the access functions' business (404 for anyone else, audited); who may
take each step is `hearth.search.permissions` (a person who may see the referral but not take the
step gets 403, audited too). Each step is one service of `hearth.search.services`.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    children_for_user,
    deny,
    household_for_user,
    referral_for_user,
)
from hearth.accounts.roles import Capability
from hearth.people.services import EditConflict
from hearth.placements import presenters as placement_presenters
from hearth.referrals.carer_names import names_carers
from hearth.referrals.services import ActionNotAllowed, ReferralError, referral_title
from hearth.search import permissions, presenters, selectors, services
from hearth.search.forms import (
    ConsultationForm,
    ContactForm,
    ConversationForm,
    DecisionForm,
    MatchingFormForm,
    SignOffForm,
    SplitAgreementForm,
    SplitProposalForm,
    WithdrawForm,
)
from hearth.search.models import Consultation, Offer, SiblingSplit
from hearth.web.decorators import requires
from hearth.web.editing import audit_names_shown, audit_shown
from hearth.web.presenters import long_date
from hearth.web.refusals import not_allowed

FORM_CONFLICT = (
    "Someone else changed the matching form after you opened it. Your changes were not saved: "
    "copy anything you need, reload the page and make them again."
)
CONVERSATION_CONFLICT = (
    "The offer changed after you opened this page: someone else recorded a conversation or a "
    "decision. Your conversation was not saved: copy it, reload the page and record it again."
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _referral(request, pk):
    """The referral, if the user may see it (404 and audited otherwise), with its children. Its
    reading is audited once the page is drawn, so that a refused step is audited only as refused."""
    referral = referral_for_user(request.user, pk, request=request, audit_view=False)
    prefetch_related_objects([referral], "children")
    return referral


def _offer(request, referral, offer_pk):
    """One of the referral's offers, with what its pages and rules read. Another referral's offer
    is not found, as if it did not exist, and the attempt is audited."""
    try:
        offer = referral.offers.select_related(
            "household__provider", "household__supervising_social_worker", "made_by",
            "conversation_by", "decided_by",
        ).get(pk=int(offer_pk))  # fmt: skip
    except (Offer.DoesNotExist, ValueError):
        deny(request.user, record_type="offer", record_id=offer_pk, request=request)
    offer.referral = referral
    return offer


def _refusal(request, referral, rule, record, detail):
    """The 403 page when the user may not take the step `rule` on `record` now, else None."""
    reason = permissions.why_not(rule, request.user, record, referral.authority.policy)
    return None if reason is None else not_allowed(request, referral, reason, detail)


def _shown(request, referral):
    audit_shown(request, "referral", referral, referral.authority)


def _base(referral, **context):
    return {"referral": referral, "summary": referral_title(referral), **context}


# The search ---------------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_GET
def in_house_search(request, pk):
    referral = _referral(request, pk)
    refused = _refusal(request, referral, "see_search", referral, "see the in-house search")
    if refused:
        return refused
    policy, today = referral.authority.policy, timezone.localdate()
    found = selectors.in_house_search(request.user, referral, as_of=today)
    may_contact = permissions.may_record_contact(request.user, referral, policy)
    households, leaving = presenters.households_shown(found)
    _shown(request, referral)
    where = f"the in-house search of referral {referral.pk}"
    audit_names_shown(request, "household", households, where)
    audit_names_shown(request, "child", leaving, where)

    def rows(found_rows, ranked):
        return [
            presenters.search_row(
                row, referral, rank=number if ranked else None, may_contact=may_contact,
                today=today,
            )
            for number, row in enumerate(found_rows, 1)
        ]  # fmt: skip

    context = _base(
        referral,
        children=presenters.children_searched(found.children, today),
        location=found.location,
        problems=found.problems,
        available=rows(found.available, True),
        pending=rows(found.pending, True),
        excluded=rows(found.excluded, False),
        splits=presenters.suggested_splits(
            found.splits,
            referral,
            may_propose=permissions.may_propose_split(request.user, referral, policy),
        ),
        split_allowed=found.policy.allow_sibling_split,
        may_contact=may_contact,
        as_of=long_date(found.as_of),
    )
    return render(request, "search/in_house_search.html", context)


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def contact(request, pk, household_pk):
    referral = _referral(request, pk)
    household = household_for_user(request.user, household_pk, request=request, audit_view=False)
    if household.provider_id != referral.authority_id:
        # Another council's carers, or an agency's, are no part of this council's in-house search.
        deny(request.user, record_type="household", record_id=household.pk, request=request)
    refused = _refusal(request, referral, "record_contact", referral, "record a contact")
    if refused:
        return refused
    children = list(referral.children.all())
    form = ContactForm(_posted(request), children=children)
    if request.method == "POST" and form.is_valid():
        try:
            _, offer = services.contact_record(
                user=request.user, referral=referral, household=household, request=request,
                **form.arguments(),
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), "record a contact")
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            if offer is not None:
                messages.success(
                    request,
                    f"{household.name}'s offer is recorded: their profile is with the social "
                    "worker",
                )
                return redirect("offer", pk=referral.pk, offer_pk=offer.pk)
            messages.success(request, f"The contact with {household.name} is recorded")
            return redirect("in_house_search", pk=referral.pk)
    _shown(request, referral)
    audit_shown(request, "household", household, household.provider)
    context = _base(referral, household=household, carers=list(household.carers.all()), form=form)
    return render(request, "search/contact.html", context)


# The offer ----------------------------------------------------------------------------------------


def _with_profile(offer):
    """The offer's household with its carers and the children living there; its children; its
    questions, with the people asked and answering."""
    prefetch_related_objects(
        [offer],
        "children",
        "household__carers",
        "household__children_placed",
        "consultations__placed_child",
        "consultations__asked_user",
        "consultations__answered_by",
    )
    return offer


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_GET
def offer(request, pk, offer_pk):
    referral = _referral(request, pk)
    offer = _with_profile(_offer(request, referral, offer_pk))
    user, policy, today = request.user, referral.authority.policy, timezone.localdate()
    named = names_carers(user, referral)
    consultations = list(offer.consultations.all())
    placed = {c.placed_child_id for c in consultations}
    visible = set(children_for_user(user).filter(pk__in=placed).values_list("pk", flat=True))
    form = presenters.matching_form_of(offer)
    submitted = form is not None and offer.pk in presenters.submitted_offers(referral)
    _shown(request, referral)
    if named:
        audit_shown(request, "household", offer.household, offer.household.provider)
    audit_names_shown(request, "child", visible, f"offer {offer.pk} of referral {referral.pk}")
    context = _base(
        referral,
        offer=offer,
        named=named,
        shown=presenters.offer_summary(offer, named=named),
        profile=(
            presenters.carers_profile(offer.household, today)
            if named and offer.source == Offer.Source.IN_HOUSE
            else None
        ),
        consultations=presenters.consultations_shown(
            consultations,
            user=user,
            policy=policy,
            visible_children=visible,
            today=today,
            referral=referral,
        ),
        form_state=presenters.matching_form_state(offer, form, submitted),
        matching_form=presenters.matching_form_shown(form),
        steps=presenters.offer_steps(user, offer, policy, form=form, submitted=submitted),
        may_see_search=permissions.may_see_search(user, referral, policy),
        placements_panel=placement_presenters.offer_panel(user, offer),
    )
    return render(request, "search/offer.html", context)


def _step_page(request, referral, offer, form, *, title, template="search/offer_step.html", **more):
    _shown(request, referral)
    context = _base(
        referral,
        offer=offer,
        title=title,
        form=form,
        offer_heading=presenters.offer_heading(offer, named=names_carers(request.user, referral)),
        terms=presenters.agency_terms(offer),
        **more,
    )
    return render(request, template, context)


def _back_to_offer(request, referral, offer, message):
    messages.success(request, message)
    return redirect("offer", pk=referral.pk, offer_pk=offer.pk)


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def offer_conversation(request, pk, offer_pk):
    referral = _referral(request, pk)
    offer = _offer(request, referral, offer_pk)
    detail = f"record the conversation on offer {offer.pk}"
    refused = _refusal(request, referral, "record_conversation", offer, detail)
    if refused:
        return refused
    form = ConversationForm(_posted(request), offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_record_conversation(
                user=request.user, offer=offer, conversation=form.cleaned_data["conversation"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, CONVERSATION_CONFLICT)
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            return _back_to_offer(request, referral, offer, "Your conversation is recorded")
    return _step_page(
        request, referral, offer, form, title="Your conversation with the carers",
        button="Save the conversation",
    )  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def offer_decide(request, pk, offer_pk):
    referral = _referral(request, pk)
    offer = _offer(request, referral, offer_pk)
    user, policy = request.user, referral.authority.policy
    detail = f"decide on offer {offer.pk}"
    may_agree = permissions.may_agree_offer(user, offer, policy)
    if not may_agree and not permissions.may_decline_offer(user, offer, policy):
        rule = "agree_offer" if offer.status == Offer.Status.OPEN else "decline_offer"
        return _refusal(request, referral, rule, offer, detail)
    standing = services.in_house_offers_standing(offer, policy) if may_agree else []
    form = DecisionForm(
        _posted(request), may_agree=may_agree, passes_over=[o.household.name for o in standing]
    )
    if request.method == "POST" and form.is_valid():
        agree = form.arguments()["agree"]
        try:
            services.offer_decide(user=user, offer=offer, request=request, **form.arguments())
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            message = (
                "You agreed the offer: the matching form is next"
                if agree
                else "You declined the offer"
            )
            return _back_to_offer(request, referral, offer, message)
    if may_agree:
        title, button = "Agree or decline the offer", "Save your decision"
    else:
        title, button = "Decline the offer", "Decline the offer"
    return _step_page(
        request, referral, offer, form, title=title, template="search/offer_decide.html",
        button=button, warning=not may_agree, conversation=offer.conversation,
        agreed=not may_agree,
        decided_by=presenters.decided_by(offer),
    )  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def offer_withdraw(request, pk, offer_pk):
    referral = _referral(request, pk)
    offer = _offer(request, referral, offer_pk)
    detail = f"withdraw offer {offer.pk}"
    refused = _refusal(request, referral, "withdraw_offer", offer, detail)
    if refused:
        return refused
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_withdraw(
                user=request.user, offer=offer, reason=form.cleaned_data["reason"],
                request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            return _back_to_offer(request, referral, offer, "The offer is withdrawn")
    return _step_page(
        request, referral, offer, form, title="The carers withdrew their offer",
        button="Record the withdrawal", warning=True,
    )  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def consultation_answer(request, pk, offer_pk, consultation_pk):
    referral = _referral(request, pk)
    offer = _offer(request, referral, offer_pk)
    try:
        consultation = offer.consultations.select_related("placed_child", "asked_user").get(
            pk=int(consultation_pk)
        )
    except (Consultation.DoesNotExist, ValueError):
        deny(request.user, record_type="consultation", record_id=consultation_pk, request=request)
    consultation.offer = offer
    detail = f"answer question {consultation.pk} on offer {offer.pk}"
    refused = _refusal(request, referral, "answer_consultation", consultation, detail)
    if refused:
        return refused
    for_someone_else = permissions.must_say_where_from(request.user, consultation)
    form = ConsultationForm(_posted(request), for_someone_else=for_someone_else)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_answer(
                user=request.user, consultation=consultation, request=request,
                **form.arguments(),
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            return _back_to_offer(request, referral, offer, "The answer is recorded")
    visible = children_for_user(request.user).filter(pk=consultation.placed_child_id).exists()
    if visible:
        audit_names_shown(request, "child", [consultation.placed_child_id], f"offer {offer.pk}")
    child = presenters.placed_child_words(
        consultation.placed_child, visible=visible, today=timezone.localdate(), opening=True
    )
    return _step_page(
        request, referral, offer, form, title="Any concerns about this move?",
        template="search/consultation.html", button="Send the answer",
        child=child, asked_as=presenters.asked_as_words(consultation),
        asked=consultation.asked_user.display_name if consultation.asked_user else "",
        for_someone_else=for_someone_else,
    )  # fmt: skip


# The matching form --------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def matching_form(request, pk, offer_pk):
    referral = _referral(request, pk)
    offer = _offer(request, referral, offer_pk)
    detail = f"prepare the matching form of offer {offer.pk}"
    refused = _refusal(request, referral, "prepare_matching_form", offer, detail)
    if refused:
        return refused
    saved = presenters.matching_form_of(offer)
    needs = services.offer_needs(offer)
    form = MatchingFormForm(
        _posted(request), needs=needs, form=saved, skills=offer.household.skills or ()
    )
    if request.method == "POST" and form.is_valid():
        outcome = _save_matching_form(request, form, offer)
        if outcome == "not_allowed":
            reason = permissions.why_not(
                "prepare_matching_form", request.user, offer, referral.authority.policy
            )
            return not_allowed(request, referral, reason or "The form cannot be changed", detail)
        if outcome == "saved":
            return _back_to_offer(request, referral, offer, _form_saved_message(request))
    return _step_page(
        request, referral, offer, form, title="The matching form",
        template="search/matching_form.html",
    )  # fmt: skip


def _form_saved_message(request):
    if request.POST.get("then") == "submit":
        return "The matching form is saved and sent for sign-off"
    return "The matching form is saved"


def _save_matching_form(request, form, offer):
    """Save the form, and send it for sign-off when asked: 'saved', 'invalid' or 'not_allowed'.
    Saving and sending are one step: a form that cannot be sent is not saved either, so the page
    drawn again still carries the version it was opened at and may be sent again as it is."""
    try:
        with transaction.atomic():
            services.matching_form_save(
                user=request.user, offer=offer, data=form.data_for_service(),
                expected_version=form.cleaned_data["version"] or 0, request=request,
            )  # fmt: skip
            if request.POST.get("then") == "submit":
                services.matching_form_submit(user=request.user, offer=offer, request=request)
    except EditConflict:
        form.add_error(None, FORM_CONFLICT)
        return "invalid"
    except ActionNotAllowed:
        return "not_allowed"
    except ReferralError as error:
        form.add_service_errors(error)
        return "invalid"
    return "saved"


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def matching_sign_off(request, pk, offer_pk):
    referral = _referral(request, pk)
    offer = _with_profile(_offer(request, referral, offer_pk))
    user, policy = request.user, referral.authority.policy
    detail = f"sign off the matching form of offer {offer.pk}"
    refused = _refusal(request, referral, "sign_off", offer, detail)
    if refused:
        return refused
    read = presenters.matching_form_of(offer)
    form = SignOffForm(_posted(request), form_version=read.version if read else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.matching_sign_off(
                user=user, offer=offer, comment=form.cleaned_data["comment"],
                form_version=form.cleaned_data["form_version"], request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
            # The page drawn again shows the form as it now stands: signing is of that one.
            read = presenters.matching_form_of(_offer(request, referral, offer_pk))
            if read is not None:
                form.redraw_with(form_version=read.version)
        else:
            messages.success(request, "The matching form is signed off: the home is matched")
            return redirect("referral", pk=referral.pk)
    consultations = list(offer.consultations.all())
    placed = {c.placed_child_id for c in consultations}
    visible = set(children_for_user(user).filter(pk__in=placed).values_list("pk", flat=True))
    audit_names_shown(request, "child", visible, f"offer {offer.pk} of referral {referral.pk}")
    today = timezone.localdate()
    return _step_page(
        request, referral, offer, form, title="Sign off the matching form",
        template="search/sign_off.html",
        shown=presenters.offer_summary(offer, named=names_carers(user, referral)),
        matching_form=presenters.matching_form_shown(read),
        consultations=presenters.consultations_shown(
            consultations, user=user, policy=policy, visible_children=visible, today=today,
            referral=referral,
        ),
        waiting=services.matching_sign_off_problems(offer)
        if request.method == "GET"
        else [],
    )  # fmt: skip


# Brothers and sisters -----------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def split_propose(request, pk):
    referral = _referral(request, pk)
    detail = "propose a split of the brothers and sisters"
    refused = _refusal(request, referral, "propose_split", referral, detail)
    if refused:
        return refused
    children = sorted(referral.children.all(), key=lambda c: (c.date_of_birth, c.pk))
    if len(children) < 2:
        raise Http404("Only a referral for brothers and sisters can be split")
    suggested = {name: value for name, value in request.GET.items() if name.startswith("part_")}
    form = SplitProposalForm(_posted(request), children=children, initial=suggested or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.split_propose(
                user=request.user, referral=referral, parts=form.parts(),
                reason=form.cleaned_data["reason"], request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, "The split is proposed: the social worker and team manager are asked"
            )
            return redirect("referral", pk=referral.pk)
    _shown(request, referral)
    return render(request, "search/split_propose.html", _base(referral, form=form))


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def split_agree(request, pk, split_pk):
    referral = _referral(request, pk)
    try:
        split = referral.splits.select_related(
            "proposed_by", "social_worker_agreed_by", "team_manager_agreed_by"
        ).get(pk=int(split_pk))
    except (SiblingSplit.DoesNotExist, ValueError):
        deny(request.user, record_type="split", record_id=split_pk, request=request)
    split.referral = referral
    user, policy = request.user, referral.authority.policy
    roles = [
        r for r in permissions.SPLIT_ROLES if permissions.may_agree_split(user, split, policy, r)
    ]
    detail = f"agree split {split.pk}"
    if not roles:
        rule = permissions.split_rule(
            "social_worker" if referral.social_worker_id == user.pk else "team_manager"
        )
        return _refusal(request, referral, rule, split, detail)
    form = SplitAgreementForm(_posted(request), roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            services.split_agree(
                user=user, split=split, as_role=form.cleaned_data["as_role"],
                comment=form.cleaned_data["comment"], request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "You agreed the split")
            return redirect("referral", pk=referral.pk)
    _shown(request, referral)
    children = list(referral.children.all())
    context = _base(
        referral,
        form=form,
        split=presenters.split_shown(split, children, user=user, policy=policy),
    )
    return render(request, "search/split_agree.html", context)
