from django.urls import path

from . import views

urlpatterns = [
    path("me/certificates/", views.my_certificates, name="my-certificates"),
    path("me/credit/<slug:slug>/", views.credit_claim, name="credit-claim"),
    path(
        "certificates/<int:certificate_id>/pdf/", views.certificate_download, name="certificate-pdf"
    ),
    path(
        "certificates/<int:certificate_id>/name-change/",
        views.name_change,
        name="certificate-name-change",
    ),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("cohorts/certificates/", views.cohort_list, name="cohort-certificate-list"),
    path(
        "cohorts/<int:cohort_id>/certificates/",
        views.cohort_certificates,
        name="cohort-certificates",
    ),
    path(
        "cohorts/<int:cohort_id>/certificates/batches/",
        views.cohort_batch_create,
        name="cohort-certificate-batch",
    ),
    path(
        "cohorts/<int:cohort_id>/certificates.zip",
        views.cohort_zip,
        name="cohort-certificates-zip",
    ),
    path(
        "certificate-batches/<int:batch_id>/progress/",
        views.batch_progress,
        name="certificate-batch-progress",
    ),
]
