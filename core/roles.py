"""The product's roles, held as Django groups; permission rules read them through here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("事務局")
    WT_MEMBER = "wt_member", _("WT委員")
    MINISTRY_STAFF = "ministry_staff", _("府省庁担当")
