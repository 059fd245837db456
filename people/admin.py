"""The Django admin of person files: only the privacy notices, which the platform's staff record
for an organisation. A version is never changed once recorded; a new text is a new version."""

from django.contrib import admin

from people.models import PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """Add a version, read the earlier ones: consents point at the version the person was shown,
    so its text must stay what it was."""

    list_display = ["organisation", "version", "published_on", "created_at"]
    list_filter = ["organisation"]
    fields = ["organisation", "version", "published_on", "privacy_officer_contact", "text_fr", "text_en", "text_es"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
