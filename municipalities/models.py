from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.text_search import SearchTextField
from municipalities.codes import validate_code


class Kind(models.TextChoices):
    PREFECTURE = "prefecture", _("都道府県")
    DESIGNATED_CITY = "designated_city", _("指定都市")
    CORE_CITY = "core_city", _("中核市")
    SPECIAL_CASE_CITY = "special_case_city", _("施行時特例市")
    CITY = "city", _("一般市")
    SPECIAL_WARD = "special_ward", _("特別区")
    TOWN = "town", _("町")
    VILLAGE = "village", _("村")
    WARD = "ward", _("行政区")


CITY_KINDS = (Kind.DESIGNATED_CITY, Kind.CORE_CITY, Kind.SPECIAL_CASE_CITY, Kind.CITY)
MUNICIPALITY_KINDS = (*CITY_KINDS, Kind.SPECIAL_WARD, Kind.TOWN, Kind.VILLAGE)


class LocalGovernmentQuerySet(models.QuerySet):
    def prefectures(self):
        return self.filter(kind=Kind.PREFECTURE)

    def municipalities(self):
        """The 1,741 municipalities (市区町村), without prefectures or designated-city wards."""
        return self.filter(kind__in=MUNICIPALITY_KINDS)

    def wards(self):
        return self.filter(kind=Kind.WARD)

    def of_kinds(self, kinds):
        return self.filter(kind__in=kinds)


class LocalGovernment(models.Model):
    """A prefecture, municipality or designated-city ward, keyed by its official code."""

    code = models.CharField(_("団体コード"), max_length=6, unique=True, validators=[validate_code])
    name = models.CharField(_("名称"), max_length=50)
    kana = models.CharField(_("よみ"), max_length=100, blank=True)
    kind = models.CharField(_("区分"), max_length=20, choices=Kind.choices, db_index=True)
    prefecture = models.ForeignKey(
        "self",
        verbose_name=_("都道府県"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="local_governments",
        limit_choices_to={"kind": Kind.PREFECTURE},
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属する市"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
    )
    population = models.PositiveIntegerField(_("人口（令和2年国勢調査）"), null=True, blank=True)
    search_text = SearchTextField(sources=["name", "kana"])

    objects = LocalGovernmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("地方公共団体")
        verbose_name_plural = _("地方公共団体")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=Kind.PREFECTURE, prefecture__isnull=True)
                | (~Q(kind=Kind.PREFECTURE) & Q(prefecture__isnull=False)),
                name="lg_prefecture_set_unless_prefecture",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.WARD, parent__isnull=False)
                | (~Q(kind=Kind.WARD) & Q(parent__isnull=True)),
                name="lg_parent_only_for_wards",
            ),
        ]
        indexes = [models.Index(fields=["kind", "population"])]

    def __str__(self) -> str:
        return self.qualified_name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:detail", args=[self.code])

    @property
    def qualified_name(self) -> str:
        """Names repeat across prefectures (美郷町): qualify by prefecture."""
        return qualified_name(self.kind, self.name, self.prefecture.name if self.prefecture else "")


def qualified_name(kind: str, name: str, prefecture_name: str) -> str:
    """A body's name qualified by its prefecture (names repeat: 美郷町), except a prefecture's
    and a ward's."""
    if kind in (Kind.PREFECTURE, Kind.WARD) or not prefecture_name:
        return name
    return f"{prefecture_name}{name}"


class Association(models.Model):
    """A body that speaks for local governments (全国知事会, 指定都市市長会, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    name_en = models.CharField(_("英語名称"), max_length=100)
    description = models.TextField(_("説明"), blank=True)
    members = models.ManyToManyField(
        LocalGovernment,
        verbose_name=_("会員団体"),
        related_name="associations",
        blank=True,
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("地方団体の連合組織")
        verbose_name_plural = _("地方団体の連合組織")
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:association_detail", args=[self.slug])
