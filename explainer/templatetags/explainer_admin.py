from django import template

from explainer.admin_tools import needs_attention as find_what_needs_attention

register = template.Library()


@register.simple_tag
def needs_attention():
    return find_what_needs_attention()
