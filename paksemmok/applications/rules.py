"""The register's rules per variant: who may apply for what, and what the register must stay.

ONE home for every eligibility and consistency rule. The resident's submission
(`checks.check_application`, also when a draft is started) and the officer's approval
(`backoffice.services.approve`, which re-checks because the register may have changed since)
both call `check`; nothing else decides these questions.

API (reads the register, never writes; no request, no user):

    check(variant, subject, data, *, family=None, today=None, exclude=None)
        -> list[RuleViolation]
        variant  a catalog Variant, or its code (then no catalogue-chosen rules apply unless
                 `eligibility=[...]` is passed)
        subject  the Resident the application is about; None for a newborn
        data     the form answers (Application.data); rules whose answers are still empty
                 stay silent (completeness is checks.check_fields' job)
        family   the KK the application is filed on (the applicant's), for newborns and
                 "the rest of the family keeps a head"
        today    the day the rules are judged on (age); default: today in WIB
        exclude  the application's own pk, left out of "another open application" searches
    check_application(application, *, today=None) -> list[RuleViolation]   the same, for a row
    possible_duplicates(data, family) -> list[population.duplicates.Match]   near matches of a
        birth's child anywhere in the register (the review panel; approval then needs a
        supervisor and a written reason)
    errors(violations) / warnings(violations)   split by severity: an error blocks submission
        and approval; a warning (e.g. the parents are on different KKs) is shown to staff.

    RuleViolation(code, message, item=SUBJECT_ITEM, severity="error", link="", link_text="",
                  details={})
        code     stable, dotted: "split.not_recorded", "birth.already_registered"... (the API
                 returns it; tests and the property test match on it)
        message  Indonesian (the active language; English in locale/en)
        item     where the page shows it: an items.Item, the subject or a field

    RULES: every rule by code (Rule: code, variants, description, function);
    ELIGIBILITY: the catalogue's admin-selectable rule codes (Variant.eligibility) -> Rule.

Adding a rule: write `def _my_rule(case: Case) -> Iterable[RuleViolation]` and decorate it with
`@rule("split.my_code", "kk-pisah", description=...)`, one or more variant codes (or
`catalogue="code"` to make it selectable per variant in the admin). Give it a test in
tests/applications/test_rules.py. See docs/architecture.md, "Register rules".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from paksemmok.catalog.fields import CHANGEABLE_FIELDS, kk_changes
from paksemmok.catalog.models import Variant
from paksemmok.population.duplicates import Match, people_like
from paksemmok.population.ektp_eligibility import old_enough_on
from paksemmok.population.invariants import PARENTS_OF
from paksemmok.population.models import Family, MaritalStatus, Relationship, Resident, Sex
from paksemmok.population.names import SIMILAR, name_similarity

from .items import SUBJECT_ITEM, Item
from .lifecycle import OPEN_STATUSES, ApplicationError

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class RuleViolation:
    code: str
    message: str
    item: Item = SUBJECT_ITEM
    severity: str = ERROR
    link: str = ""
    link_text: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": str(self.message),
            "item": self.item,
            "severity": self.severity,
            "details": self.details,
        }


class RulesRefused(ApplicationError):
    """Raised at approval when a rule no longer holds; `violations` says which."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        self.violations = violations
        super().__init__(
            _("Aturan pencatatan tidak terpenuhi: %(rules)s")
            % {"rules": "; ".join(f"{v.message} [{v.code}]" for v in violations)}
        )


@dataclass(frozen=True)
class Change:
    """One data change of a KK (or e-KTP) change application, for the change.* rules."""

    number: int
    person: Resident | None
    member: str
    field: str
    value: str
    item: Item

    def wants(self, code: str, label: Any) -> bool:
        wanted = self.value.strip().lower()
        return wanted in (str(code), str(label).lower())

    def date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.value)
        except ValueError:
            return None


@dataclass(frozen=True)
class Case:
    """What a rule may look at."""

    variant_code: str
    subject: Resident | None
    data: Mapping[str, Any]
    family: Family | None
    today: dt.date
    exclude: int | None = None
    # Register reads made for one check, shared by the rules that ask the same question
    # (several rules read the mother and the family: once each per submission).
    _reads: dict[tuple[str, Any], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def date(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except (TypeError, ValueError):
            return None

    def resident(self, key: str) -> Resident | None:
        nik = str(self.data.get(key) or "")
        if len(nik) != 16:
            return None
        if ("nik", nik) not in self._reads:
            self._reads["nik", nik] = (
                Resident.objects.select_related("family").filter(nik=nik).first()
            )
        return self._reads["nik", nik]

    def changes(self) -> list[Change]:
        """The data changes asked for (KK change: several; e-KTP change: one), each with
        the resident it is about: "" names the subject, a NIK a member of the subject's KK.
        `person` is None when that NIK is no living member of the KK (change.not_member)."""
        members = {
            m.nik: m
            for m in self.living_members(
                self.subject.family if self.subject and self.subject.family_id else self.family
            )
        }
        item = Item.field("changes" if self.data.get("changes") else "new_value")
        return [
            Change(
                number=i,
                person=members.get(c["member"]) if c["member"] else self.subject,
                member=c["member"],
                field=c["field"],
                value=c["value"],
                item=item,
            )
            for i, c in enumerate(kk_changes(self.data), start=1)
            if c["field"]
        ]

    def living_members(self, family: Family | None) -> list[Resident]:
        if family is None:
            return []
        if ("family", family.pk) not in self._reads:
            self._reads["family", family.pk] = list(
                family.members.filter(life_status=Resident.LifeStatus.ALIVE)
            )
        return list(self._reads["family", family.pk])


RuleFunction = Callable[[Case], Iterable[RuleViolation] | RuleViolation | None]


@dataclass(frozen=True)
class Rule:
    code: str
    variants: tuple[str, ...]
    description: Any
    function: RuleFunction
    catalogue: str = ""
    # Catalogue rule codes this variant rule makes redundant (said better here).
    replaces: tuple[str, ...] = ()


RULES: dict[str, Rule] = {}
ELIGIBILITY: dict[str, Rule] = {}


def rule(
    code: str,
    *variants: str,
    description: Any,
    catalogue: str = "",
    replaces: tuple[str, ...] = (),
) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        entry = Rule(code, tuple(variants), description, function, catalogue, replaces)
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = entry
        if catalogue:
            ELIGIBILITY[catalogue] = entry
        return function

    return register


def _violations(result: Iterable[RuleViolation] | RuleViolation | None) -> list[RuleViolation]:
    if result is None:
        return []
    if isinstance(result, RuleViolation):
        return [result]
    return list(result)


def rules_for(variant_code: str, eligibility: Iterable[str] = ()) -> list[Rule]:
    """The variant's own rules (law, always) and the catalogue's chosen ones, in that order."""
    own = [r for r in RULES.values() if variant_code in r.variants]
    replaced = {code for r in own for code in r.replaces}
    chosen = [ELIGIBILITY[c] for c in eligibility if c in ELIGIBILITY and c not in replaced]
    return [*chosen, *own]


def check(
    variant: Variant | str,
    subject: Resident | None,
    data: Mapping[str, Any],
    *,
    family: Family | None = None,
    today: dt.date | None = None,
    exclude: int | None = None,
    eligibility: Iterable[str] | None = None,
) -> list[RuleViolation]:
    if isinstance(variant, Variant):
        code = variant.code
        chosen = list(variant.eligibility) if eligibility is None else list(eligibility)
        if variant.subject == Variant.Subject.NEWBORN and "newborn" not in chosen:
            chosen.append("newborn")
    else:
        code, chosen = variant, list(eligibility or [])
    case = Case(
        variant_code=code,
        subject=subject,
        data=data or {},
        family=family if family is not None else getattr(subject, "family", None),
        today=today or timezone.localdate(),
        exclude=exclude,
    )
    found: list[RuleViolation] = []
    for entry in rules_for(code, chosen):
        found += _violations(entry.function(case))
    return found


def check_application(application: Any, *, today: dt.date | None = None) -> list[RuleViolation]:
    return check(
        application.variant,
        application.subject,
        application.data,
        family=application.family,
        today=today,
        exclude=application.pk,
    )


def possible_duplicates(data: Mapping[str, Any], family: Family | None) -> list[Match]:
    """Residents anywhere in the register who may be the child of a birth application: same
    birth date and a near name (population.duplicates, names.NEAR). What the review's panel
    lists; approving while any is listed needs a supervisor (backoffice.services.approve)."""
    name = str(data.get("child_name") or "")
    try:
        born = dt.date.fromisoformat(str(data.get("child_birth_date")))
    except ValueError:
        return []
    if not name:
        return []
    mother = Resident.objects.filter(nik=str(data.get("mother_nik") or "-")).first()
    return people_like(
        name,
        born,
        family_id=family.pk if family is not None else None,
        mother_name=mother.full_name if mother else "",
    )


def errors(violations: Iterable[RuleViolation]) -> list[RuleViolation]:
    return [v for v in violations if v.blocking]


def warnings(violations: Iterable[RuleViolation]) -> list[RuleViolation]:
    return [v for v in violations if not v.blocking]


def _adult_or_married(person: Resident, today: dt.date) -> bool:
    # One definition with perekaman booking (UU 24/2013 Pasal 63: 17+, or married or ever).
    return old_enough_on(person, today)


# --- rules the catalogue chooses per variant (Variant.eligibility) ------------------------


@rule(
    "subject.not_alive",
    catalogue="member_alive",
    description=gettext_lazy("Orang yang dimohonkan tercatat hidup"),
)
def _member_alive(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None or s.is_alive:
        return None
    return RuleViolation(
        "subject.not_alive",
        _("%(name)s tidak tercatat hidup di KK Anda.") % {"name": s.full_name},
    )


@rule(
    "ektp.not_recorded",
    catalogue="ektp_recorded",
    description=gettext_lazy("Sudah perekaman e-KTP (cetak daring hanya setelah perekaman)"),
)
def _ektp_recorded(case: Case) -> RuleViolation | None:
    s = case.subject
    # Too young or not alive: those rules speak; perekaman would not help.
    if s is None or s.is_recorded or not s.is_alive or not _adult_or_married(s, case.today):
        return None
    return RuleViolation(
        "ektp.not_recorded",
        _(
            "%(name)s belum melakukan perekaman e-KTP. Perekaman (foto, sidik jari dan "
            "iris mata) hanya dapat dilakukan langsung di kantor Disdukcapil, kantor "
            "kecamatan, atau layanan jemput bola di balai desa. Setelah perekaman, "
            "e-KTP dapat diajukan secara daring."
        )
        % {"name": s.full_name},
        link=reverse("appointments:start"),
        link_text=_("Buat janji perekaman e-KTP"),
    )


@rule(
    "ektp.too_young",
    catalogue="ektp_age",
    description=gettext_lazy("Berusia 17 tahun atau sudah/pernah kawin (UU 24/2013 Pasal 63)"),
)
def _ektp_age(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None or _adult_or_married(s, case.today):
        return None
    return RuleViolation(
        "ektp.too_young",
        _(
            "%(name)s berusia %(age)s tahun dan belum pernah kawin. e-KTP untuk penduduk "
            "berusia 17 tahun ke atas atau yang sudah/pernah kawin; anak di bawah 17 tahun "
            "dapat mengajukan KIA."
        )
        % {"name": s.full_name, "age": s.age_on(case.today)},
    )


@rule(
    "kia.not_under_5",
    catalogue="kia_under_5",
    description=gettext_lazy("KIA tanpa foto: anak di bawah 5 tahun (Permendagri 2/2016)"),
)
def _kia_under_5(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None:
        return None
    age = s.age_on(case.today)
    if age < 5:
        return None
    return RuleViolation(
        "kia.not_under_5",
        _("%(name)s berusia %(age)s tahun: pilih “KIA anak 5 sampai 17 tahun” (perlu pas foto).")
        % {"name": s.full_name, "age": age}
        if age < 17
        else _("KIA hanya untuk anak di bawah 17 tahun; ajukan e-KTP."),
    )


@rule(
    "kia.not_5_to_17",
    catalogue="kia_5_to_17",
    description=gettext_lazy("KIA dengan foto: anak 5 sampai 17 tahun kurang satu hari"),
)
def _kia_5_to_17(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None:
        return None
    age = s.age_on(case.today)
    if 5 <= age < 17:
        return None
    return RuleViolation(
        "kia.not_5_to_17",
        _("%(name)s berusia %(age)s tahun: pilih “KIA anak di bawah 5 tahun”.")
        % {"name": s.full_name, "age": age}
        if age < 5
        else _("KIA hanya untuk anak di bawah 17 tahun; ajukan e-KTP."),
    )


@rule(
    "birth.subject_given",
    catalogue="newborn",
    description=gettext_lazy("Akta kelahiran untuk anak yang belum terdaftar"),
)
def _newborn(case: Case) -> RuleViolation | None:
    if case.subject is None:
        return None
    return RuleViolation(
        "birth.subject_given", _("Akta kelahiran diajukan untuk anak yang belum terdaftar.")
    )


# --- KK: pisah KK (split at the same address) ---------------------------------------------


@rule(
    "split.not_adult",
    "kk-pisah",
    replaces=("ektp_age",),
    description=gettext_lazy("Yang pisah KK berusia 17 tahun atau sudah/pernah kawin"),
)
def _split_adult(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None or _adult_or_married(s, case.today):
        return None
    return RuleViolation(
        "split.not_adult",
        _(
            "%(name)s berusia %(age)s tahun dan belum pernah kawin: pisah KK hanya untuk "
            "anggota berusia 17 tahun ke atas atau yang sudah/pernah kawin."
        )
        % {"name": s.full_name, "age": s.age_on(case.today)},
    )


@rule(
    "split.not_recorded",
    "kk-pisah",
    description=gettext_lazy("Yang pisah KK sudah perekaman e-KTP (memegang e-KTP)"),
)
def _split_recorded(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None or s.is_recorded:
        return None
    return RuleViolation(
        "split.not_recorded",
        _(
            "%(name)s belum perekaman e-KTP. Yang pisah KK harus memegang e-KTP; lakukan "
            "perekaman lebih dahulu."
        )
        % {"name": s.full_name},
        link=reverse("appointments:start"),
        link_text=_("Buat janji perekaman e-KTP"),
    )


@rule(
    "split.is_head",
    "kk-pisah",
    description=gettext_lazy("Kepala keluarga tidak pisah KK dari keluarganya"),
)
def _split_not_head(case: Case) -> RuleViolation | None:
    s = case.subject
    family = case.family
    if s is None or family is None:
        return None
    if s.relationship != Relationship.HEAD and family.head_id != s.pk:
        return None
    return RuleViolation(
        "split.is_head",
        _(
            "%(name)s adalah kepala keluarga: kepala keluarga tidak dapat pisah KK dari "
            "keluarganya. Anggota lain yang pisah KK, atau ajukan perubahan kepala keluarga."
        )
        % {"name": s.full_name},
    )


@rule(
    "split.family_without_head",
    "kk-pisah",
    description=gettext_lazy("Keluarga yang ditinggalkan tetap mempunyai kepala keluarga"),
)
def _split_rest_keeps_head(case: Case) -> RuleViolation | None:
    s, family = case.subject, case.family
    if s is None or family is None:
        return None
    if s.relationship == Relationship.HEAD:
        return None  # split.is_head says it
    others = [m for m in case.living_members(family) if m.pk != s.pk]
    if not others:
        return RuleViolation(
            "split.family_without_head",
            _("%(name)s satu-satunya anggota KK ini: tidak ada yang perlu dipisah.")
            % {"name": s.full_name},
        )
    if any(m.relationship == Relationship.HEAD for m in others):
        return None
    return RuleViolation(
        "split.family_without_head",
        _(
            "KK ini tidak mempunyai kepala keluarga yang masih hidup. Ajukan dulu “KK baru "
            "karena kepala keluarga meninggal”."
        ),
    )


# --- KK: new head, new family, change of data ------------------------------------------------


@rule(
    "new_head.not_member",
    "kk-kepala-meninggal",
    description=gettext_lazy("Kepala keluarga baru anggota KK ini yang masih hidup"),
)
def _new_head_member(case: Case) -> RuleViolation | None:
    nik = case.data.get("new_head_nik")
    if not nik or case.family is None:
        return None
    if any(m.nik == nik for m in case.living_members(case.family)):
        return None
    return RuleViolation(
        "new_head.not_member",
        _("Kepala keluarga baru harus anggota KK ini yang masih hidup."),
        item=Item.field("new_head_nik"),
    )


@rule(
    "new_head.head_alive",
    "kk-kepala-meninggal",
    description=gettext_lazy("Kepala keluarga lama sudah tercatat meninggal atau keluar"),
)
def _old_head_gone(case: Case) -> RuleViolation | None:
    family = case.family
    if family is None or family.head_id is None:
        return None
    from .models import Application

    head = family.head
    new_nik = case.data.get("new_head_nik")
    if not head.is_alive or head.family_id != family.pk or head.nik == new_nik:
        return None
    # Filed together with the head's death report (regencies bundle them): allowed to wait
    # for it; the approval's register effect still refuses while the head is alive.
    reported = Application.objects.filter(
        variant__code="akta-kematian", subject=head, status__in=OPEN_STATUSES
    ).exists()
    if not reported:
        return RuleViolation(
            "new_head.head_alive",
            _(
                "Kepala keluarga %(name)s masih tercatat hidup di KK ini; catat dulu "
                "kematiannya (akta kematian)."
            )
            % {"name": head.full_name},
        )
    return None


@rule(
    "marriage.spouse",
    "kk-keluarga-baru",
    description=gettext_lazy(
        "Suami/istri terdaftar hidup, orang lain dari pemohon, dan berlainan jenis kelamin"
    ),
)
def _marriage_spouse(case: Case) -> RuleViolation | None:
    s = case.subject
    nik = case.data.get("spouse_nik")
    if s is None or not nik:
        return None
    item = Item.field("spouse_nik")
    if nik == s.nik:
        return RuleViolation(
            "marriage.same_person", _("NIK suami/istri sama dengan NIK pemohon."), item=item
        )
    spouse = case.resident("spouse_nik")
    if spouse is None or not spouse.is_alive:
        return RuleViolation(
            "marriage.spouse_not_found",
            _("NIK suami/istri tidak ditemukan sebagai penduduk yang masih hidup."),
            item=item,
        )
    if spouse.sex == s.sex:
        # UU 1/1974 Pasal 1: a marriage is between a man and a woman.
        return RuleViolation(
            "marriage.same_sex",
            _("Suami dan istri harus berlainan jenis kelamin (UU 1/1974 Pasal 1)."),
            item=item,
        )
    return None


@rule(
    "change.not_member",
    "kk-perubahan-data",
    description=gettext_lazy("Setiap perubahan untuk anggota KK yang masih hidup"),
)
def _change_for_a_member(case: Case) -> list[RuleViolation]:
    return [
        RuleViolation(
            "change.not_member",
            _("Perubahan %(n)s: orang ini tidak tercantum sebagai anggota KK yang masih hidup.")
            % {"n": c.number},
            item=c.item,
        )
        for c in case.changes()
        if c.person is None
    ]


@rule(
    "change.twice",
    "kk-perubahan-data",
    description=gettext_lazy("Satu data seseorang diubah sekali dalam satu permohonan"),
)
def _change_once(case: Case) -> list[RuleViolation]:
    seen: set[tuple[int, str]] = set()
    found = []
    labels = dict(CHANGEABLE_FIELDS)
    for c in case.changes():
        if c.person is None:
            continue
        key = (c.person.pk, c.field)
        if key in seen:
            found.append(
                RuleViolation(
                    "change.twice",
                    _("Perubahan %(n)s: %(field)s %(name)s sudah diubah di baris lain.")
                    % {
                        "n": c.number,
                        "field": labels.get(c.field, c.field),
                        "name": c.person.full_name,
                    },
                    item=c.item,
                )
            )
        seen.add(key)
    return found


@rule(
    "change.divorce_not_married",
    "kk-perubahan-data",
    "ektp-perubahan-data",
    description=gettext_lazy("Perubahan status menjadi cerai hidup hanya dari status kawin"),
)
def _divorce_needs_marriage(case: Case) -> list[RuleViolation]:
    return [
        RuleViolation(
            "change.divorce_not_married",
            _("%(name)s tidak tercatat kawin: status cerai hidup tidak dapat dicatat.")
            % {"name": c.person.full_name},
            item=c.item,
        )
        for c in case.changes()
        if c.person is not None
        and c.field == "marital_status"
        and c.wants(MaritalStatus.DIVORCED, MaritalStatus.DIVORCED.label)
        and c.person.marital_status != MaritalStatus.MARRIED
    ]


@rule(
    "change.head_by_change",
    "kk-perubahan-data",
    description=gettext_lazy("Kepala keluarga tidak diganti lewat perubahan data"),
)
def _head_not_by_change(case: Case) -> list[RuleViolation]:
    return [
        RuleViolation(
            "change.head_by_change",
            _(
                "Kepala keluarga tidak diganti lewat perubahan data: ajukan pisah KK atau “KK "
                "baru karena kepala keluarga meninggal”."
            ),
            item=c.item,
        )
        for c in case.changes()
        if c.field == "relationship" and c.wants(Relationship.HEAD, Relationship.HEAD.label)
    ]


def _named_parent(child: Resident, parent: Resident) -> bool:
    """`parent` is `child`'s father or mother on their KK, as invariants.born_after_parents
    finds them: by the name the child's record gives and the relationship a parent has."""
    if parent.relationship not in PARENTS_OF.get(child.relationship, ()):
        return False
    named = child.mother_name if parent.sex == Sex.FEMALE else child.father_name
    return bool(named) and named == parent.full_name


@rule(
    "change.birth_date_order",
    "kk-perubahan-data",
    "ektp-perubahan-data",
    description=gettext_lazy("Tanggal lahir baru setelah orang tua dan sebelum anak di KK"),
)
def _birth_date_keeps_generations(case: Case) -> list[RuleViolation]:
    found = []
    for c in case.changes():
        born = c.date() if c.field == "birth_date" else None
        if c.person is None or born is None:
            continue
        problem = _birth_date_problem(case, c.person, born)
        if problem:
            found.append(RuleViolation("change.birth_date_order", problem, item=c.item))
    return found


def _birth_date_problem(case: Case, s: Resident, born: dt.date) -> str:
    for member in case.living_members(s.family if s.family_id else None):
        if member.pk == s.pk:
            continue
        if _named_parent(s, member) and born <= member.birth_date:
            return _("%(name)s tidak dapat lahir sebelum orang tuanya, %(parent)s (%(date)s).") % {
                "name": s.full_name,
                "parent": member.full_name,
                "date": member.birth_date.strftime("%d-%m-%Y"),
            }
        if _named_parent(member, s) and born >= member.birth_date:
            return _("%(name)s tidak dapat lahir setelah anaknya, %(child)s (%(date)s).") % {
                "name": s.full_name,
                "child": member.full_name,
                "date": member.birth_date.strftime("%d-%m-%Y"),
            }
    return ""


# --- death ------------------------------------------------------------------------------


@rule(
    "death.already_deceased",
    "akta-kematian",
    replaces=("member_alive",),
    description=gettext_lazy("Belum tercatat meninggal"),
)
def _death_alive(case: Case) -> RuleViolation | None:
    s = case.subject
    if s is None or s.is_alive:
        return None
    return RuleViolation(
        "death.already_deceased",
        _("%(name)s sudah tercatat meninggal atau pindah; kematian tidak dicatat dua kali.")
        % {"name": s.full_name},
    )


@rule(
    "death.already_reported",
    "akta-kematian",
    description=gettext_lazy("Belum ada akta kematian atau permohonan kematian lain yang terbuka"),
)
def _death_reported_once(case: Case) -> RuleViolation | None:
    from .models import Application

    s = case.subject
    if s is None:
        return None
    # Issued documents are issuance's (a layer above): asked through the register's reverse
    # relation, so the rule does not import it.
    if s.issued_documents.filter(kind="akta_kematian").exists():
        return RuleViolation(
            "death.already_reported",
            _("Akta kematian %(name)s sudah terbit.") % {"name": s.full_name},
        )
    other = (
        Application.objects.filter(
            variant__code=case.variant_code, subject=s, status__in=OPEN_STATUSES
        )
        .exclude(pk=case.exclude)
        .first()
    )
    if other is None:
        return None
    return RuleViolation(
        "death.already_reported",
        _("Kematian %(name)s sudah dilaporkan (%(ref)s) dan sedang diproses.")
        % {"name": s.full_name, "ref": other.reference},
        link=reverse("applications:detail", args=[other.reference]),
        link_text=_("Lihat permohonan %(ref)s") % {"ref": other.reference},
        details={"application": other.reference},
    )


@rule(
    "death.before_birth",
    "akta-kematian",
    description=gettext_lazy("Tanggal meninggal tidak sebelum tanggal lahir"),
)
def _death_after_birth(case: Case) -> RuleViolation | None:
    died = case.date("death_date")
    s = case.subject
    if died is None or s is None or died >= s.birth_date:
        return None
    return RuleViolation(
        "death.before_birth",
        _("Tanggal meninggal sebelum tanggal lahir."),
        item=Item.field("death_date"),
    )


# --- birth ------------------------------------------------------------------------------


def _birth_parents(case: Case) -> tuple[Resident | None, Resident | None]:
    return case.resident("father_nik"), case.resident("mother_nik")


@rule(
    "birth.already_registered",
    "akta-kelahiran",
    description=gettext_lazy(
        "Anak belum terdaftar: tidak ada penduduk dengan tanggal lahir yang sama, nama mirip, "
        "dan ibu atau KK yang sama"
    ),
)
def _birth_not_registered(case: Case) -> RuleViolation | None:
    name, born = case.data.get("child_name"), case.date("child_birth_date")
    if not name or born is None:
        return None
    _father, mother = _birth_parents(case)
    matches = people_like(
        str(name),
        born,
        family_id=case.family.pk if case.family is not None else None,
        mother_name=mother.full_name if mother else "",
    )
    strong = next((m for m in matches if m.strong), None)
    if strong is None:
        return None
    person = strong.resident
    return RuleViolation(
        "birth.already_registered",
        _(
            "Anak ini sudah terdaftar: %(name)s, lahir %(date)s, NIK %(nik)s. Akta kelahiran "
            "tidak dibuat dua kali; bila datanya salah, ajukan perubahan data KK."
        )
        % {
            "name": person.full_name,
            "date": person.birth_date.strftime("%d-%m-%Y"),
            "nik": person.masked_nik,
        },
        item=Item.field("child_name"),
        # The resident sees the KK's members on their profile; a match on another KK (same
        # mother) is named by the reference above only.
        link=reverse("accounts:profile") + "#anggota" if strong.same_family else "",
        link_text=_("Lihat anggota KK Anda") if strong.same_family else "",
        details={
            "resident": person.pk,
            "nik": person.masked_nik,
            "score": strong.score,
            "same_family": strong.same_family,
            "same_mother": strong.same_mother,
        },
    )


@rule(
    "birth.open_application",
    "akta-kelahiran",
    description=gettext_lazy("Belum ada permohonan akta kelahiran lain untuk anak yang sama"),
)
def _birth_not_pending(case: Case) -> RuleViolation | None:
    from .models import Application

    name, born = case.data.get("child_name"), case.date("child_birth_date")
    if not name or born is None or case.family is None:
        return None
    others = Application.objects.filter(
        variant__code=case.variant_code,
        family=case.family,
        status__in=OPEN_STATUSES,
        data__child_birth_date=born.isoformat(),
    ).exclude(pk=case.exclude)
    for other in others:
        if name_similarity(str(name), str(other.data.get("child_name", ""))) >= SIMILAR:
            return RuleViolation(
                "birth.open_application",
                _(
                    "Kelahiran %(name)s sudah diajukan (%(ref)s) dan sedang diproses. Untuk anak "
                    "kembar, tulis nama masing-masing anak."
                )
                % {"name": other.data.get("child_name", ""), "ref": other.reference},
                item=Item.field("child_name"),
                link=reverse("applications:detail", args=[other.reference]),
                link_text=_("Lihat permohonan %(ref)s") % {"ref": other.reference},
                details={"application": other.reference},
            )
    return None


@rule(
    "birth.parents",
    "akta-kelahiran",
    description=gettext_lazy(
        "Ayah laki-laki dan ibu perempuan yang terdaftar, lahir sebelum anak; peringatan bila "
        "ayah dan ibu di KK berbeda"
    ),
)
def _birth_parents_rule(case: Case) -> list[RuleViolation]:
    father, mother = _birth_parents(case)
    born = case.date("child_birth_date")
    found = []
    given = str(case.data.get("mother_nik") or "")
    # A malformed number is the identifier check's to report, not this rule's.
    if mother is None and len(given) == 16 and given.isdigit():
        found.append(
            RuleViolation(
                "birth.mother_not_found",
                _("NIK ibu tidak terdaftar di database kependudukan."),
                item=Item.field("mother_nik"),
            )
        )
    for person, item, sex, code, message in (
        (
            father,
            Item.field("father_nik"),
            Sex.MALE,
            "birth.father_not_male",
            _("Ayah harus laki-laki."),
        ),
        (
            mother,
            Item.field("mother_nik"),
            Sex.FEMALE,
            "birth.mother_not_female",
            _("Ibu harus perempuan."),
        ),
    ):
        if person is None:
            continue
        if person.sex != sex:
            found.append(RuleViolation(code, message, item=item))
        if born is not None and person.birth_date >= born:
            found.append(
                RuleViolation(
                    "birth.parent_born_after_child",
                    _("%(name)s lahir sesudah anak.") % {"name": person.full_name},
                    item=item,
                )
            )
    if (
        father is not None
        and mother is not None
        and father.family_id
        and mother.family_id
        and father.family_id != mother.family_id
    ):
        found.append(
            RuleViolation(
                "birth.parents_on_different_kk",
                _(
                    "Ayah (%(father)s) dan ibu (%(mother)s) tercantum di KK yang berbeda. "
                    "Periksa buku nikah atau SPTJM suami istri (F-2.04) dan KK keduanya; "
                    "anak dicatat di KK %(kk)s."
                )
                % {
                    "father": father.full_name,
                    "mother": mother.full_name,
                    "kk": case.family.kk_number if case.family is not None else "-",
                },
                severity=WARNING,
                details={"father_kk": father.family_id, "mother_kk": mother.family_id},
            )
        )
    return found
