from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class User(AbstractUser):
    """A person using the product; roles are Django groups named after `Role` values."""

    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    ministry = models.ForeignKey(
        "candidates.Ministry",
        verbose_name=_("所属府省庁"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("府省庁担当の場合、担当する府省庁"),
    )

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names

    @property
    def is_secretariat(self) -> bool:
        return self.is_superuser or self.has_role(Role.SECRETARIAT)

    @property
    def is_wt_member(self) -> bool:
        return self.has_role(Role.WT_MEMBER)

    @property
    def is_ministry_staff(self) -> bool:
        return self.has_role(Role.MINISTRY_STAFF)

    @property
    def role_labels(self) -> list[str]:
        labels = [str(role.label) for role in Role if role.value in self.role_names]
        if self.is_superuser:
            labels.insert(0, str(_("管理者")))
        return labels
