from django import template

from marketplace.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    return format_rupiah(amount)
