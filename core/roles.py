"""The product's roles, held as Django groups; the rules about them are in core/permissions.py."""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("事務局")
    # As the minutes write it; English "WT member" (the attendee group is plural there).
    WT_MEMBER = "wt_member", pgettext_lazy("role", "ワーキングチームメンバー")
    MINISTRY_STAFF = "ministry_staff", _("府省庁担当")
    LOCAL_GOVERNMENT_STAFF = "local_government_staff", _("地方公共団体職員")
    ASSOCIATION_STAFF = "association_staff", _("関係団体事務局")

    @property
    def short_label(self) -> str | Promise:
        """The label where space is tight (the header's role tag)."""
        return SHORT_LABELS.get(self, self.label)


# Outside the class: a dict in a TextChoices body would become a member.
SHORT_LABELS = {Role.WT_MEMBER: pgettext_lazy("role", "WTメンバー")}
