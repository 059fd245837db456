"""The accounts app's part of the Django admin: the platform's superusers reset an account's
two-step verification, which an organisation's admin may not do for a person who also works for
another organisation (``accounts.services.two_factor_reset``)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from organisations.admin import UserAdmin
from organisations.models import User

admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(UserAdmin):
    """The users' admin, with the second-factor reset (superusers only: it lowers an account's
    guard for every organisation it works for)."""

    actions = ["two_factor_reset"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("two_factor_reset", None)
        return actions

    @admin.action(description=_("Reset the two-step verification of the selected users"))
    def two_factor_reset(self, request, queryset):
        users = list(queryset)
        for user in users:
            services.two_factor_reset_by_staff(actor=request.user, user=user)
        self.message_user(
            request,
            ngettext(
                "The two-step verification of %(count)d user is reset: they set it up again at their next login.",
                "The two-step verification of %(count)d users is reset: they set it up again at their next login.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
