"""The children looked after return (SSDA903) as Hearth holds it: each child's episodes of care,
the details of the return's header that the child's record does not already hold, and the
return's other tables (reviews, missing episodes, outcomes, adoption, previous permanence, social
worker episodes).

`Episode` is the statutory record of a child's care. Episodes of placements made in Hearth are
written by `hearth.ssda903.episodes` from the placements and legal status changes (and only by
it); episodes of earlier years come from `hearth import 903`. The export, the data quality page
and the indicators all read episodes, so they count the same thing.

Field names follow the DfE's column names (in each field's verbose name), so a reader of the
return's guidance can find them.
"""

from django.conf import settings
from django.db import models
from django.db.models import CharField, F, Func

from hearth.core.models import Organisation
from hearth.people.models import Child
from hearth.placements.models import Placement


class ChildReturn(models.Model):
    """What the return's header (and UASC table) needs about a child beyond the child's record."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="statutory")
    upn = models.CharField(
        "UPN", max_length=13, blank=True, help_text="Unique pupil number, or a UN1 to UN5 code"
    )
    mother = models.CharField(
        "MOTHER", max_length=1, blank=True, help_text="1: the child is a mother; 0: not; blank"
    )
    mc_dob = models.DateField("MC_DOB", null=True, blank=True, help_text="Her child's birth date")
    category_of_need = models.CharField(
        "CIN", max_length=2, blank=True, help_text="Category of need, N1 to N8"
    )
    uasc = models.BooleanField("UASC", default=False, help_text="Unaccompanied asylum seeker")
    uasc_ceased_on = models.DateField("DUC", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Return details of child {self.child_id}"


class LegalStatusChange(models.Model):
    """A looked-after child's legal status changing on a day: their episode ends (REC X1) and a
    new one starts (RNE L, or T or B when the placement changes the same day)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="legal_status_changes")
    changed_on = models.DateField()
    legal_status = models.CharField("LS", max_length=2)
    previous_status = models.CharField(max_length=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["child", "changed_on"], name="one_status_change_a_day")
        ]

    def __str__(self):
        return f"{self.legal_status} from {self.changed_on} for child {self.child_id}"


class Episode(models.Model):
    """One SSDA903 episode: a period with one placement and one legal status."""

    class Source(models.TextChoices):
        HEARTH = "hearth", "Recorded in Hearth"
        IMPORTED = "imported", "Imported from an earlier return"

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="episodes")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="episodes"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    decom = models.DateField("DECOM")
    rne = models.CharField("RNE", max_length=1)
    ls = models.CharField("LS", max_length=2)
    cin = models.CharField("CIN", max_length=2, blank=True)
    place = models.CharField("PLACE", max_length=3)
    place_provider = models.CharField("PLACE_PROVIDER", max_length=3, blank=True)
    dec = models.DateField("DEC", null=True, blank=True)
    rec = models.CharField("REC", max_length=3, blank=True)
    reason_place_change = models.CharField("REASON_PLACE_CHANGE", max_length=6, blank=True)
    home_post = models.CharField("HOME_POST", max_length=8, blank=True)
    pl_post = models.CharField("PL_POST", max_length=8, blank=True)
    urn = models.CharField("URN", max_length=8, blank=True)

    class Meta:
        ordering = ["child_id", "decom", "pk"]
        indexes = [
            models.Index(fields=["authority", "decom"]),
            models.Index(fields=["authority", "dec"]),
            models.Index(fields=["child", "decom"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(dec__isnull=True) | models.Q(dec__gte=models.F("decom")),
                name="episode_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Episode of child {self.child_id} from {self.decom}"

    @property
    def is_open(self):
        return self.dec is None


class _ChildRow(models.Model):
    """A row of one of the return's child tables, kept with the council it was returned to."""

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self._meta.verbose_name.capitalize()} of child {self.child_id}"


class Review(_ChildRow):
    """A statutory review of the child's care plan (the reviews table)."""

    reviewed_on = models.DateField("REVIEW")
    participation = models.CharField("REVIEW_CODE", max_length=3, help_text="PN0 to PN7")

    class Meta:
        ordering = ["child_id", "reviewed_on", "pk"]
        indexes = [models.Index(fields=["authority", "reviewed_on"])]


class MissingEpisode(_ChildRow):
    """A time the child was missing (M) or away without authorisation (A)."""

    kind = models.CharField("MISSING", max_length=1)
    started_on = models.DateField("MIS_START")
    ended_on = models.DateField("MIS_END", null=True, blank=True)

    class Meta:
        ordering = ["child_id", "started_on", "pk"]
        indexes = [models.Index(fields=["authority", "started_on"])]


class HealthOutcome(_ChildRow):
    """OC2: outcomes of a child looked after for 12 months on 31 March of `year` + 1."""

    year = models.PositiveSmallIntegerField(help_text="The collection year's first year")
    sdq_score = models.CharField("SDQ_SCORE", max_length=2, blank=True)
    sdq_reason = models.CharField("SDQ_REASON", max_length=4, blank=True)
    convicted = models.CharField("CONVICTED", max_length=1, blank=True)
    health_check = models.CharField("HEALTH_CHECK", max_length=1, blank=True)
    immunisations = models.CharField("IMMUNISATIONS", max_length=1, blank=True)
    teeth_check = models.CharField("TEETH_CHECK", max_length=1, blank=True)
    health_assessment = models.CharField("HEALTH_ASSESSMENT", max_length=1, blank=True)
    substance_misuse = models.CharField("SUBSTANCE_MISUSE", max_length=1, blank=True)
    intervention_received = models.CharField("INTERVENTION_RECEIVED", max_length=1, blank=True)
    intervention_offered = models.CharField("INTERVENTION_OFFERED", max_length=1, blank=True)

    class Meta:
        ordering = ["child_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "year"], name="one_oc2_a_year"),
        ]


class CareLeaverOutcome(_ChildRow):
    """OC3: a care leaver's contact, activity and accommodation around a birthday in `year`."""

    year = models.PositiveSmallIntegerField(help_text="The collection year's first year")
    in_touch = models.CharField("IN_TOUCH", max_length=4, blank=True)
    activity = models.CharField("ACTIV", max_length=4, blank=True)
    accommodation = models.CharField("ACCOM", max_length=2, blank=True)

    class Meta:
        ordering = ["child_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "year"], name="one_oc3_a_year"),
        ]


class AdoptionDecision(_ChildRow):
    """AD1: the decision that the child should be placed for adoption, and the match."""

    decided_on = models.DateField("DATE_INT", null=True, blank=True)
    matched_on = models.DateField("DATE_MATCH", null=True, blank=True)
    foster_care = models.CharField("FOSTER_CARE", max_length=1, blank=True)
    number_of_adopters = models.CharField("NB_ADOPTR", max_length=1, blank=True)
    sex_of_adopters = models.CharField("SEX_ADOPTR", max_length=2, blank=True)
    legal_status_of_adopters = models.CharField("LS_ADOPTR", max_length=3, blank=True)

    class Meta:
        ordering = ["child_id", "pk"]


class PlacedForAdoption(_ChildRow):
    """The decision that the child should be placed for adoption, and its ending if it ceased."""

    placed_on = models.DateField("DATE_PLACED", null=True, blank=True)
    ceased_on = models.DateField("DATE_PLACED_CEASED", null=True, blank=True)
    reason_ceased = models.CharField("REASON_PLACED_CEASED", max_length=3, blank=True)

    class Meta:
        ordering = ["child_id", "placed_on", "pk"]


class PreviousPermanence(_ChildRow):
    """Whether a child starting to be looked after had left care before to a permanence order."""

    previous_permanence = models.CharField("PREV_PERM", max_length=2, blank=True)
    la_perm = models.CharField("LA_PERM", max_length=3, blank=True)
    date_perm = models.CharField(
        "DATE_PERM", max_length=10, blank=True, help_text="dd/mm/yyyy, with zz for an unknown part"
    )

    class Meta:
        ordering = ["child_id", "pk"]


class SocialWorkerEpisode(_ChildRow):
    """A period with one allocated social worker (SW_ID: their Social Work England number)."""

    social_worker_id = models.CharField("SW_ID", max_length=12)
    started_on = models.DateField("SW_DECOM")
    ended_on = models.DateField("SW_DEC", null=True, blank=True)
    reason = models.CharField("SW_REASON", max_length=6, blank=True)

    class Meta:
        ordering = ["child_id", "started_on", "pk"]
        indexes = [models.Index(fields=["authority", "started_on"])]


class QualityRun(models.Model):
    """The council's return so far, checked against the DfE's rules and Hearth's own: what would
    fail today, by child and rule (the data quality page shows the latest)."""

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="The collection year's first year")
    ruleset = models.CharField(max_length=20)
    run_at = models.DateTimeField()
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    failures = models.JSONField(
        default=list, help_text="[{child, table, row, rule, message, fields, source}]"
    )
    rules_failed_to_run = models.JSONField(default=list)

    class Meta:
        ordering = ["-run_at", "-pk"]
        indexes = [models.Index(fields=["authority", "year", "-run_at"])]

    def __str__(self):
        return f"Data quality of {self.authority_id} {self.year} at {self.run_at:%Y-%m-%d %H:%M}"


def council_rows(model, authority):
    """The council's rows of `model` (one of the return's tables), read in the table's own order
    rather than through an index on the council.

    `authority_id + 0`, not `authority_id`, so that no index on the council is used: SQLite plans
    without statistics, and given an (authority, date) index it walks it to fetch nearly every
    row of a national history out of the table's order (7 s for the episodes of a year, and a
    sort of them after); read in order and filtered, the same rows take under a second, and an
    ORDER BY child can follow the (child, date) index. On PostgreSQL it is a sequential scan too:
    the plan it would choose for a national history anyway, and a small table's scan for a
    region."""
    return model.objects.alias(council=F("authority_id") + 0).filter(council=authority.pk)


class IsoDate(Func):
    """A date field read as its ISO text ("2025-04-01"), None when empty: compared as text (ISO
    dates sort as the days do) and formatted once a distinct day (the export's `_Texts`), rather than made
    into a `date` for each of a million cells."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS VARCHAR(10))"

    def as_sqlite(self, compiler, connection, **extra):
        # Stored as ISO text; an expression has no declared type, so no converter runs on it.
        return self.as_sql(compiler, connection, template="(%(expressions)s || '')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "TO_CHAR(%(expressions)s, 'YYYY-MM-DD')"  # whatever the DateStyle
        return self.as_sql(compiler, connection, template=template, **extra)
