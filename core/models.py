from django.conf import settings
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
    local_government = models.ForeignKey(
        "municipalities.LocalGovernment",
        verbose_name=_("所属団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("地方公共団体職員の場合、所属する都道府県・市区町村"),
    )
    association = models.ForeignKey(
        "municipalities.Association",
        verbose_name=_("所属する関係団体"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("関係団体事務局の場合、所属する団体（全国市長会など）"),
    )
    coordinates_municipalities = models.BooleanField(
        _("取りまとめ権限"),
        default=False,
        help_text=_(
            "都道府県の職員が、管内市区町村の利用状況を取りまとめて入力できる（都道府県のみ）"
        ),
    )

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(coordinates_municipalities=False)
                | models.Q(local_government__isnull=False),
                name="user_coordinates_only_with_a_body",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The names of the user's role groups; core/permissions.py reads them, nothing else."""
        if not self.is_authenticated:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def role_labels(self) -> list[str]:
        labels = [str(role.short_label) for role in Role if role.value in self.role_names]
        if self.is_superuser:
            labels.insert(0, str(_("管理者")))
        return labels


class AuditOutcome(models.TextChoices):
    DONE = "done", _("実行")
    INVALID = "invalid", _("入力エラー")
    REFUSED = "refused", _("拒否")
    FAILED = "failed", _("システムエラー")


class AuditEvent(models.Model):
    """One attempted write: who, when, which action on which record, and what came of it.

    Append-only: the model refuses to update or delete a saved event, the database refuses
    UPDATE (and, on PostgreSQL, DELETE) by trigger, and the admin shows events read-only.
    The user is kept by id and name, not by foreign key, so an event outlives its user.
    """

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(_("ユーザーID"), null=True, blank=True, db_index=True)
    username = models.CharField(_("ユーザー名"), max_length=150, blank=True)
    roles = models.CharField(_("役割"), max_length=200, blank=True)
    method = models.CharField(_("メソッド"), max_length=10)
    path = models.CharField(_("パス"), max_length=500)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_id = models.CharField(_("対象ID"), max_length=50, blank=True)
    outcome = models.CharField(
        _("結果"), max_length=10, choices=AuditOutcome.choices, db_index=True
    )
    status_code = models.PositiveSmallIntegerField(_("HTTPステータス"))
    remote_addr = models.GenericIPAddressField(_("接続元"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作記録")
        verbose_name_plural = _("操作記録")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")

    @property
    def action_label(self):
        """The action in words (「会議の削除」), not its URL name."""
        from core.audit import action_label

        return action_label(self.action)

    @property
    def refusal_reason(self):
        """Why a refused write was refused (「権限がない」); "" otherwise."""
        from core.audit import refusal_reason

        return refusal_reason(self)


class ChangeRecord(models.Model):
    """What every kept change of a plan says beside its old and new values: why (理由), the
    added value that justifies a later date (付加価値; either one will do, core/slips.py), who
    and when. Milestones' date changes and adoption answers' changes are both such records."""

    reason = models.TextField(_("理由"), blank=True)
    added_value = models.TextField(_("付加価値"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("変更者")
    )
    changed_at = models.DateTimeField(_("変更日時"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]
