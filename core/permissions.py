"""Who may do what, by role: every role rule and every view decorator of the product.

A role is a `core.roles.Role` value held as a Django group of the same name. The rules below
are plain predicates on a user (`is_secretariat`, `can_view`, ...); views say them with the
decorators (`@viewer_required`, `@secretariat_required`), services and forms call the
predicates, templates read them through `rules` (the `core.context_processors.rules`).
Nothing else reads a user's groups. A refusal is a PermissionDenied (403) whose message says
who may do it.

Rules about one object (is this ministry responsible for this candidate) live with the object,
in its app (`candidates/permissions.py`), and build on the role rules here.

Adding a role is three changes:
1. one `Role` value in core/roles.py (its label is what users see);
2. its rules here: whether it reads the product (READER_ROLES), a predicate for what only it
   may do (`is_<role>`, and `rule_required` for a decorator), and its line in `UserRules`;
3. its rows in tests/test_authorization_matrix.py: a persona in ROLES and, for every URL, what
   it is let do. That test fails until every URL says what the new role gets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.roles import Role

if TYPE_CHECKING:
    from core.models import User

Rule = Callable[[Any], bool]

# The roles that may read the product: candidates, schedules, meetings, reports.
READER_ROLES = frozenset(
    {
        Role.SECRETARIAT,
        Role.WT_MEMBER,
        Role.MINISTRY_STAFF,
        Role.LOCAL_GOVERNMENT_STAFF,
        Role.ASSOCIATION_STAFF,
    }
)

VIEWER_ONLY = _("この画面を見る権限がありません。事務局にお問い合わせください。")
SECRETARIAT_ONLY = _("この操作は事務局のみが行えます。")


def has_role(user, role: Role) -> bool:
    return bool(user.is_authenticated) and role.value in user.role_names


def is_secretariat(user) -> bool:
    """事務局: registers candidates and meetings, records decisions, requests reports.
    A superuser counts as the secretariat."""
    return bool(user.is_authenticated) and (user.is_superuser or has_role(user, Role.SECRETARIAT))


def is_wt_member(user) -> bool:
    """ワーキングチームメンバー: reads everything, including every body's proposals."""
    return has_role(user, Role.WT_MEMBER)


def is_ministry_staff(user) -> bool:
    """府省庁担当: edits the schedules of its own ministry's candidates (candidates/permissions)."""
    return has_role(user, Role.MINISTRY_STAFF)


def is_local_government_staff(user) -> bool:
    """地方公共団体職員: bound to one local government (User.local_government); reads the
    product and keeps its own body's adoption answers (adoption/permissions.py)."""
    return has_role(user, Role.LOCAL_GOVERNMENT_STAFF) and user.local_government_id is not None


def is_prefecture_coordinator(user) -> bool:
    """A prefecture's staff with the 取りまとめ right: also answers for the municipalities of
    its prefecture, as prefectures collect such surveys."""
    return (
        is_local_government_staff(user)
        and user.coordinates_municipalities
        and user.local_government.prefecture_id is None  # a prefecture has no prefecture
    )


def is_association_staff(user) -> bool:
    """関係団体事務局: the secretariat of one association (User.association: 全国市長会, ...);
    reads the product and answers consultations for its association (consultations/permissions)."""
    return has_role(user, Role.ASSOCIATION_STAFF) and user.association_id is not None


def can_answer_request(user, ministry) -> bool:
    """Answers a request (要請) addressed to `ministry`: that ministry's staff (staff of a
    ministry without a bureau also for its bureaus, as candidates/permissions.is_responsible
    reads it); one addressed to the secretariat (ministry None): the secretariat. Nobody else,
    not even the secretariat for a ministry: the answer is the ministry's word."""
    if ministry is None:
        return is_secretariat(user)
    own = user.ministry if is_ministry_staff(user) else None
    if own is None:
        return False
    return own.pk == ministry.pk or (not own.bureau and own.name == ministry.name)


def can_view(user) -> bool:
    """Reads the product; a login with no role may not (it sees the welcome page only)."""
    return bool(user.is_authenticated) and (
        user.is_superuser or any(has_role(user, role) for role in READER_ROLES)
    )


def require(allowed: bool, message) -> None:
    """Refuse (403 with `message`) unless `allowed`: for checks that need the object first."""
    if not allowed:
        raise PermissionDenied(message)


def rule_required(rule: Rule, message) -> Callable:
    """A view decorator: the view runs only for a user the rule lets in; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(rule(request.user), message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def viewer_required(function: Callable | None = None, *, message=VIEWER_ONLY):
    """Any role that reads the product; used bare or with a message, like login_required."""
    decorator = rule_required(can_view, message)
    return decorator(function) if function else decorator


def secretariat_required(function: Callable | None = None, *, message=SECRETARIAT_ONLY):
    """The secretariat only; used bare or with a message saying what only it may do."""
    decorator = rule_required(is_secretariat, message)
    return decorator(function) if function else decorator


class UserRules:
    """The role rules of one user for templates: `{% if rules.secretariat %}`."""

    def __init__(self, user):
        self.user = user

    @property
    def viewer(self) -> bool:
        return can_view(self.user)

    @property
    def secretariat(self) -> bool:
        return is_secretariat(self.user)

    @property
    def wt_member(self) -> bool:
        return is_wt_member(self.user)

    @property
    def ministry_staff(self) -> bool:
        return is_ministry_staff(self.user)

    @property
    def local_government_staff(self) -> bool:
        return is_local_government_staff(self.user)

    @property
    def association_staff(self) -> bool:
        return is_association_staff(self.user)


def role_members(role: Role) -> QuerySet[User]:
    """The active users who hold this role (for the secretariat, superusers too): whom a notice
    about that role's work may go to. The one query of role groups outside a user's own."""
    from core.models import User

    holds = Q(groups__name=role.value)
    if role == Role.SECRETARIAT:
        holds |= Q(is_superuser=True)
    return User.objects.filter(holds, is_active=True).distinct()
