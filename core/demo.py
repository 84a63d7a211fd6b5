"""Demo accounts for the embedded default (デモデータ): one per role, known passwords."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from core.models import User
from core.roles import Role
from municipalities.models import Association, LocalGovernment

DEMO_PASSWORD = "kyotsuka-demo"  # noqa: S105 - printed on purpose; refused with DEBUG off


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role | None
    superuser: bool = False
    ministry: str = ""
    local_government: str = ""  # its code
    coordinates: bool = False
    association: str = ""  # its slug


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("secretariat", "事務局 デモ（デモデータ）", Role.SECRETARIAT),
    DemoAccount("wt_member", "WTメンバー デモ（デモデータ）", Role.WT_MEMBER),
    DemoAccount(
        "ministry_mlit",
        "国土交通省 担当 デモ（デモデータ）",
        Role.MINISTRY_STAFF,
        ministry="国土交通省",
    ),
    DemoAccount(
        "ministry_mhlw",
        "厚生労働省 担当 デモ（デモデータ）",
        Role.MINISTRY_STAFF,
        ministry="厚生労働省",
    ),
    DemoAccount(
        "municipality_kure",
        "呉市 職員 デモ（デモデータ）",
        Role.LOCAL_GOVERNMENT_STAFF,
        local_government="342025",
    ),
    DemoAccount(
        "prefecture_hiroshima",
        "広島県 職員（取りまとめ） デモ（デモデータ）",
        Role.LOCAL_GOVERNMENT_STAFF,
        local_government="340006",
        coordinates=True,
    ),
    DemoAccount(
        "association_shichokai",
        "全国市長会 事務局 デモ（デモデータ）",
        Role.ASSOCIATION_STAFF,
        association="mayors",
    ),
    DemoAccount("admin", "管理者 デモ（デモデータ）", None, superuser=True),
)


@transaction.atomic
def demo_accounts_ensure() -> list[DemoAccount]:
    """Create or reset the demo accounts (password, role group); rerunning duplicates nothing."""
    for account in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(username=account.username)
        user.display_name = account.display_name
        user.is_superuser = user.is_staff = account.superuser
        user.local_government = (
            LocalGovernment.objects.get(code=account.local_government)
            if account.local_government
            else None
        )
        user.coordinates_municipalities = account.coordinates
        user.association = (
            Association.objects.get(slug=account.association) if account.association else None
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if account.role is not None:
            user.groups.set([Group.objects.get(name=account.role.value)])
    return list(DEMO_ACCOUNTS)
