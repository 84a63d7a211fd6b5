"""E-mail notices (issue 20): each notice is a row before it is a message.

A notice's `key` names what it is about and for whom (kind, recipient, subject object, period:
`stale_progress:u12:m3:2026-11`), and is unique: whatever writes a notice twice (a retried
task, a beat run repeated by hand) finds the row and sends nothing more. Subject and body are
written when the row is, in the recipient's language, so a retry sends the same text and the
log shows what was sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    STALE_PROGRESS = "stale_progress", _("進捗報告の更新のお願い（毎月）")
    MILESTONE_DIGEST = "milestone_digest", _("期限超過・期限間近のマイルストーン（毎週）")
    SLIP_RECORDED = "slip_recorded", _("スケジュールの後ろ倒しの記録")
    REPORT_FINISHED = "report_finished", _("報告書の作成完了・失敗")
    CONSULTATION_OPENED = "consultation_opened", _("意見照会の開始")
    CONSULTATION_DEADLINE = "consultation_deadline", _("意見照会の回答期限が近いこと")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("送信待ち")
    SENDING = "sending", _("送信中")
    SENT = "sent", _("送信済み")
    FAILED = "failed", _("送信失敗")


class Notice(models.Model):
    """One e-mail to one person, with what came of sending it."""

    key = models.CharField(_("識別キー"), max_length=200, unique=True)
    kind = models.CharField(_("種類"), max_length=30, choices=NoticeKind.choices, db_index=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("宛先ユーザー"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="notices",
    )
    to_email = models.EmailField(_("宛先"))
    language = models.CharField(_("言語"), max_length=10)
    subject = models.CharField(_("件名"), max_length=250)
    body = models.TextField(_("本文"))
    url = models.URLField(_("リンク"), max_length=500)
    status = models.CharField(
        _("状態"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    error = models.TextField(_("エラー"), blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("メール通知")
        verbose_name_plural = _("メール通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="notice_status_created")]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class NotificationPreference(models.Model):
    """What a user chose: the kinds they do not want, and the language of their e-mail.
    No row means every kind, in Japanese."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ユーザー"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    disabled_kinds = models.JSONField(_("受け取らない通知"), default=list, blank=True)
    language = models.CharField(
        _("メールの言語"), max_length=10, choices=settings.LANGUAGES, default="ja"
    )

    class Meta:
        verbose_name = _("通知の設定")
        verbose_name_plural = _("通知の設定")

    def __str__(self) -> str:
        return str(self.user)
