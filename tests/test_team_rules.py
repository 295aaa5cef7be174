"""The team's rules as plain functions (core/team.py), for every role, mode and pair of users."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pressbot.core.team import (
    INVITE_PREFIX,
    Action,
    Approval,
    Right,
    Role,
    invite_link,
    may,
    may_decide,
    needs_approval,
    new_invite_token,
    parse_role,
)

roles = st.sampled_from([*Role, None])
users = st.integers(min_value=1, max_value=2**40)


def test_rights_nest_owner_over_publisher_over_editor() -> None:
    for right in Right:
        assert not may(None, right)
        assert may(Role.OWNER, right)
        if may(Role.EDITOR, right):
            assert may(Role.PUBLISHER, right)
    assert [r for r in Right if may(Role.EDITOR, r)] == [Right.DRAFT]
    assert not may(Role.PUBLISHER, Right.TEAM)


@given(roles, st.sampled_from(list(Approval)), st.sampled_from(list(Action)))
def test_only_a_member_who_may_publish_ever_lets_their_own_action_out(
    role: Role | None, approval: Approval, action: Action
) -> None:
    alone = not needs_approval(approval, role, action)
    if alone:
        assert may(role, Right.PUBLISH)
        assert approval is not Approval.TWO_PERSON


@given(roles, users, users, st.sampled_from(list(Approval)))
def test_in_two_person_mode_nobody_decides_their_own(
    role: Role | None, approver: int, author: int, approval: Approval
) -> None:
    decides = may_decide(role, approver, author, approval)
    if decides:
        assert may(role, Right.PUBLISH)
    if approval is Approval.TWO_PERSON and approver == author:
        assert not decides


@given(st.text(max_size=20))
def test_a_role_name_is_one_of_three_or_nothing(text: str) -> None:
    role = parse_role(text)
    assert role is None or role.value == text.strip().lower()


def test_an_invite_fits_a_start_parameter() -> None:
    tokens = {new_invite_token() for _ in range(200)}
    assert len(tokens) == 200  # 128 random bits: no two alike
    for token in tokens:
        parameter = INVITE_PREFIX + token
        assert len(parameter) <= 64
        assert all(c.isascii() and (c.isalnum() or c in "_-") for c in parameter)
    link = invite_link("pressbot_test_bot", "abc")
    assert link == "https://t.me/pressbot_test_bot?start=join_abc"
