"""Who may see what is not yet public, and who may try to log in."""

import ipaddress


def can_preview(user):
    """Editors (anyone allowed to view sticking points in the admin) see drafts."""
    return user.is_authenticated and user.has_perm("explainer.view_stickingpoint")


def client_ip(request):
    """The address a login attempt came from, for throttling. Behind PROXY_COUNT
    proxies it is the one the outermost of ours saw; anything further left in
    X-Forwarded-For was written by the client and proves nothing."""
    from django.conf import settings

    count = settings.PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        try:
            return str(ipaddress.ip_address(forwarded[-count]))
        except ValueError:
            pass  # not an address: our proxy did not write it
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a throttled login: 429, saying for how long."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "admin/locked_out.html", context, status=429)
