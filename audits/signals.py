"""Audit events for facts Django itself signals: sign-ins and permission changes.

Everything else is recorded by the service that makes the change.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed

from audits import actions
from audits.context import current_context, request_context
from audits.services import audit_record

_M2M_ACTIONS = {"post_add": actions.PERMISSION_GRANTED, "post_remove": actions.PERMISSION_REVOKED}


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audits.login")
    user_logged_out.connect(_logged_out, dispatch_uid="audits.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audits.login_failed")
    for through in _permission_relations():
        m2m_changed.connect(_permissions_changed, sender=through, dispatch_uid=f"audits.m2m.{through._meta.label}")


def _logged_in(sender, request, user, **kwargs):
    with request_context(request):
        audit_record(actor=user, action=actions.LOGIN, obj=user)


def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return  # logging out while not signed in
    with request_context(request):
        audit_record(actor=user, action=actions.LOGOUT, obj=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced sensitive credentials; only the attempted user name is kept.
    username = credentials.get(get_user_model().USERNAME_FIELD, "")
    with request_context(request):
        audit_record(actor=None, action=actions.LOGIN_FAILED, data={"username": str(username)[:150]})


def _permission_relations() -> dict:
    """through model -> (forward accessor, reverse accessor, payload key)."""
    User = get_user_model()
    return {
        User.groups.through: ("groups", "user_set", "groups"),
        User.user_permissions.through: ("user_permissions", "user_set", "permissions"),
        Group.permissions.through: ("permissions", "group_set", "permissions"),
    }


def _permissions_changed(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    code = actions.PERMISSION_REVOKED if action == "pre_clear" else _M2M_ACTIONS.get(action)
    if code is None:
        return
    forward, backward, key = _permission_relations()[sender]
    if action == "pre_clear":  # Django does not say what a clear() removes; ask before it happens
        pk_set = set(getattr(instance, backward if reverse else forward).values_list("pk", flat=True))
    if not pk_set:
        return
    others = model._default_manager.using(using).filter(pk__in=pk_set)
    if model is Permission:
        others = others.select_related("content_type")
    _record_change(code=code, instance=instance, reverse=reverse, others=list(others), key=key)


def _record_change(*, code: str, instance, reverse: bool, others: list, key: str) -> None:
    actor = _acting_user()
    if reverse:  # group.user_set.add(...) or permission.group_set.add(...): one event per holder
        for holder in others:
            audit_record(actor=actor, action=code, obj=holder, data={key: [_name(instance)]})
    else:
        audit_record(actor=actor, action=code, obj=instance, data={key: sorted(_name(item) for item in others)})


def _acting_user():
    context = current_context()
    return context.user if context else None


def _name(item) -> str:
    if isinstance(item, Permission):
        return f"{item.content_type.app_label}.{item.codename}"
    return str(item)
