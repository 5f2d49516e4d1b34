from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/enrol/", views.course_enrol, name="course-enrol"),
    path("lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson-complete"),
]
