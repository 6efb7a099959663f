"""The fostering service as its people use it on the demo council, from a first enquiry to approved
carers a year on: the duty worker records an enquiry (bad input first), answers it, books and holds
the initial visit and takes the application; the fostering team manager completes the statutory
checks and starts a Form F assessment with a supervising social worker, who visits, records the
preparation training and the report; the panel recommends approval on terms; the agency decision
maker (told the applicants could appeal a refusal within 28 days) is refused the approval until
the safeguarding training is recorded, then approves; the fostering team manager allocates the
supervising social worker, who makes a supervisory visit, writes it up and sends it to the carers;
the first annual review goes to panel and the agency decision maker agrees it. Every due date is
checked as the screens show it, computed here with the council's default timescales and the bank
holidays.

The household is this test's own: it is made by the enquiry, so nothing here depends on demo records
other tests change, and it is approved for care the other tests do not search for. The dates are
relative to today: the enquiry came in six weeks ago, the panel that recommends approval sat on a
recent working day without a sitting, and the visit is today.
"""

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from hearth.core.deadlines import due_at, is_working_day
from hearth.core.rules import THRESHOLDS_BY_NAME, TIMESCALES_BY_NAME
from tests.browser.axe import assert_accessible
from tests.browser.personas import (
    AGENCY_DECISION_MAKER,
    FOSTERING_DUTY_WORKER,
    FOSTERING_TEAM_MANAGER,
    SUPERVISING_SOCIAL_WORKER,
)
from tests.browser.test_referral_walk import _fill_date, _success

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LONDON = ZoneInfo("Europe/London")
SURNAME = "Quennell-Adebayo"
HOUSEHOLD = f"{SURNAME} household"
CHECKS = 6  # DBS, medical, local authority, references, ex-partners, employers
ASSESSMENT_WEEKS = TIMESCALES_BY_NAME["assessment"].amount
DECISION_DAYS = TIMESCALES_BY_NAME["adm_decision"].amount
APPEAL_DAYS = TIMESCALES_BY_NAME["appeal"].amount
# New carers are visited at this interval for their first months (the council's default policy).
NEW_CARERS_VISITED = timedelta(weeks=THRESHOLDS_BY_NAME["visit_interval_new_weeks"].value)
# The terms of approval: not the short-term care the other browser tests search for, so these
# carers are never among their candidates.
CARE = ("Long-term", "Short breaks")
VISIT_RECORD = "Saw both carers and the spare room; talked through the first placement's plans."


# Dates as the screens show them -------------------------------------------------------------------


def _day(day):
    return f"{day.day} {day:%B %Y}"


def _moment(moment):
    local = moment.astimezone(LONDON)
    words = f"{local.day} {local:%B %Y} at {local:%-I:%M%p}"
    return words.replace("AM", "am").replace("PM", "pm")


def _due(rule, start):
    """When the council's (default) timescale `rule` counted from the aware `start` is due."""
    timescale = TIMESCALES_BY_NAME[rule]
    return due_at(start, timescale.amount, timescale.unit)


def _due_day(rule, day):
    return _due(rule, datetime.combine(day, time(9), tzinfo=LONDON)).date()


def _london(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


# Finding things as a person does ------------------------------------------------------------------


def _path(page):
    return urlsplit(page.url).path


def _main(page):
    return page.locator("main")


def _press(page, name):
    """A button, or a link drawn as one, in the page's main part."""
    main = _main(page)
    main.get_by_role("button", name=name, exact=True).or_(
        main.get_by_role("link", name=name, exact=True)
    ).first.click()


def _heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _row(page, key):
    """The value of a summary list's row, by its key."""
    row = (
        _main(page)
        .locator(".govuk-summary-list__row")
        .filter(has=page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")))
    )
    return row.locator("dd").first


def _field(page, label):
    """A field by its label, whether or not the label says it is optional."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optional\))?$"))


def _errors(page):
    return page.locator(".govuk-error-summary")


def _choose(page, legend, answer):
    page.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()


def _signed_in_as(page):
    words = page.locator("footer").get_by_text(re.compile(r"^Signed in as ")).inner_text()
    return re.match(r"^Signed in as (.+?)\. ", words).group(1)


def _tray_row(page, text):
    assert page.goto("/work-tray/").status == 200, "the work tray did not open"
    assert_accessible(page)
    return _main(page).locator("tbody tr").filter(has_text=text)


def _step(page, action, heading):
    """Press the action's button; its page opens, every field named and no axe violations."""
    _press(page, action)
    _heading(page, heading)
    assert_accessible(page)


def _free_sitting_days(page, today):
    """The two latest working days, up to today, on which the panel does not sit yet (the later
    first), read from the list of sittings."""
    assert page.goto("/fostering/panels/").status == 200
    _heading(page, "Fostering panel")
    assert_accessible(page)
    taken = set()
    for caption in ("Upcoming sittings, soonest first", "Sittings of the last year, latest first"):
        table = page.get_by_role("table", name=caption)
        if table.count():
            for cell in table.locator("tbody tr").locator("td:first-child").all_inner_texts():
                taken.add(datetime.strptime(cell.strip(), "%d %B %Y").date())
    free, day = [], today
    while len(free) < 2:
        if is_working_day(day) and day not in taken:
            free.append(day)
        day -= timedelta(days=1)
    return free


def _add_sitting(page, day):
    _press(page, "Add a sitting")
    _heading(page, "Add a panel sitting")
    _fill_date(page, "Date", day)
    page.get_by_label("Venue").fill("Wigan Life Centre, meeting room 4")
    page.get_by_label("Chair").fill("The independent panel chair")
    assert_accessible(page)
    _press(page, "Add the sitting")
    expect(_success(page)).to_contain_text(f"The panel sits on {_day(day)}")
    _heading(page, f"Fostering panel of {_day(day)}")
    assert_accessible(page)
    return page.url


def _agenda_row(page):
    table = page.get_by_role("table", name=re.compile(r"^The panel's business, with its "))
    return table.locator("tbody tr").filter(has_text=HOUSEHOLD)


def _waiting_for_decision(page):
    table = page.get_by_role("table", name=re.compile("^Recommendations waiting"))
    return table.locator("tbody tr").filter(has_text=HOUSEHOLD)


def _decide(page, decision, day, reason):
    _choose(page, "Your decision", decision)
    page.get_by_label("Reason for your decision").fill(reason)
    _fill_date(page, "Date of the decision", day)
    _press(page, "Record the decision")


# The walk ----------------------------------------------------------------------------------------


def test_an_enquiry_goes_to_approval_and_the_carers_through_a_visit_and_a_first_review(open_page):
    duty = open_page(FOSTERING_DUTY_WORKER)
    manager = open_page(FOSTERING_TEAM_MANAGER)
    worker = open_page(SUPERVISING_SOCIAL_WORKER)
    decider = open_page(AGENCY_DECISION_MAKER)
    now = datetime.now(LONDON)
    today = now.date()
    came_in = _london(today - timedelta(weeks=6), 10, 15)
    enquiry_day = came_in.date()
    started = enquiry_day + timedelta(days=14)
    report_done = started + timedelta(days=14)

    # 1. The duty worker records the enquiry: bad input is named at its fields, nothing written.
    duty.goto("/fostering/enquiries/")
    assert_accessible(duty)
    _step(duty, "Record an enquiry", "Record a fostering enquiry")
    _fill_date(duty, "Date the enquiry came in", today + timedelta(days=1))
    duty.get_by_label("Time the enquiry came in").fill("10:15")
    _choose(duty, "How did they hear about fostering?", "Website or online form")
    _press(duty, "Record the enquiry")
    for message in (
        "Enter the first name of the person enquiring",
        "Enter the last name of the person enquiring",
        "The enquiry cannot have come in in the future",
    ):
        expect(_errors(duty)).to_contain_text(message)
        expect(_main(duty).locator(".govuk-error-message", has_text=message)).to_be_visible()
    expect(duty).to_have_url(re.compile(r"/fostering/enquiries/new/$"))
    assert_accessible(duty)
    duty.get_by_label("First name", exact=True).fill("Amara")
    duty.get_by_label("Last name", exact=True).fill(SURNAME)
    _field(duty, "Their partner's first name").fill("Tomasz")
    _field(duty, "Email address").fill("amara@example.org")
    _field(duty, "Postcode").fill("WN1 1DA")
    _fill_date(duty, "Date the enquiry came in", enquiry_day)
    _choose(duty, "Do they have a spare bedroom?", "Yes")
    _press(duty, "Record the enquiry")
    answer_by = _moment(_due("enquiry_response", came_in))
    expect(_success(duty)).to_contain_text(f"The enquiry is recorded: answer it by {answer_by}")
    _heading(duty, re.compile(rf"^{HOUSEHOLD} \(ENQ-\d+\)$"))
    enquiry_path = _path(duty)
    expect(_row(duty, "Answer by")).to_contain_text(answer_by)
    expect(_row(duty, "Answer by")).to_contain_text("Overdue")  # it came in six weeks ago
    visit_aim = _day(_due("initial_visit", came_in).date())
    expect(_row(duty, "Initial home visit")).to_contain_text(f"by {visit_aim}")
    assert_accessible(duty)
    # It waits in the duty workers' tray, due when the screen says.
    waiting = _tray_row(duty, HOUSEHOLD)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(answer_by)
    waiting.get_by_role("link").click()
    assert _path(duty) == enquiry_path

    # The first contact answers it, the same afternoon.
    _step(duty, "Record a contact", "Record a contact")
    expect(_main(duty)).to_contain_text(f"Answer by {answer_by}")
    _choose(duty, "How were they contacted?", "Email with an invitation to the information webinar")
    _fill_date(duty, "Date of the contact", enquiry_day)
    duty.get_by_label("Time of the contact").fill("14:00")
    _press(duty, "Save")
    expect(_success(duty)).to_contain_text("The contact is recorded")
    expect(_row(duty, "Answer by")).to_contain_text(f"Answered {_moment(_london(enquiry_day, 14))}")
    expect(_row(duty, "Answer by")).not_to_contain_text("Overdue")
    expect(_tray_row(duty, HOUSEHOLD)).to_have_count(0)
    duty.goto(enquiry_path)

    # The initial home visit, booked within the week, then held.
    visit_day = enquiry_day + timedelta(days=3)
    _step(duty, "Book the initial home visit", "Book the initial home visit")
    expect(_main(duty)).to_contain_text(f"by {visit_aim}")
    _fill_date(duty, "Date of the initial home visit", visit_day)
    duty.get_by_label("Time of the visit").fill("18:00")
    _press(duty, "Book the visit")
    expect(_success(duty)).to_contain_text("The initial home visit is booked")
    expect(_row(duty, "Initial home visit")).to_contain_text(
        f"Booked for {_moment(_london(visit_day, 18))} (within the aim)"
    )
    _step(duty, "Record the visit held", "Record the initial home visit")
    _fill_date(duty, "Date the visit took place", visit_day)
    _press(duty, "Save")
    expect(_success(duty)).to_contain_text("The initial home visit is recorded")
    expect(_row(duty, "Initial home visit")).to_contain_text(f"Held {_day(visit_day)}")

    # Their application, with consent to the statutory checks (refused without it).
    applied = enquiry_day + timedelta(days=5)
    _step(duty, "Record their application", "Record the application")
    _fill_date(duty, "Date the application came in", applied)
    _press(duty, "Record the application")
    expect(_errors(duty)).to_contain_text(
        "The applicants must consent to the statutory checks to apply"
    )
    assert_accessible(duty)
    duty.get_by_label("The applicants consent to the statutory checks").check()
    _press(duty, "Record the application")
    expect(_success(duty)).to_contain_text("the statutory checks are listed")
    application_path = _path(duty)
    checks = duty.get_by_role("table", name="Statutory checks")
    expect(checks.locator("tbody tr")).to_have_count(CHECKS)
    expect(_row(duty, "Checks back")).to_have_text(f"0 of {CHECKS}")
    assert_accessible(duty)

    # 2. The fostering team manager completes the six checks.
    assert manager.goto(application_path).status == 200
    _heading(manager, re.compile(rf"^{HOUSEHOLD} "))
    assert_accessible(manager)
    asked, back = applied, applied + timedelta(days=7)
    kinds = manager.get_by_role("table", name="Statutory checks").locator("tbody th")
    for check in kinds.all_inner_texts():
        _press(manager, f"Change {check}")
        expect(manager.get_by_role("heading", level=1)).to_have_text(
            re.compile(re.escape(check.split()[0]), re.IGNORECASE)
        )
        assert_accessible(manager)
        _fill_date(manager, "Date asked for", asked)
        _fill_date(manager, "Date it came back", back)
        _choose(manager, "What it found", "Clear")
        _press(manager, "Save the check")
        expect(_success(manager)).to_contain_text(re.compile(r"The .+ (is|are) updated"))
    expect(_row(manager, "Checks back")).to_have_text(f"{CHECKS} of {CHECKS}")
    worker.goto("/fostering/")
    _heading(worker, "Fostering")
    assert_accessible(worker)
    assessor = _signed_in_as(worker)

    # The Form F assessment starts, allocated to the supervising social worker: due in 20 weeks.
    _step(manager, "Start the assessment", "Start the assessment")
    expect(_main(manager)).to_contain_text(f"within {ASSESSMENT_WEEKS} weeks")
    _choose(manager, "Which assessment?", "Form F (mainstream)")
    manager.get_by_label("Assessing social worker").select_option(label=assessor)
    _fill_date(manager, "Date the assessment starts", started)
    _press(manager, "Start the assessment")
    expect(_success(manager)).to_contain_text("The assessment has started")
    assessment_due = _due_day("assessment", started)
    weeks = (today - started).days // 7
    expect(_main(manager)).to_contain_text(f"Week {weeks} of {ASSESSMENT_WEEKS}")
    expect(_row(manager, "Due")).to_have_text(_day(assessment_due))
    expect(_row(manager, "Assessor")).to_have_text(assessor)
    expect(_row(manager, "Statutory checks")).to_have_text(f"{CHECKS} of {CHECKS} back")
    assert_accessible(manager)

    # The assessor finds it in their tray, due on the same day, and records the work.
    assessing = _tray_row(worker, HOUSEHOLD)
    expect(assessing).to_have_count(1)
    expect(assessing).to_contain_text("Form F (mainstream) assessment")
    expect(assessing).to_contain_text(_day(assessment_due))
    assessing.get_by_role("link").click()
    _heading(worker, re.compile(rf"^{HOUSEHOLD} "))
    expect(worker.locator("main progress")).to_have_attribute("value", str(weeks))
    assert_accessible(worker)
    assessment_path = _path(worker)
    _step(worker, "Record a visit", "Record an assessment visit")
    _fill_date(worker, "Date of the visit", started + timedelta(days=2))
    _field(worker, "What the visit covered").fill("Family history and the home.")
    _press(worker, "Record the visit")
    expect(_success(worker)).to_contain_text("The visit is recorded")
    expect(worker.get_by_role("table", name="Assessment visits")).to_contain_text(
        "Family history and the home."
    )
    _step(worker, "Record training or the report", "Preparation training and the report")
    _fill_date(worker, "Preparation training completed on", started + timedelta(days=7))
    _fill_date(worker, "Assessment report completed on", report_done)
    _press(worker, "Save")
    expect(_success(worker)).to_contain_text("The assessment's progress is recorded")
    expect(_row(worker, "Preparation training")).to_have_text(_day(started + timedelta(days=7)))
    expect(_row(worker, "Assessment report")).to_have_text(
        f"Completed {_day(report_done)}: ready for panel"
    )
    expect(_tray_row(worker, HOUSEHOLD)).to_have_count(0)

    # 3. The panel: a recent working day without a sitting; the assessment on its agenda.
    review_panel_day, approval_panel_day = _free_sitting_days(manager, today)
    assert approval_panel_day >= report_done, "no free day for a sitting since the report"
    _add_sitting(manager, approval_panel_day)
    panel_path = _path(manager)
    _step(manager, "Assessment for approval", "Add to the agenda: assessment for approval")
    manager.get_by_role("group", name="Assessment").get_by_label(
        re.compile(rf"^{HOUSEHOLD} .*report completed {_day(report_done)}")
    ).check()
    manager.get_by_label("Presented by").select_option(label=assessor)
    _press(manager, "Add to the agenda")
    expect(_success(manager)).to_contain_text(f"{HOUSEHOLD} is on the agenda")
    expect(_agenda_row(manager)).to_contain_text("Assessment for approval")

    # The recommendation on the day, with the terms it recommends.
    _agenda_row(manager).get_by_role("link", name=re.compile("^Record the recommendation")).click()
    _heading(manager, "Record the panel's recommendation")
    assert_accessible(manager)
    _choose(manager, "The panel's recommendation", "Recommends approval")
    _field(manager, "Youngest age").fill("5")
    _field(manager, "Oldest age").fill("11")
    manager.get_by_label(re.compile(r"^Number of children")).fill("2")
    for care in CARE:
        manager.get_by_role("group", name=re.compile("^Types of care")).get_by_label(
            care, exact=True
        ).check()
    _field(manager, "Notes").fill("A warm, well-prepared couple.")
    _press(manager, "Record it")
    expect(_success(manager)).to_contain_text("The panel's recommendation is recorded")
    terms = f"Ages 5 to 11, up to 2 children; {', '.join(CARE)}"
    expect(_agenda_row(manager)).to_contain_text("Recommends approval")
    expect(_agenda_row(manager)).to_contain_text(terms)

    # The minutes reach the agency decision maker the same day: the decision is due in 5 working
    # days of them.
    _step(manager, "Record the minutes", "Record the minutes")
    _fill_date(manager, "Minutes received by the agency decision maker on", approval_panel_day)
    _field(manager, "Minutes").fill("The panel recommends approval.")
    _press(manager, "Record the minutes")
    expect(_success(manager)).to_contain_text(f"decides within {DECISION_DAYS} working days")
    decision_due = _day(_due_day("adm_decision", approval_panel_day))
    expect(_row(manager, "Minutes received")).to_have_text(_day(approval_panel_day))
    expect(_agenda_row(manager)).to_contain_text(f"Due {decision_due}")
    assert_accessible(manager)

    # 4. The agency decision maker has it in their tray and their list, with its due date;
    # approval waits for safeguarding training.
    deciding = _tray_row(decider, f"Decision after panel: Assessment for approval, {HOUSEHOLD}")
    expect(deciding).to_have_count(1)
    expect(deciding).to_contain_text(_moment(_due("adm_decision", _london(approval_panel_day, 9))))
    decider.goto("/fostering/decisions/")
    _heading(decider, "Decisions after panel")
    assert_accessible(decider)
    waiting = _waiting_for_decision(decider)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("Assessment for approval")
    expect(waiting).to_contain_text("Recommends approval")
    expect(waiting).to_contain_text(decision_due)
    waiting.get_by_role("link", name=HOUSEHOLD).click()
    _heading(decider, "Make the decision after panel")
    decision_path = _path(decider)
    expect(_row(decider, "Decision due")).to_have_text(decision_due)
    expect(_row(decider, "Terms")).to_have_text(terms)
    # The appeal window (28 days) runs only from a decision against them.
    expect(_main(decider)).to_contain_text(
        f"If you do not approve them, the applicants may appeal within {APPEAL_DAYS} days."
    )
    assert_accessible(decider)
    expect(decider.get_by_label("Approve them as foster carers")).to_be_checked()
    reason = "The panel's recommendation is well founded; the checks are clear."
    _decide(decider, "Approve them as foster carers", approval_panel_day, reason)
    expect(_errors(decider)).to_contain_text(
        "Safeguarding training must be completed before full approval"
    )
    expect(
        _main(decider).locator(".govuk-error-message", has_text="Safeguarding training")
    ).to_be_visible()
    assert_accessible(decider)

    # The supervising social worker records the household's safeguarding training.
    worker.goto(assessment_path)
    _press(worker, "The household's record")
    _heading(worker, HOUSEHOLD)
    household_path = _path(worker)
    expect(_main(worker)).to_contain_text("In assessment")
    expect(_row(worker, "Assessment")).to_contain_text(
        f"Week {weeks} of {ASSESSMENT_WEEKS}, due {_day(assessment_due)}"
    )
    assert_accessible(worker)
    _press(worker, "Record training")
    _heading(worker, "Record training")
    expect(_row(worker, "Safeguarding")).to_have_text("Not done: needed before full approval")
    assert_accessible(worker)
    _choose(worker, "Course", "Safeguarding")
    safeguarding_day = started + timedelta(days=10)
    _fill_date(worker, "Completed on", safeguarding_day)
    _press(worker, "Record the training")
    expect(_success(worker)).to_contain_text("The training is recorded")
    training = worker.get_by_role("table", name="Training").locator("tbody tr")
    expect(training.filter(has_text="Safeguarding")).to_contain_text(_day(safeguarding_day))

    # Now the decision maker approves them on the panel's terms: nothing to appeal against.
    decider.goto(decision_path)
    _decide(decider, "Approve them as foster carers", approval_panel_day, reason)
    approved = f"Approve them as foster carers, {_day(approval_panel_day)}"
    expect(_success(decider)).to_contain_text(
        "Your decision is recorded: approve them as foster carers"
    )
    expect(_success(decider)).not_to_contain_text("appeal")
    _heading(decider, "Decision after panel")
    expect(_row(decider, "Decision")).to_contain_text(approved)
    expect(_row(decider, "Terms")).to_have_text(terms)
    assert_accessible(decider)

    # The household is approved on those terms, its first visit and review due from the approval.
    first_visit_due = approval_panel_day + NEW_CARERS_VISITED
    first_review_due = _due_day("annual_review", approval_panel_day)
    worker.goto(household_path)
    main = _main(worker)
    expect(main.locator("h1 + p .govuk-tag")).to_have_text("Approved")
    expect(_row(worker, "Approved for")).to_have_text("Ages 5 to 11, up to 2 children")
    for care in CARE:
        expect(_row(worker, "Types of care")).to_contain_text(care)
    expect(_row(worker, "Approved on")).to_have_text(_day(approval_panel_day))
    expect(_row(worker, "Next review due")).to_contain_text(_day(first_review_due))
    expect(_row(worker, "Supervisory visits")).to_have_text(
        re.compile(r"^Every \d+ weeks: new carers, for \d+ months after approval$")
    )
    expect(_row(worker, "Next supervisory visit due")).to_contain_text(_day(first_visit_due))
    expect(_row(worker, "Annual review due")).to_contain_text(_day(first_review_due))
    expect(_row(worker, "Annual review due")).to_contain_text("it goes to the fostering panel")
    expect(_row(worker, "Safeguarding training")).to_have_text("Done")
    panel_business = worker.get_by_role("table", name="Panel business and decisions")
    expect(panel_business).to_contain_text(approved)
    assert_accessible(worker)

    # The fostering team manager makes the assessor their supervising social worker.
    manager.goto(household_path)
    assert_accessible(manager)
    manager.get_by_role("link", name="Change the supervising social worker").click()
    _heading(manager, "Choose the supervising social worker")
    assert_accessible(manager)
    manager.get_by_label("Supervising social worker").select_option(label=assessor)
    _press(manager, "Save")
    expect(_success(manager)).to_contain_text(f"{assessor} supervises {HOUSEHOLD}")

    # 5. A supervisory visit today: written up within 48 hours, sent to the carers within 2 weeks.
    worker.goto(household_path)
    expect(_row(worker, "Supervising social worker")).to_contain_text(assessor)
    _step(worker, "Record a visit", "Record a visit")
    expect(_row(worker, "Next supervisory visit due")).to_have_text(_day(first_visit_due))
    expect(
        worker.get_by_role("group", name="Kind of visit").get_by_label("Supervisory visit")
    ).to_be_checked()
    visited = max(_london(today, 0, 1), (now - timedelta(minutes=10)).replace(second=0))
    visited = visited.replace(microsecond=0)
    _fill_date(worker, "Date of the visit", today)
    _field(worker, "Time of the visit").fill(f"{visited:%H:%M}")
    worker.get_by_label("Who made the visit").select_option(label=assessor)
    worker.get_by_label("The children were present").check()
    _press(worker, "Record the visit")
    write_up_by = _moment(_due("visit_recording", visited))
    send_by = _moment(_due("supervision_record_to_carer", visited))
    expect(_success(worker)).to_contain_text(f"Write it up by {write_up_by}")
    _heading(worker, f"Supervisory visit on {_day(today)}")
    expect(_main(worker)).to_contain_text(f"To be written up: due by {write_up_by}")
    expect(_row(worker, "Record due by")).to_have_text(write_up_by)
    expect(_row(worker, "Record to the carers by")).to_have_text(send_by)
    assert_accessible(worker)
    # It waits in the visitor's tray until it is written up and sent.
    writing_up = _tray_row(worker, f"Supervisory visit to {HOUSEHOLD}")
    expect(writing_up).to_have_count(1)
    expect(writing_up).to_contain_text(write_up_by)
    writing_up.get_by_role("link").click()
    _heading(worker, f"Supervisory visit on {_day(today)}")
    visit_path = _path(worker)
    worker.get_by_label("The record of the visit").fill(VISIT_RECORD)
    _press(worker, "Save the record")
    expect(_success(worker)).to_contain_text("The visit's record is saved")
    visits = worker.get_by_role("table", name="Visits")
    expect(visits).to_contain_text(f"To be sent to the carers: due by {send_by}")
    next_visit_due = today + NEW_CARERS_VISITED
    expect(_row(worker, "Next supervisory visit due")).to_have_text(_day(next_visit_due))
    worker.goto(visit_path)
    expect(_main(worker)).to_contain_text(f"To be sent to the carers: due by {send_by}")
    assert_accessible(worker)
    _fill_date(worker, "Sent to the carers on", today)
    _press(worker, "Save the record")
    expect(_success(worker)).to_contain_text("The visit's record is saved")
    expect(visits.locator("tbody tr").first).to_contain_text("Done")
    expect(_row(worker, "Next supervisory visit due")).to_have_text(_day(next_visit_due))
    assert_accessible(worker)
    expect(_tray_row(worker, f"Supervisory visit to {HOUSEHOLD}")).to_have_count(0)
    worker.goto(household_path)

    # 6. The first annual review, held on the day of the next sitting: it goes to panel.
    _step(worker, "Record an annual review", "Record an annual review")
    expect(_main(worker)).to_contain_text("This is the first review since approval")
    expect(_row(worker, "Review due by")).to_have_text(_day(first_review_due))
    _fill_date(worker, "Date of the review", review_panel_day)
    worker.get_by_label("Reviewing officer").select_option(label=assessor)
    worker.get_by_label("The carers' views").fill(
        "Settling in well; they would like more training."
    )
    _choose(worker, "Recommendation", "Continue, same terms")
    _press(worker, "Record the review")
    expect(_success(worker)).to_contain_text(
        "The first annual review is recorded: it goes to the fostering panel next"
    )
    reviews = worker.get_by_role("table", name="Annual reviews")
    expect(reviews).to_contain_text("Held: waiting for the panel")

    # The fostering team manager puts it to the panel, which recommends it continues.
    manager.goto(panel_path)
    manager.get_by_role("link", name="Fostering panel", exact=True).first.click()
    _heading(manager, "Fostering panel")
    _add_sitting(manager, review_panel_day)
    _step(manager, "First annual review", "Add to the agenda: first annual review")
    manager.get_by_role("group", name="First annual review").get_by_label(
        re.compile(rf"^{HOUSEHOLD} .*held {_day(review_panel_day)}")
    ).check()
    _press(manager, "Add to the agenda")
    expect(_success(manager)).to_contain_text(f"{HOUSEHOLD} is on the agenda")
    _agenda_row(manager).get_by_role("link", name=re.compile("^Record the recommendation")).click()
    _heading(manager, "Record the panel's recommendation")
    assert_accessible(manager)
    _choose(manager, "The panel's recommendation", "Recommends their approval continues")
    _press(manager, "Record it")
    expect(_agenda_row(manager)).to_contain_text("Recommends their approval continues")
    _step(manager, "Record the minutes", "Record the minutes")
    _fill_date(manager, "Minutes received by the agency decision maker on", today)
    _press(manager, "Record the minutes")
    review_decision_due = _day(_due_day("adm_decision", today))
    expect(_agenda_row(manager)).to_contain_text(f"Due {review_decision_due}")
    assert_accessible(manager)

    # The agency decision maker agrees: the next review is due a year after this one.
    decider.goto("/fostering/decisions/")
    waiting = _waiting_for_decision(decider)
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("First annual review")
    expect(waiting).to_contain_text(review_decision_due)
    assert_accessible(decider)
    waiting.get_by_role("link", name=HOUSEHOLD).click()
    _heading(decider, "Make the decision after panel")
    assert_accessible(decider)
    _decide(decider, "Continue their approval", today, "The review shows good care.")
    expect(_success(decider)).to_contain_text("Your decision is recorded: continue their approval")
    decided = decider.get_by_role("table", name=re.compile("^Decisions of the last 90 days"))
    decider.goto("/fostering/decisions/")
    ours = decided.locator("tbody tr").filter(has_text=HOUSEHOLD)
    expect(ours).to_have_count(2)
    expect(ours.filter(has_text="First annual review")).to_contain_text(
        f"Continue their approval, {_day(today)}"
    )
    expect(ours.filter(has_text="Assessment for approval")).to_contain_text(approved)
    assert_accessible(decider)

    next_review_due = _due_day("annual_review", review_panel_day)
    worker.goto(household_path)
    expect(_row(worker, "Next review due")).to_contain_text(_day(next_review_due))
    expect(_row(worker, "Annual review due")).to_have_text(_day(next_review_due))
    expect(reviews.locator("tbody tr").first).to_contain_text("Complete")
    expect(_row(worker, "Next supervisory visit due")).to_have_text(_day(next_visit_due))
    assert_accessible(worker)
