"""Template context for every page: the unread count under the bell."""

from django.utils.functional import SimpleLazyObject


def notifications(request):
    """`unread_notifications`, counted only if a template shows it (one query then)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from workflow.notifications import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
