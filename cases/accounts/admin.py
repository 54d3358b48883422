"""The Django admin's user pages: a password an administrator sets must be changed at the next sign-in."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from cases.accounts import services

User = get_user_model()


class AccountUserAdmin(UserAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            services.password_set_by_admin(user=obj, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was valid and saved
            user = self.get_object(request, admin.utils.unquote(id))
            if user is not None and user.pk != request.user.pk:
                services.password_set_by_admin(user=user, actor=request.user)
        return response


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AccountUserAdmin)
