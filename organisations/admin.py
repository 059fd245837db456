"""Django admin for the platform's administrators. Organisations and memberships are written
through the services, so role groups, audit entries and live events stay right; the audit log,
partnerships and invitations are read-only (the organisations themselves grant those)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from organisations import services
from organisations.models import (
    AuditEntry,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        if change:
            services.organisation_update(
                actor=None, organisation=obj, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        else:
            created = services.organisation_create(actor=None, **form.cleaned_data)
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "valid_until"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    fields = ["user", "organisation", "role", "valid_until"]
    actions = ["end_memberships"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "organisation", "role"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.membership_update(actor=None, membership=obj, valid_until=form.cleaned_data["valid_until"])
        else:
            created = services.membership_grant(
                actor=None,
                organisation=form.cleaned_data["organisation"],
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                valid_until=form.cleaned_data["valid_until"],
            )
            obj.pk = created.pk

    @admin.action(description=_("End the selected memberships"))
    def end_memberships(self, request, queryset):
        for membership in queryset.filter(is_active=True):
            services.membership_end(actor=None, membership=membership)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written here: the services write these rows (the audit log appends; a
    partnership or an invitation is granted by the side that owns it, not by the platform's
    administrators)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "partner", "scope", "status", "proposed_by", "answered_at", "ended_at"]
    list_filter = ["scope", "status"]


@admin.register(MembershipInvitation)
class MembershipInvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    exclude = ["token_hash"]


@admin.register(Service)
class ServiceAdmin(TranslationAdmin):
    list_display = ["name", "organisation", "is_active"]
    list_filter = ["is_active", "organisation__kind"]
    search_fields = ["name", "organisation__name"]
    readonly_fields = ["organisation"]

    def has_add_permission(self, request):
        return False


@admin.register(Location)
class LocationAdmin(TranslationAdmin):
    list_display = ["name", "organisation", "city", "is_active"]
    search_fields = ["name", "organisation__name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "organisation", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "object_id"]
