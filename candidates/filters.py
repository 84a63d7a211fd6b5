import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates import permissions
from candidates.lifecycle import JUDGMENTS, PRE_SELECTION_STAGES, Stage
from candidates.models import Candidate, Ministry
from candidates.selectors import due_q, slipped_q
from core import text_search
from core.display import fiscal_year_display
from core.forms import AccessibleForm

DUE_CHOICES = [(30, _("30日以内")), (90, _("90日以内")), (180, _("180日以内")), (365, _("1年以内"))]


def fiscal_year_choices():
    years = (
        Candidate.objects.order_by("-selected_fiscal_year")
        .values_list("selected_fiscal_year", flat=True)
        .distinct()
    )
    return [(year, fiscal_year_display(year)) for year in years]


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("キーワード"), method="filter_text")
    fiscal_year = django_filters.ChoiceFilter(
        label=_("選定年度"),
        field_name="selected_fiscal_year",
        choices=fiscal_year_choices,
        empty_label=_("すべて"),
    )
    ministry = django_filters.ModelChoiceFilter(
        label=_("府省庁"),
        queryset=Ministry.objects.all(),
        empty_label=_("すべて"),
        method="filter_ministry",
    )
    # A candidate has one stage: no DISTINCT (over every column, and in the paginator's COUNT).
    stage = django_filters.MultipleChoiceFilter(
        label=_("段階"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    judgment = django_filters.ChoiceFilter(
        label=_("判断"),
        choices=[(s.value, s.label) for s in JUDGMENTS],
        empty_label=_("すべて"),
    )
    slipped = django_filters.BooleanFilter(
        label=_("遅れのあるもののみ"),
        method="filter_slipped",
        widget=forms.CheckboxInput,
    )
    mine = django_filters.BooleanFilter(
        label=_("担当の候補のみ"),
        method="filter_mine",
        widget=forms.CheckboxInput,
    )
    due_within = django_filters.ChoiceFilter(
        label=_("期限が近いもの"),
        choices=DUE_CHOICES,
        empty_label=_("指定しない"),
        method="filter_due",
    )

    class Meta:
        model = Candidate
        form = AccessibleForm  # its widgets render through Jinja2, as the product's other forms
        fields = [
            "q",
            "fiscal_year",
            "ministry",
            "stage",
            "judgment",
            "slipped",
            "mine",
            "due_within",
        ]

    @property
    def qs(self):
        """Drafts (候補案) are not candidates yet: listed only when the stage filter asks for them
        (the list, its exports and the API share this)."""
        queryset = super().qs
        asked = set(getattr(self.form, "cleaned_data", {}).get("stage") or ())
        if not asked & set(PRE_SELECTION_STAGES):
            queryset = queryset.exclude(stage__in=PRE_SELECTION_STAGES)
        return queryset

    def filter_text(self, queryset, name, value):
        """Every word in the candidate's name, summary or business area, or in the name of a
        ministry responsible for it (「国土交通省」 lists that ministry's candidates)."""
        co_owned = Candidate.co_ministries.through.objects
        for word in text_search.words(value[:100]):
            queryset = queryset.filter(
                Q(search_text__contains_words=[word])
                | Q(lead_ministry__search_text__contains=word)
                | Q(
                    pk__in=co_owned.filter(ministry__search_text__contains=word).values("candidate")
                )
            )
        return queryset

    def filter_ministry(self, queryset, name, value):
        return _responsible(queryset, [value])

    def filter_mine(self, queryset, name, value):
        """Ministry staff: the candidates of their ministry (lead or co-responsible)."""
        if not value or self.request is None:
            return queryset
        return _responsible(queryset, permissions.responsible_for(self.request.user))

    def filter_slipped(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=Candidate.objects.filter(slipped_q("milestones__")).values("pk")
        )

    def filter_due(self, queryset, name, value):
        end = timezone.localdate() + dt.timedelta(days=int(value))
        return queryset.filter(
            pk__in=Candidate.objects.filter(due_q(end, "milestones__")).values("pk")
        )


def _responsible(queryset, ministries):
    """Candidates led or co-owned by any of the ministries (a subquery: no duplicate rows)."""
    co_owned = Candidate.co_ministries.through.objects.filter(ministry__in=ministries)
    return queryset.filter(Q(lead_ministry__in=ministries) | Q(pk__in=co_owned.values("candidate")))
