"""The Seller Center's admin site: Django's, with every ModelAdmin on it reading ids from the
request through marketplace.parsing.

Django's admin trusts three request parameters to be well formed, and answers a 500 when they
are not (each was found by tests/marketplace/test_hostile_input.py):

- an autocomplete widget (a seller's shop, a member's user) queries `id IN ('abc')` with what an
  add link's `?shop=abc` or a posted form that failed validation held (ValueError);
- an action posted with `_selected_action=abc` filters `pk__in=['abc']` (ValueError);
- a date hierarchy's `?planned_start__year=99999999999999999999` overflows `datetime()`
  (OverflowError, where Django catches only ValueError).

`LapakAdminSite.register` puts `InputGuardAdminMixin` in front of every ModelAdmin registered on
it, the project's and the libraries' (auth's groups, allauth's e-mail addresses) alike, so a new
admin cannot forget it.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from marketplace.parsing import MAX_ID, parse_int

# Ranges datetime() takes for the date hierarchy's drill-down.
_DATE_PARTS = (("year", 1, 9999), ("month", 1, 12), ("day", 1, 31))


def _field_takes(field, value: str) -> bool:
    """Whether `value` (from a query string or form) is something `field` can hold."""
    if isinstance(field, models.IntegerField):  # ids included: AutoField and BigAutoField
        return parse_int(value.removeprefix("-"), lo=0, hi=MAX_ID) is not None
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class _GuardedAutocomplete:
    """An autocomplete widget that looks up only the selected values that can be ids: Django's
    queries `id IN (...)` with whatever the query string or the posted form held."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field  # the field Django's optgroups filters on, as it finds it
        options = remote.model._meta
        target = options.get_field(getattr(remote, "field_name", None) or options.pk.name)
        return super().optgroups(name, [item for item in value if _field_takes(target, str(item))], attr)


class GuardedAutocompleteSelect(_GuardedAutocomplete, AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(_GuardedAutocomplete, AutocompleteSelectMultiple):
    pass


class InputGuardAdminMixin:
    """Bad ids and dates in an admin request are bad input (an empty field with its form error,
    a message, Django's own "?e=1" page), not a server error."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist_instance(self, request):
        hierarchy = self.date_hierarchy
        if hierarchy:
            for part, lo, hi in _DATE_PARTS:
                values = request.GET.getlist(f"{hierarchy}__{part}")
                if values and parse_int(values[-1], lo=lo, hi=hi) is None:
                    # What Django raises for any other bad filter: the changelist answers ?e=1.
                    raise IncorrectLookupParameters(f"{hierarchy}__{part}")
        return super().get_changelist_instance(request)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(_field_takes(self.model._meta.pk, value) for value in selected):
            # None: the changelist reloads and shows the message, as for an action with no items.
            self.message_user(
                request, _("Some selected items are not valid; nothing was changed."), messages.ERROR
            )
            return None
        return super().response_action(request, queryset)


class LapakAdminSite(admin.AdminSite):
    """`admin.site` (marketplace.apps.LapakAdminConfig)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, InputGuardAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (InputGuardAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        return super().register(model_or_iterable, admin_class, **options)
