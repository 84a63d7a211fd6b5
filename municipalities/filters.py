import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import text_search
from municipalities.models import Kind, LocalGovernment


class LocalGovernmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称・よみ・コード"), method="filter_text")
    prefecture = django_filters.ModelChoiceFilter(
        label=_("都道府県"),
        queryset=LocalGovernment.objects.prefectures(),
        empty_label=_("すべて"),
        method="filter_prefecture",
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("区分"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    population_min = django_filters.NumberFilter(
        label=_("人口（以上）"), field_name="population", lookup_expr="gte", min_value=0
    )
    population_max = django_filters.NumberFilter(
        label=_("人口（以下）"), field_name="population", lookup_expr="lte", min_value=0
    )

    class Meta:
        model = LocalGovernment
        fields = ["q", "prefecture", "kind", "population_min", "population_max"]

    def filter_text(self, queryset, name, value):
        """Every word in the name or its reading (サッポロ, ｻｯﾎﾟﾛ and さっぽろ alike), or a code's start."""
        for word in text_search.words(value[:50]):
            queryset = queryset.filter(Q(search_text__contains=word) | Q(code__startswith=word))
        return queryset

    def filter_prefecture(self, queryset, name, value):
        # A prefecture row itself belongs to its prefecture too.
        return queryset.filter(Q(prefecture=value) | Q(pk=value.pk))
