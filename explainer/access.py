"""Who may see what is not yet public."""


def can_preview(user):
    """Editors (anyone allowed to view sticking points in the admin) see drafts."""
    return user.is_authenticated and user.has_perm("explainer.view_stickingpoint")
