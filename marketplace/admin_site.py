"""The Seller Center's admin site: Django's, with every ModelAdmin on it reading ids from the
request through marketplace.parsing.

Django's admin trusts three request parameters to be well formed, and answers a 500 when they
are not (each was found by tests/marketplace/test_hostile_input.py):

- an add link's `?shop=abc` is put into the form as an initial value, and the shop's autocomplete
  widget then queries `id IN ('abc')` (ValueError);
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
from django.core.exceptions import FieldDoesNotExist, ValidationError
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


def _initial_is_valid(model, name: str, value) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True  # not the model's: the form ignores it
    if field.is_relation:
        if not field.concrete:
            return True
        field = field.target_field
    values = value if isinstance(value, list) else [value]  # a many-to-many's "1,2" comes split
    # Strings come from the query string; anything else was set by the ModelAdmin's own code.
    return all(_field_takes(field, item) for item in values if isinstance(item, str))


class InputGuardAdminMixin:
    """Bad ids and dates in an admin request are bad input (a blank field, a message, Django's
    own "?e=1" page), not a server error."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {name: value for name, value in initial.items() if _initial_is_valid(self.model, name, value)}

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
