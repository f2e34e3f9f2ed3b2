"""`{% load custos_pages %}{% can_open "app:name" [arg ...] as ok %}`.

Shows a link only to the people its page admits (`custos.core.pages`).
"""

from __future__ import annotations

from typing import Any

from django import template

from custos.core.pages import can_open as _can_open

register = template.Library()


@register.simple_tag(takes_context=True)
def can_open(context: Any, url_name: str, *args: Any) -> bool:
    return _can_open(context["request"].user, url_name, *args)
