"""A stateful property test of the register: random sequences of what residents and operators
do, through the same service functions the pages and the API call, with every register
invariant (population.invariants, the checks of `manage.py check_register`) asserted after
every step.

Residents file births (twins, and the same child reported twice), deaths (the head, a spouse,
both spouses), KK splits, new families after marriage, data changes and new heads; operators
approve, return and reject them in any order; residents resubmit what was returned. A refusal
with a message (the rules saying no) is a correct outcome; any other exception, or a violated
invariant, fails the test and hypothesis shrinks the sequence to a short, named one.

Each example runs inside a savepoint rolled back at its end, so 200 examples share one set-up
(regions, catalogue, officer). Signed PDFs are not rendered here (the issuance tests cover
them): the register is what is under test.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import event, note
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
)

from paksemmok.accounts.models import User
from paksemmok.applications import services as applications
from paksemmok.applications.checks import SubmissionRejected
from paksemmok.applications.lifecycle import ApplicationError, Status
from paksemmok.applications.models import Application
from paksemmok.backoffice import services as backoffice
from paksemmok.backoffice.services import BackofficeError
from paksemmok.catalog.models import DeficiencyReason, Requirement, Variant
from paksemmok.population.invariants import check_register
from paksemmok.population.models import (
    Education,
    MaritalStatus,
    Relationship,
    Resident,
    Sex,
)
from paksemmok.population.services import RegisterError, record_family_version
from tests.cast import run_machine
from tests.factories import FamilyFactory, ResidentFactory

# What a service says when the rules refuse: the resident or officer is told why.
REFUSALS = (SubmissionRejected, ApplicationError, BackofficeError, RegisterError)

BOYS = ["Bagus", "Fajar", "Raka", "Yusuf", "Gilang", "Wahyu", "Dimas", "Arif"]
GIRLS = ["Wulan", "Nadia", "Intan", "Salsa", "Citra", "Laila", "Kirana", "Ayu"]


@dataclass(frozen=True)
class Person:
    """A resident as the steps refer to them: by name in the printed example."""

    pk: int
    name: str

    def __repr__(self) -> str:
        return f"<{self.name}>"

    def get(self) -> Resident:
        return Resident.objects.select_related("family").get(pk=self.pk)


@dataclass(frozen=True)
class Filed:
    pk: int
    what: str

    def __repr__(self) -> str:
        return f"<{self.what} #{self.pk}>"

    def get(self) -> Application:
        return Application.objects.get(pk=self.pk)


def years_ago(years: float, days: int = 0) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=int(years * 365.25) + days)


def account(resident: Resident) -> User:
    user = User.objects.filter(resident=resident).first()
    return user or User.objects.create_user(
        username=resident.nik,
        password="x-Pass-12345",
        role=User.Role.RESIDENT,
        resident=resident,
        first_name=resident.full_name,
        phone=None,
        email=f"{resident.nik}@example.id",
    )


# One household's shape: surname, children's ages, an adult child, a widowed grandmother.
households = st.fixed_dictionaries(
    {
        "surname": st.sampled_from(["Santoso", "Wibowo", "Hidayat", "Purnomo", "Saputro"]),
        "head_age": st.integers(min_value=28, max_value=70),
        "children": st.lists(st.integers(min_value=0, max_value=16), max_size=2),
        "adult_child": st.booleans(),
        "grandmother": st.booleans(),
    }
)


class RegisterMachine(RuleBasedStateMachine):
    people = Bundle("people")
    filed = Bundle("filed")

    def __init__(self) -> None:
        super().__init__()
        # Every example starts from the same empty register: its changes roll back.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.officer = User.objects.get(username="petugas-mesin")
        self.births = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- the register at the start ------------------------------------------------------

    @initialize(target=people, shapes=st.lists(households, min_size=2, max_size=3))
    def households_on_their_kk(self, shapes):
        made = []
        for n, shape in enumerate(shapes):
            made += self._household(n, shape)
        return multiple(*made)

    def _household(self, n: int, shape: dict) -> list[Person]:
        surname = f"{shape['surname']} {n + 1}"
        kk = FamilyFactory()
        head = ResidentFactory(
            family=kk,
            full_name=f"Bapak {surname}",
            relationship=Relationship.HEAD,
            birth_date=years_ago(shape["head_age"]),
            marital_status=MaritalStatus.MARRIED,
        )
        wife = ResidentFactory(
            family=kk,
            full_name=f"Ibu {surname}",
            sex=Sex.FEMALE,
            relationship=Relationship.WIFE,
            birth_date=years_ago(shape["head_age"] - 3),
            marital_status=MaritalStatus.MARRIED,
        )
        members = [head, wife]
        ages = list(shape["children"]) + ([19] if shape["adult_child"] else [])
        for i, age in enumerate(sorted(set(ages))):
            if age >= shape["head_age"] - 3 - 17:
                continue
            girl = i % 2 == 1
            members.append(
                ResidentFactory(
                    family=kk,
                    full_name=f"{(GIRLS if girl else BOYS)[i]} {surname}",
                    sex=Sex.FEMALE if girl else Sex.MALE,
                    birth_date=years_ago(age, days=40 + i),
                    father_name=head.full_name,
                    mother_name=wife.full_name,
                    education=Education.SLTA if age >= 17 else Education.SD,
                    ektp_recording=(
                        Resident.Recording.RECORDED
                        if age >= 17
                        else Resident.Recording.NOT_RECORDED
                    ),
                )
            )
        if shape["grandmother"]:
            members.append(
                ResidentFactory(
                    family=kk,
                    full_name=f"Mbah {surname}",
                    sex=Sex.FEMALE,
                    relationship=Relationship.PARENT,
                    birth_date=years_ago(shape["head_age"] + 25),
                    marital_status=MaritalStatus.WIDOWED,
                )
            )
            Resident.objects.filter(pk=head.pk).update(mother_name=f"Mbah {surname}")
        kk.head = head
        kk.save()
        record_family_version(kk, reason="data awal")
        return [Person(m.pk, m.full_name) for m in members]

    # --- helpers --------------------------------------------------------------------------

    def _applicant_for(self, family_id: int | None, *, besides: int | None = None) -> User | None:
        """An adult living member of the KK who files (the head if alive)."""
        if family_id is None:
            return None
        adults = [
            r
            for r in Resident.objects.filter(
                family_id=family_id, life_status=Resident.LifeStatus.ALIVE
            ).order_by("birth_date")
            if r.pk != besides and r.age >= 17
        ]
        heads = [r for r in adults if r.relationship == Relationship.HEAD]
        chosen = (heads or adults or [None])[0]
        return account(chosen) if chosen else None

    def _file(self, variant: str, applicant: User | None, subject: Resident | None, data: dict):
        if applicant is None:
            note(f"{variant}: nobody on the KK can file")
            return multiple()
        try:
            app = applications.create_draft(
                applicant=applicant, variant=Variant.objects.get(code=variant), subject=subject
            )
            if app.status != Status.DRAFT:
                return multiple()
            applications.save_draft(app, data=data, actor=applicant)
            applications.submit_application(app, actor=applicant)
        except REFUSALS as exc:
            note(f"{variant} refused: {exc}")
            event(f"filing refused: {variant}")
            return multiple()
        event(f"filed: {variant}")
        what = {"akta-kelahiran": f"birth of {data.get('child_name')}"}.get(
            variant, f"{variant} for {subject.full_name if subject else '?'}"
        )
        return multiple(Filed(app.pk, what))

    # --- what residents do ----------------------------------------------------------------

    @rule(
        target=filed,
        mother=people,
        name=st.integers(min_value=0, max_value=7),
        days_ago=st.integers(min_value=1, max_value=60),
    )
    def report_a_birth(self, mother, name, days_ago):
        self.births += 1
        return self._report_birth(mother.get(), name, timezone.localdate() - dt.timedelta(days_ago))

    def _report_birth(self, mother: Resident, name: int, born: dt.date, sex: str | None = None):
        sex = sex or (Sex.MALE if name % 2 == 0 else Sex.FEMALE)
        child = f"{(BOYS if sex == Sex.MALE else GIRLS)[name]} bin {mother.full_name}"
        return self._file(
            "akta-kelahiran",
            self._applicant_for(mother.family_id),
            None,
            {
                "child_name": child,
                "child_sex": sex,
                "child_birth_date": born,
                "child_birth_place": "Kudus",
                "mother_nik": mother.nik,
            },
        )

    @rule(target=filed, earlier=filed, other_name=st.integers(min_value=0, max_value=7))
    def report_a_twin(self, earlier, other_name):
        """Another child of the same mother born the same day, named otherwise."""
        app = earlier.get()
        if app.variant.code != "akta-kelahiran":
            return multiple()
        mother = Resident.objects.filter(nik=app.data.get("mother_nik")).first()
        if mother is None:
            return multiple()
        born = dt.date.fromisoformat(app.data["child_birth_date"])
        sex = app.data["child_sex"]
        names = BOYS if sex == Sex.MALE else GIRLS
        first = app.data["child_name"].split(" bin ")[0]
        name = other_name if names[other_name] != first else (other_name + 1) % len(names)
        return self._report_birth(mother, name, born, sex)

    @rule(target=filed, earlier=filed)
    def report_the_same_birth_again(self, earlier):
        app = earlier.get()
        if app.variant.code != "akta-kelahiran":
            return multiple()
        applicant = self._applicant_for(app.family_id)
        return self._file("akta-kelahiran", applicant, None, dict(app.data))

    @rule(target=filed, person=people, days_ago=st.integers(min_value=0, max_value=20))
    def report_a_death(self, person, days_ago):
        deceased = person.get()
        return self._file(
            "akta-kematian",
            self._applicant_for(deceased.family_id, besides=deceased.pk),
            deceased,
            {
                "death_date": timezone.localdate() - dt.timedelta(days_ago),
                "death_place": "Kudus",
            },
        )

    @rule(target=filed, person=people)
    def split_from_the_kk(self, person):
        member = person.get()
        return self._file(
            "kk-pisah", self._applicant_for(member.family_id), member, {"reason": "mandiri"}
        )

    @rule(target=filed, person=people, spouse=people)
    def new_family_after_marriage(self, person, spouse):
        member, partner = person.get(), spouse.get()
        applicant = account(member) if member.family_id and member.age >= 17 else None
        return self._file(
            "kk-keluarga-baru",
            applicant,
            member,
            {
                "spouse_nik": partner.nik,
                "marriage_date": timezone.localdate() - dt.timedelta(days=7),
                "address": "Jl. Baru 7",
                "rt": "003",
                "rw": "004",
            },
        )

    @rule(
        target=filed,
        person=people,
        change=st.sampled_from(
            [
                ("full_name", "Nama Baru"),
                ("birth_place", "Pati"),
                ("occupation", "Wiraswasta"),
                ("education", "d4_s1"),
                ("birth_date", "1950-01-01"),
                ("birth_date", "2015-06-01"),
            ]
        ),
    )
    def change_data_on_the_kk(self, person, change):
        member = person.get()
        field, value = change
        if field == "full_name":
            value = f"{member.full_name} Baru"
        return self._file(
            "kk-perubahan-data",
            self._applicant_for(member.family_id),
            member,
            {"changes": [{"member": "", "field": field, "value": value}], "reason": "koreksi"},
        )

    @rule(target=filed, person=people)
    def name_a_new_head(self, person):
        member = person.get()
        applicant = self._applicant_for(member.family_id)
        subject = applicant.resident if applicant else None
        return self._file(
            "kk-kepala-meninggal",
            applicant,
            subject,
            {"new_head_nik": member.nik, "reason": "kepala keluarga meninggal"},
        )

    @rule(application=filed)
    def resubmit_after_a_return(self, application):
        app = application.get()
        try:
            applications.resubmit_application(app, actor=app.applicant)
        except REFUSALS as exc:
            note(f"resubmit refused: {exc}")

    @rule(application=consumes(filed))
    def withdraw(self, application):
        app = application.get()
        try:
            applications.cancel_application(app, actor=app.applicant)
        except REFUSALS as exc:
            note(f"cancel refused: {exc}")

    # --- what operators do ----------------------------------------------------------------

    def _decide(self, application: Filed, act, outcome: str) -> None:
        app = application.get()
        try:
            backoffice.claim_application(app, actor=self.officer)
            act(app)
        except REFUSALS as exc:
            note(f"{outcome} {application!r} refused: {exc}")
            event(f"{outcome} refused: {app.variant.code}")
            # Let go through the service, as the page's button does: the review stops with it.
            backoffice.release_claim(app, actor=self.officer)
        else:
            event(f"{outcome}: {app.variant.code}")

    @rule(target=people, application=consumes(filed))
    def approve(self, application):
        before = set(Resident.objects.values_list("pk", flat=True))
        self._decide(
            application, lambda app: backoffice.approve(app, actor=self.officer), "approved"
        )
        born = Resident.objects.exclude(pk__in=before)
        return multiple(*(Person(r.pk, r.full_name) for r in born))

    @rule(application=filed)
    def return_for_fixes(self, application):
        reason = DeficiencyReason.objects.values_list("code", flat=True).first()
        self._decide(
            application,
            lambda app: backoffice.return_for_fixes(
                app,
                deficiencies=[{"item": "application", "reason": reason, "note": "periksa"}],
                actor=self.officer,
            ),
            "returned",
        )

    @rule(application=consumes(filed))
    def reject(self, application):
        reason = DeficiencyReason.objects.values_list("code", flat=True).first()
        self._decide(
            application,
            lambda app: backoffice.reject(
                app,
                deficiencies=[{"item": "application", "reason": reason, "note": "ditolak"}],
                actor=self.officer,
            ),
            "rejected",
        )

    # --- after every step -----------------------------------------------------------------

    @invariant()
    def register_invariants_hold(self):
        report = check_register()
        assert report.ok, "\n" + "\n".join(str(v) for v in report.violations)


@pytest.fixture
def machine_world(kudus, monkeypatch):
    """What every example shares: regions, the catalogue (no uploads required: files are
    not what is tested), an officer for every service, and no PDF rendering."""
    from django.apps import apps

    from paksemmok.catalog import seed
    from paksemmok.catalog.models import Service
    from paksemmok.issuance import services as issuance

    if not Service.objects.exists():
        seed.load(apps)
    Requirement.objects.update(mandatory=False)
    User.objects.create_user(
        username="petugas-mesin",
        password="x-Pass-12345",
        role=User.Role.OPERATOR,
        services=["kk", "ektp", "akta_lahir", "akta_mati", "kia"],
    )
    monkeypatch.setattr(issuance, "_store_signed_pdf", lambda document, reason: None)


@pytest.mark.django_db
def test_register_invariants_hold_through_any_sequence_of_actions(machine_world):
    run_machine(RegisterMachine, examples=200, steps=10)
