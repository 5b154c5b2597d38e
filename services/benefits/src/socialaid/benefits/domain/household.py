"""The household situation every programme's rules read (pure data, no I/O).

One model for all programmes: the members with what the rules look at (age,
disability, illness, labour capacity, schooling, work), their incomes by
category, the household's assets, relatives outside the household who owe
support, and the programme-specific facts of the request (a medical bill, an
emergency, a disaster loss, a grant request, who receives a price subsidy, the
previous award for tapering).
Money is Decimal yuan, monthly unless a field says otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ZERO = Decimal("0")

LabourCapacity = Literal["full", "partial", "none"]
DisabilityType = Literal[
    "physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple"
]
SchoolStage = Literal[
    "preschool",
    "primary",
    "junior_secondary",
    "senior_secondary",
    "vocational",
    "undergraduate",
    "postgraduate",
]
Exclusion = Literal["religious_3y", "prison", "drug_rehabilitation", "missing", "deceased"]

# Monthly income categories (rules.md §2). Which count, which are excluded and what is
# deducted is the rules' business (and partly a parameter), not the caller's.
IncomeCategory = Literal[
    "wages",  # after tax and personal social insurance
    "business",  # net
    "property",  # interest, dividends, rent, land sub-lease (net)
    "support_received",  # support payments received
    "support_paid",  # support paid to others (deducted)
    "pension_local",  # pensions, incl. the local top-up of the residents' pension
    "pension_central_basic",  # centrally set basic pension of the residents' scheme (excluded)
    "unemployment_benefit",
    "compensation",
    "gifts",
    "other",
    "social_assistance",  # every government social-assistance benefit (excluded)
    "veterans",  # preferential and compensation payments (excluded)
    "family_planning",  # rewards and support (excluded)
    "scholarship",  # excluded
    "good_samaritan_award",  # excluded
    "disability_subsidy",  # the two disability subsidies ([L] often excluded)
    "old_age_allowance",  # ([L] often excluded; excluded for tekun)
    "medical_insurance",  # basic medical and other social insurance benefits (excluded for tekun)
]


@dataclass(frozen=True)
class Supporter:
    """A legal supporter (法定赡养、抚养、扶养义务人) of a tekun applicant: the §8 facts (rules.md §7)."""

    age: int
    tekun: bool = False  # is a tekun person themselves
    dibao_recipient: bool = False
    severe_disability: bool = False  # grade 1–2, or grade 3 intellectual/mental
    annual_per_capita_income: Decimal | None = None  # the supporter household's, yuan per year
    assets_within_low_income_limits: bool = False
    no_civil_capacity: bool = False
    missing: bool = False  # declared missing
    in_prison: bool = False


@dataclass(frozen=True)
class Member:
    member_id: str
    birth_date: dt.date
    relationship: str = "applicant"
    exclusion: Exclusion | None = None  # listed but not a counted member (rules.md §1)
    disability_grade: int | None = None  # 1 (most severe) … 4
    disability_type: DisabilityType | None = None
    serious_illness: bool = False
    labour_capacity: LabourCapacity = "full"
    in_school: bool = False
    school_stage: SchoolStage | None = None
    employed: bool = False  # has a job now (employment costs; gradual exit)
    employment_difficulty: bool = False  # registered as having employment difficulties
    business_registered_on: dt.date | None = None  # first-time business registration
    job_refusals: int = 0  # suitable jobs refused without good reason (rules.md §6)
    adl_unable: int | None = (
        None  # of the six daily activities, how many cannot be managed (tekun care)
    )
    has_supporter: bool = False  # a legal supporter exists (tekun)
    supporter_able: bool = False  # … and is able to support (tekun §8 test done by caller or rules)
    supporters: tuple[Supporter, ...] = ()  # if given, the rules run the §8 test on these facts
    incomes: dict[str, Decimal] = field(default_factory=dict)  # IncomeCategory → monthly yuan
    # monthly out-of-pocket costs of this member's disability or serious illness (deducted from
    # income where the parameter income.deduct_rigid_medical allows; rules.md §2)
    rigid_medical_costs: Decimal = ZERO

    @property
    def counted(self) -> bool:
        return self.exclusion is None

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def severe_disability(self) -> bool:
        """Grade 1–2, or grade 3 intellectual/mental (rules.md §5)."""
        g = self.disability_grade
        return g is not None and (
            g <= 2 or (g == 3 and self.disability_type in ("intellectual", "mental"))
        )


@dataclass(frozen=True)
class Vehicle:
    kind: Literal["car", "motorcycle", "ebike", "disability_mobility", "agricultural"] = "car"
    value: Decimal | None = None
    valuation_certified: bool = False
    needed_for_livelihood: bool = False  # production or daily-life need (exemptible)


@dataclass(frozen=True)
class Assets:
    financial: Decimal = ZERO  # deposits, securities, funds, insurance, claims, internet finance
    vehicles: tuple[Vehicle, ...] = ()
    residential_properties: int = 0
    non_residential_properties: int = 0
    registered_business: bool = False
    business_waiver: bool = False  # a waiver granted on review


@dataclass(frozen=True)
class Obligor:
    """A relative outside the household with a legal duty of support (rules.md §2, [L])."""

    household_per_capita_income: Decimal
    children_count: int = 1  # how many children the obligor has (rate 50 % ≤ 2, 40 % ≥ 3)
    persons_supported: int = 1  # the imputed support is split among these
    waived: bool = False  # e.g. the applicant is a jobless adult with a severe disability


@dataclass(frozen=True)
class PreviousAward:
    """What the household received before this assessment (gradual exit, changes)."""

    programme: str
    monthly_amount: Decimal
    since_month: str  # YYYY-MM
    income_rise_from_employment: bool = False
    taper_started_month: str | None = None  # first month of gradual exit, if already tapering


@dataclass(frozen=True)
class MedicalClaim:
    in_policy_out_of_pocket: Decimal  # after basic, critical-illness and supplementary insurance
    paid_this_year: Decimal = ZERO  # medical assistance already paid this calendar year
    illness_impoverished: bool = False  # 因病致贫 category
    categories: tuple[
        str, ...
    ] = ()  # tekun | dibao | edge | illness_impoverished (most favourable)


@dataclass(frozen=True)
class TemporaryRequest:
    kind: Literal["emergency", "expenditure"]
    event_id: str  # one event → one grant per year
    grants_this_year_for_event: int = 0
    tier_multiple: Decimal | None = None  # requested/assessed multiple of the monthly standard
    necessary_expense: Decimal = ZERO  # expenditure kind: the expense beyond the household's means
    uninsured_unemployed: bool = False  # seed 001: one-off grant


@dataclass(frozen=True)
class DisasterLoss:
    response_level: Literal["I", "II", "III", "IV"] | None = None
    persons_needing_emergency_relief: int = 0
    deaths: int = 0
    transitional_persons: int = 0  # house collapsed/uninhabitable and no livelihood
    transitional_days: int = 0
    collapsed_houses: int = 0
    damaged_houses: int = 0
    drought_persons: int = 0
    winter_spring_persons: int = 0
    poor_household: bool = False


@dataclass(frozen=True)
class GrantRequest:
    """Education, housing, heating or employment aid by category (rules.md §9-11, R-CA-11)."""

    programme: Literal["education", "housing", "heating", "employment"]
    category: str  # e.g. education: school stage; housing: rent_subsidy | renovation; …
    status: tuple[str, ...] = ()  # the household's recognised status: dibao | tekun | edge | …


@dataclass(frozen=True)
class PriceSubsidyRequest:
    """Who in the household receives which assistance, for the temporary price subsidy (R-CA-10).

    ``recipients`` maps a member_id to the categories that member is a recipient of (dibao,
    tekun, orphan, …); which categories the subsidy covers, and on what base, is the parameter
    ``price.covered_categories``."""

    recipients: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Household:
    region_code: str
    benefit_month: str  # YYYY-MM; parameters apply as of its first day
    members: tuple[Member, ...]
    assets: Assets = field(default_factory=Assets)
    obligors: tuple[Obligor, ...] = ()
    rigid_expenses_12m: Decimal = (
        ZERO  # basic living, out-of-pocket medical, education, rehabilitation
    )
    last_year_income_12m: Decimal | None = (
        None  # household income over the last 12 months (rigid test)
    )
    previous: PreviousAward | None = None
    medical: MedicalClaim | None = None
    temporary: TemporaryRequest | None = None
    disaster: DisasterLoss | None = None
    grant: GrantRequest | None = None
    price_subsidy: PriceSubsidyRequest | None = None
    single_person_member_id: str | None = None  # assess this member alone (rules.md §5)
    # how the income behaves, for the review frequency (rules.md §12); None = derived from the
    # income categories (wages and pensions → stable, business/other → irregular)
    income_stability: Literal["unchanged", "stable", "irregular"] | None = None

    @property
    def first_day(self) -> dt.date:
        year, month = self.benefit_month.split("-")
        return dt.date(int(year), int(month), 1)

    @property
    def counted_members(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.counted)
