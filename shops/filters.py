"""Parsing and validating the product list's GET parameters.

A bad value (`?min_price=abc`, an unknown category) never errors the page: the form drops the
field from `cleaned_data`, the filter is not applied, and the page shows the form's message.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from shops.enums import Condition, ProductSort
from shops.selectors import category_tree

MAX_PRICE = 10**12  # beyond any real listing; keeps the integer inside BIGINT


def _category_choices():
    return [("", _("All categories")), *category_tree().choices]


class ProductFilterForm(forms.Form):
    """Fields that are not filters: the search text and the sort order."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    # Blank means "best match" when searching and "newest" otherwise.
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[("", _("Recommended")), *ProductSort.choices]
    )


class ProductFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=_category_choices, empty_label=None, method="filter_category"
    )
    min_price = django_filters.NumberFilter(
        label=_("Min. price"),
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_PRICE,
        decimal_places=0,
    )
    max_price = django_filters.NumberFilter(
        label=_("Max. price"),
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE,
        decimal_places=0,
    )
    condition = django_filters.MultipleChoiceFilter(
        label=_("Condition"),
        choices=Condition.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_condition",
    )
    shop = django_filters.CharFilter(label=_("Shop"), field_name="shop__slug", max_length=60)

    class Meta:
        form = ProductFilterForm
        fields: list[str] = []

    def filter_queryset(self, queryset):
        # The form also carries q and sort, which the selectors apply after filtering.
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_category(self, queryset, name, value):
        node = category_tree().get_by_slug(value)
        if node is None:
            return queryset
        return queryset.filter(category_id__in=category_tree().descendant_ids(node.id))

    def filter_condition(self, queryset, name, value):
        # One IN (...) rather than MultipleChoiceFilter's OR-chain plus DISTINCT.
        return queryset.filter(condition__in=value) if value else queryset


class ShopProductFilter(ProductFilter):
    """The shop page's showcase: the same form, already scoped to one shop."""

    shop = None
