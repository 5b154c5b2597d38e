"""API models of assessments: the household situation in, the decision and its trace out.

The request mirrors ``domain.household.Household`` field by field; ``to_household`` converts.
Money is a decimal string (never a float); every model refuses unknown fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from socialaid.benefits.domain import first_day
from socialaid.benefits.domain.household import (
    Assets,
    DisabilityType,
    DisasterLoss,
    Exclusion,
    GrantRequest,
    Household,
    IncomeCategory,
    LabourCapacity,
    MedicalClaim,
    Member,
    Obligor,
    PreviousAward,
    PriceSubsidyRequest,
    SchoolStage,
    Supporter,
    TemporaryRequest,
    Vehicle,
)
from socialaid.benefits.schemas.common import YM, RequestModel, known_region, not_future
from socialaid.core.bounds import AssetMoney, BirthDate, MonthlyMoney, PastDate
from socialaid.core.money import Money
from socialaid.core.text import Code, ShortCode

CENT = Decimal("0.01")
Count = Annotated[int, Field(ge=0, le=100_000)]


def _no_float(v: object) -> object:
    if isinstance(v, float):
        raise ValueError('a decimal string such as "2.5", never a float')
    return v


Multiple = Annotated[
    Decimal,
    BeforeValidator(_no_float),
    Field(ge=0, le=1000, max_digits=10, decimal_places=4),
    PlainSerializer(lambda v: str(v), return_type=str),
]


def _values(model: BaseModel, exclude: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Field values as Python objects: lists become tuples, decimals get at least two places
    (so "100" and "100.00" make the same canonical input and input hash)."""
    out = {}
    for name in type(model).model_fields:
        if name not in exclude:
            out[name] = _canonical(getattr(model, name))
    return out


def _canonical(v: Any) -> Any:
    if isinstance(v, Decimal):
        exponent = v.as_tuple().exponent
        return v.quantize(CENT) if isinstance(exponent, int) and exponent > -2 else v
    if isinstance(v, list):
        return tuple(_canonical(x) for x in v)
    if isinstance(v, dict):
        return {k: _canonical(x) for k, x in v.items()}
    return v


class SupporterCreate(RequestModel):
    """A legal supporter of a tekun applicant: the facts of the §8 test (rules.md §7)."""

    age: int = Field(ge=0, le=130)
    tekun: bool = False
    dibao_recipient: bool = False
    severe_disability: bool = False
    annual_per_capita_income: AssetMoney | None = None
    assets_within_low_income_limits: bool = False
    no_civil_capacity: bool = False
    missing: bool = False
    in_prison: bool = False


class MemberCreate(RequestModel):
    member_id: Code | None = Field(default=None, description="Default: m1, m2, … by position")
    relationship: ShortCode | None = Field(
        default=None, max_length=30, description="Default: applicant for the first, else member"
    )
    birth_date: BirthDate
    exclusion: Exclusion | None = Field(
        default=None, description="Listed but not counted (rules.md §1): deceased, prison, …"
    )
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    disability_type: DisabilityType | None = None
    serious_illness: bool = False
    labour_capacity: LabourCapacity = "full"
    in_school: bool = False
    school_stage: SchoolStage | None = None
    employed: bool = False
    employment_difficulty: bool = False
    business_registered_on: PastDate | None = None
    job_refusals: int = Field(default=0, ge=0, le=100)
    adl_unable: int | None = Field(
        default=None, ge=0, le=6, description="Of the six daily activities, how many not managed"
    )
    has_supporter: bool = False
    supporter_able: bool = False
    supporters: list[SupporterCreate] = Field(
        default_factory=list, max_length=20, description="If given, the rules run the §8 test"
    )
    incomes: dict[IncomeCategory, MonthlyMoney] = Field(
        default_factory=dict, description="Monthly income by category, decimal strings (yuan)"
    )
    rigid_medical_costs: MonthlyMoney = Field(
        default=Decimal("0.00"), description="Monthly out-of-pocket disability/illness costs"
    )

    @field_validator("birth_date")
    @classmethod
    def _plausible(cls, v: dt.date) -> dt.date:
        if v < dt.date(1900, 1, 1):
            raise ValueError("birth_date before 1900")
        return v

    def to_member(self, position: int) -> Member:
        data = _values(self, exclude={"member_id", "relationship", "incomes", "supporters"})
        return Member(
            member_id=self.member_id or f"m{position}",
            relationship=self.relationship or ("applicant" if position == 1 else "member"),
            incomes=_canonical(dict(self.incomes)),
            supporters=tuple(Supporter(**_values(s)) for s in self.supporters),
            **data,
        )


class VehicleCreate(RequestModel):
    kind: Literal["car", "motorcycle", "ebike", "disability_mobility", "agricultural"] = "car"
    value: AssetMoney | None = None
    valuation_certified: bool = False
    needed_for_livelihood: bool = False


class AssetsCreate(RequestModel):
    financial: AssetMoney = Field(
        default=Decimal("0.00"), description="Deposits, securities, funds, insurance, claims …"
    )
    vehicles: list[VehicleCreate] = Field(default_factory=list, max_length=100)
    residential_properties: int = Field(default=0, ge=0, le=100)
    non_residential_properties: int = Field(default=0, ge=0, le=100)
    registered_business: bool = False
    business_waiver: bool = False

    def to_assets(self) -> Assets:
        return Assets(
            **_values(self, exclude={"vehicles"}),
            vehicles=tuple(Vehicle(**_values(v)) for v in self.vehicles),
        )


class ObligorCreate(RequestModel):
    household_per_capita_income: MonthlyMoney
    children_count: int = Field(default=1, ge=0, le=30)
    persons_supported: int = Field(default=1, ge=1, le=30)
    waived: bool = False


class PreviousAwardCreate(RequestModel):
    programme: ShortCode = Field(max_length=30)
    monthly_amount: MonthlyMoney
    since_month: str = Field(pattern=YM)
    income_rise_from_employment: bool = False
    taper_started_month: str | None = Field(default=None, pattern=YM)


class MedicalClaimCreate(RequestModel):
    in_policy_out_of_pocket: AssetMoney
    paid_this_year: AssetMoney = Decimal("0.00")
    illness_impoverished: bool = False
    categories: list[Literal["tekun", "dibao", "edge", "illness_impoverished"]] = Field(
        default_factory=list, max_length=4, description="The most favourable applies, once"
    )


class TemporaryRequestCreate(RequestModel):
    kind: Literal["emergency", "expenditure"]
    event_id: Code
    grants_this_year_for_event: int = Field(default=0, ge=0, le=100)
    tier_multiple: Multiple | None = None
    necessary_expense: AssetMoney = Decimal("0.00")
    uninsured_unemployed: bool = False


class DisasterLossCreate(RequestModel):
    response_level: Literal["I", "II", "III", "IV"] | None = None
    persons_needing_emergency_relief: Count = 0
    deaths: Count = 0
    transitional_persons: Count = 0
    transitional_days: int = Field(default=0, ge=0, le=3660)
    collapsed_houses: Count = 0
    damaged_houses: Count = 0
    drought_persons: Count = 0
    winter_spring_persons: Count = 0
    poor_household: bool = False


class GrantRequestCreate(RequestModel):
    programme: Literal["education", "housing", "heating", "employment"]
    category: Code = Field(max_length=60)
    status: list[ShortCode] = Field(
        default_factory=list, max_length=10, description="Recognised status: dibao, tekun, edge …"
    )


RecipientCategory = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
RecipientCategories = Annotated[list[RecipientCategory], Field(min_length=1, max_length=10)]
RecipientId = Code


class PriceSubsidyRequestCreate(RequestModel):
    recipients: dict[RecipientId, RecipientCategories] = Field(
        min_length=1,
        max_length=30,
        description="member_id → the categories the member is a recipient of (dibao, tekun, "
        "orphan …); which are covered is the parameter price.covered_categories",
    )

    @field_validator("recipients")
    @classmethod
    def _sorted(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        """Category order and repeats do not change the canonical input."""
        return {m: sorted(set(cats)) for m, cats in v.items()}


_PARTS = {
    "previous": PreviousAward,
    "medical": MedicalClaim,
    "temporary": TemporaryRequest,
    "disaster": DisasterLoss,
    "grant": GrantRequest,
    "price_subsidy": PriceSubsidyRequest,
}


class AssessmentCreate(RequestModel):
    programme: ShortCode = Field(
        max_length=30,
        description="dibao, tekun, medical, temporary, disaster_relief, education, housing, "
        "heating, employment or price_subsidy (others → 422 programme_not_supported)",
    )
    region_code: str = Field(pattern=r"^\d{6}$", description="Region of registered residence")
    benefit_month: str = Field(
        pattern=YM, description="YYYY-MM; parameters apply as of its first day"
    )
    members: list[MemberCreate] = Field(min_length=1, max_length=30)
    assets: AssetsCreate = Field(default_factory=AssetsCreate)
    obligors: list[ObligorCreate] = Field(default_factory=list, max_length=30)
    rigid_expenses_12m: AssetMoney = Field(
        default=Decimal("0.00"), description="Basic living, medical, education, rehabilitation"
    )
    last_year_income_12m: AssetMoney | None = None
    previous: PreviousAwardCreate | None = None
    medical: MedicalClaimCreate | None = None
    temporary: TemporaryRequestCreate | None = None
    disaster: DisasterLossCreate | None = None
    grant: GrantRequestCreate | None = None
    price_subsidy: PriceSubsidyRequestCreate | None = None
    single_person_member_id: Code | None = None
    income_stability: Literal["unchanged", "stable", "irregular"] | None = Field(
        default=None, description="For the review frequency; default: from income categories"
    )
    known_at: dt.datetime | None = Field(
        default=None, description="Assess with the parameters known at this moment (default: now)"
    )

    @field_validator("region_code")
    @classmethod
    def _region(cls, v: str) -> str:
        return known_region(v, allow_national=False)

    @field_validator("known_at")
    @classmethod
    def _known_at(cls, v: dt.datetime | None) -> dt.datetime | None:
        return not_future(v)

    @model_validator(mode="after")
    def _consistent(self) -> AssessmentCreate:
        start = first_day(self.benefit_month)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if any(m.birth_date > end for m in self.members):
            raise ValueError("a member is born after the benefit month")
        ids = [m.member_id or f"m{i}" for i, m in enumerate(self.members, 1)]
        if len(set(ids)) != len(ids):
            raise ValueError("the same member_id appears twice")
        if self.single_person_member_id is not None and self.single_person_member_id not in ids:
            raise ValueError("single_person_member_id names no member")
        if self.grant is not None and self.grant.programme != self.programme:
            raise ValueError(f"grant.programme is {self.grant.programme}, not {self.programme}")
        if self.price_subsidy is not None and set(self.price_subsidy.recipients) - set(ids):
            raise ValueError("price_subsidy.recipients names no member")
        return self

    def to_household(self) -> Household:
        parts: dict[str, Any] = {
            name: cls(**_values(getattr(self, name)))
            for name, cls in _PARTS.items()
            if getattr(self, name) is not None
        }
        return Household(
            region_code=self.region_code,
            benefit_month=self.benefit_month,
            members=tuple(m.to_member(i) for i, m in enumerate(self.members, 1)),
            assets=self.assets.to_assets(),
            obligors=tuple(Obligor(**_values(o)) for o in self.obligors),
            rigid_expenses_12m=_canonical(self.rigid_expenses_12m),
            last_year_income_12m=_canonical(self.last_year_income_12m),
            single_person_member_id=self.single_person_member_id,
            income_stability=self.income_stability,
            **parts,
        )


class AssessmentRead(BaseModel):
    assessment_id: str
    case_id: str | None
    programme: str
    region_code: str
    benefit_month: str
    eligible: bool
    amount: Money = Field(
        description="Monthly (dibao, tekun, price_subsidy) or one-off amount, yuan"
    )
    reason_codes: list[str]
    flags: list[str] = Field(description="EDGE_HOUSEHOLD, RIGID_EXPENDITURE, SINGLE_PERSON, …")
    approval_level: str | None
    review_frequency: str | None
    breakdown: dict[str, str] = Field(description="Named components of the amount (yuan)")
    figures: dict[str, Any] = Field(description="Key figures: standard, per-capita income, …")
    standard: Money | None
    per_capita_income: Money | None
    household_size: int
    rule_set_version: str
    parameter_snapshot_id: str = Field(description="sha256 of the parameter versions used")
    input_hash: str = Field(description="sha256 of the canonical input JSON")
    parameters: list[dict[str, Any]]
    known_at: dt.datetime
    created_at: dt.datetime
    trace_url: str
    replay_url: str


class TraceRead(BaseModel):
    assessment_id: str
    programme: str
    rule_set_version: str
    parameter_snapshot_id: str
    known_at: dt.datetime
    steps: list[dict[str, Any]] = Field(
        description="rule_id, legal_ref, inputs, parameters (with valid_from), result, 说明"
    )


class ReplayRead(BaseModel):
    assessment_id: str
    identical: bool = Field(description="Same amount, eligibility, reason codes, flags and trace")
    differences: list[str]
    known_at: dt.datetime
    stored: dict[str, Any]
    replayed: dict[str, Any]
