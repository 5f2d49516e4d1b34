from django.urls import path

from . import views

urlpatterns = [
    path("quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz"),
    path("quizzes/<int:quiz_id>/start/", views.attempt_start, name="attempt-start"),
    path("attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path(
        "attempts/<int:attempt_id>/answers/<int:question_id>/",
        views.attempt_autosave,
        name="attempt-autosave",
    ),
    path("attempts/<int:attempt_id>/result/", views.attempt_result, name="attempt-result"),
    path("attempts/<int:attempt_id>/status/", views.attempt_status, name="attempt-status"),
]
