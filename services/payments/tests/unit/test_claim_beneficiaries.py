"""Each person is paid through one case per programme and month (probe: one household posted twice)."""

from hypothesis import given
from hypothesis import strategies as st

from socialaid.payments.domain.payroll import claim_beneficiaries

PEOPLE = st.frozensets(st.sampled_from("abcdefgh"), max_size=4)


def test_probe_the_first_case_keeps_the_household_and_the_second_is_refused() -> None:
    claim = claim_beneficiaries([("c1", frozenset("ab")), ("c2", frozenset("bc"))], {})
    assert claim.kept == ["c1"] and claim.refused == {"c2": "c1"}


def test_a_person_already_paid_elsewhere_refuses_the_case_and_older_events_are_kept() -> None:
    claim = claim_beneficiaries(
        [("c1", frozenset("xa")), ("c2", frozenset()), ("c3", frozenset())], {"x": "c0"}
    )
    assert claim.kept == ["c2", "c3"] and claim.refused == {"c1": "c0"}


@given(
    cases=st.lists(PEOPLE, max_size=8),
    held=st.dictionaries(st.sampled_from("abcdefgh"), st.just("paid"), max_size=3),
)
def test_no_person_is_paid_twice_and_every_refusal_names_a_real_clash(
    cases: list[frozenset[str]], held: dict[str, str]
) -> None:
    named = [(f"c{i}", people) for i, people in enumerate(cases)]
    claim = claim_beneficiaries(named, held)
    assert sorted(claim.kept + list(claim.refused)) == sorted(c for c, _ in named)
    owners: dict[str, str] = dict(held)
    people = dict(named)
    for case_id in claim.kept:
        for p in people[case_id]:
            assert p not in owners, "a person paid twice"
            owners[p] = case_id
    for case_id, by in claim.refused.items():
        assert any(owners.get(p) == by for p in people[case_id])
