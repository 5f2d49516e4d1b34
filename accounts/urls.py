from django.urls import path

from accounts import views

urlpatterns = [
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("me/profile/", views.profile, name="profile"),
    path("me/calendar/", views.calendar_address, name="calendar-address"),
    path("sign-up/", views.sign_up, name="sign-up"),
]
