"""Staff's side: certificates (revoke), name-change requests (approve, reject), branding.

Every action goes through the services; nothing here deletes a certificate or its history.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.shortcuts import render
from django.utils import timezone

from certificates.services.corrections import (
    certificate_revoke,
    name_change_approve,
    name_change_reject,
)
from lms.errors import ApplicationError

from .models import (
    Certificate,
    CertificateBatch,
    CertificateBranding,
    CertificateEvent,
    CreditClaim,
    NameChangeRequest,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the services write: shown, never edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    fields = ("at", "kind", "actor", "sha256", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept private to staff: verification shows only that and when it was revoked.",
    )


class NoticeFilter(admin.SimpleListFilter):
    """Which ready certificates' e-mails did not go out: failing ones show the server's reason."""

    title = "ready e-mail"
    parameter_name = "notice"

    def lookups(self, request, model_admin):
        return [
            ("failed", "Not sent: the mail server refused"),
            ("waiting", "Not sent yet"),
            ("sent", "Sent"),
        ]

    def queryset(self, request, queryset):
        ready_unsent = queryset.filter(status=Certificate.Status.READY, notified_at__isnull=True)
        if self.value() == "failed":
            return ready_unsent.filter(notice_failures__gt=0)
        if self.value() == "waiting":
            return ready_unsent.filter(notice_failures=0)
        if self.value() == "sent":
            return queryset.filter(notified_at__isnull=False)
        return queryset


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = (
        "learner_name",
        "course_title",
        "status",
        "version",
        "code",
        "completed_on",
        "credits_claimed",
        "notice",
    )
    list_filter = ("status", NoticeFilter)
    search_fields = ("learner_name", "code", "course_title")
    readonly_fields = [f.name for f in Certificate._meta.fields]
    inlines = [CertificateEventInline]
    actions = ["revoke"]

    @admin.display(description="Ready e-mail")
    def notice(self, obj):
        if obj.notified_at:
            return f"Sent {timezone.localtime(obj.notified_at):%Y-%m-%d %H:%M}"
        if obj.notice_failures:
            return (
                f"Not sent: {obj.notice_failures} failed attempt(s), the last at "
                f"{timezone.localtime(obj.notice_failed_at):%Y-%m-%d %H:%M}: {obj.notice_error}"
            )
        return "Not sent" if obj.status == Certificate.Status.READY else ""

    def has_add_permission(self, request):
        return False  # certificates are issued by the services, from completed enrolments

    def has_delete_permission(self, request, obj=None):
        return False  # certificates are records: revoked at most, never deleted

    @admin.action(
        description="Revoke the selected certificates (asks for the reason)", permissions=["change"]
    )
    def revoke(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for certificate in queryset:
                try:
                    certificate_revoke(
                        certificate_id=certificate.id,
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    done += 1
                except ApplicationError as exc:
                    self.message_user(request, f"{certificate.code}: {exc}", messages.ERROR)
            if done:
                self.message_user(request, f"Revoked {done} certificate(s).", messages.SUCCESS)
            return None
        return render(
            request,
            "admin/certificates/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": "Revoke certificates",
                "certificates": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(NameChangeRequest)
class NameChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("requested_name", "current_name", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("requested_name", "certificate__learner_name", "certificate__code")
    readonly_fields = [f.name for f in NameChangeRequest._meta.fields]
    actions = ["approve", "reject"]

    @admin.display(description="Name on the certificate")
    def current_name(self, obj):
        return obj.certificate.learner_name

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, decide, verb: str):
        done = 0
        for name_change in queryset:
            try:
                decide(name_change)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{name_change}: {exc}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} request(s).", messages.SUCCESS)

    @admin.action(
        description="Approve: reissue the certificate with the requested name",
        permissions=["change"],
    )
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda r: name_change_approve(request_id=r.id, actor=request.user),
            "Approved",
        )

    @admin.action(description="Reject the selected requests", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda r: name_change_reject(request_id=r.id, actor=request.user),
            "Rejected",
        )


@admin.register(CertificateBranding)
class CertificateBrandingAdmin(admin.ModelAdmin):
    list_display = ("course", "issuer_name", "signatory_name", "updated_at")
    search_fields = ("course__title", "signatory_name")


@admin.register(CreditClaim)
class CreditClaimAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "credits", "claimed_at")


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ReadOnlyAdmin):
    list_display = ("cohort", "kind", "status", "total", "succeeded", "failed", "created_at")
    list_filter = ("status", "kind")
