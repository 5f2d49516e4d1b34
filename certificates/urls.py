from django.urls import path

from . import views

urlpatterns = [
    path("me/certificates/", views.my_certificates, name="my-certificates"),
    path(
        "certificates/<int:certificate_id>/pdf/", views.certificate_download, name="certificate-pdf"
    ),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
