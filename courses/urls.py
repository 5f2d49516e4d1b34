from django.urls import path

from . import feeds, teach_packages, teach_publish, teach_staff, teach_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/<str:token>/due-dates.ics", feeds.calendar_feed, name="calendar-feed"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/enrol/", views.course_enrol, name="course-enrol"),
    path("courses/<slug:slug>/about/", views.course_about, name="course-about"),
    path("lessons/<int:lesson_id>/", views.lesson_detail, name="lesson"),
    path("lessons/<int:lesson_id>/complete/", views.lesson_complete, name="lesson-complete"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/new/", views.cohort_create, name="cohort-create"),
    path("cohorts/<int:cohort_id>/", views.cohort_dashboard, name="cohort"),
    path("cohorts/<int:cohort_id>/learners/", views.cohort_learners, name="cohort-learners"),
    path(
        "cohorts/<int:cohort_id>/learners/preview/",
        views.cohort_roster_preview,
        name="cohort-roster-preview",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/import/",
        views.cohort_roster_import,
        name="cohort-roster-import",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/<int:user_id>/",
        views.cohort_learner,
        name="cohort-learner",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/<int:user_id>/reminder/",
        views.cohort_learner_remind,
        name="cohort-learner-reminder",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/<int:user_id>/extensions/",
        views.cohort_learner_extension,
        name="cohort-learner-extension",
    ),
    path("cohorts/<int:cohort_id>/due-dates/", views.cohort_due_dates, name="cohort-due-dates"),
    path("cohorts/<int:cohort_id>/exports/", views.cohort_export_create, name="cohort-exports"),
    path(
        "cohorts/<int:cohort_id>/exports/<int:export_id>/",
        views.cohort_export_status,
        name="cohort-export",
    ),
    path("exports/<str:token>/", views.cohort_export_download, name="cohort-export-download"),
    path(
        "cohort-invitations/<int:invitation_id>/answer/",
        views.cohort_invitation_respond,
        name="cohort-invitation-respond",
    ),
    path(
        "cohort-invitations/<str:token>/",
        views.cohort_invitation_link,
        name="cohort-invitation",
    ),
    path(
        "invitations/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    # Course staff: publishing, the course's staff, a new run (helper h-publish)
    path("teach/publish/<str:kind>/<int:item_id>/", teach_publish.publish, name="teach-publish"),
    path("teach/courses/<slug:slug>/staff/", teach_staff.course_staff, name="teach-course-staff"),
    path("teach/courses/<slug:slug>/copy/", teach_staff.course_copy, name="teach-course-copy"),
]

# Course packages (courses/teach_packages.py): before the authoring routes, whose
# teach/courses/<slug>/ would take "import" for a slug.
urlpatterns += [
    path("teach/courses/import/", teach_packages.package_import, name="teach-course-import"),
    path(
        "teach/courses/<slug:slug>/package.zip",
        teach_packages.package_download,
        name="teach-course-package",
    ),
]

# Course authoring (courses/teach_views.py), and the lesson images and files it uploads.
urlpatterns += [
    path("teach/courses/new/", teach_views.course_new, name="teach-course-new"),
    path("teach/courses/<slug:slug>/", teach_views.course_edit, name="teach-course"),
    path("teach/courses/<slug:slug>/modules/new/", teach_views.module_new, name="teach-module-new"),
    path("teach/modules/<int:module_id>/", teach_views.module_edit, name="teach-module"),
    path("teach/modules/<int:module_id>/move/", teach_views.module_move, name="teach-module-move"),
    path(
        "teach/modules/<int:module_id>/remove/",
        teach_views.module_remove,
        name="teach-module-remove",
    ),
    path(
        "teach/modules/<int:module_id>/lessons/new/",
        teach_views.lesson_new,
        name="teach-lesson-new",
    ),
    path(
        "teach/modules/<int:module_id>/preview/",
        teach_views.lesson_preview,
        name="teach-lesson-preview",
    ),
    path("teach/lessons/<int:lesson_id>/", teach_views.lesson_edit, name="teach-lesson"),
    path("teach/lessons/<int:lesson_id>/move/", teach_views.lesson_move, name="teach-lesson-move"),
    path(
        "teach/lessons/<int:lesson_id>/remove/",
        teach_views.lesson_remove,
        name="teach-lesson-remove",
    ),
    path(
        "teach/attachments/<int:attachment_id>/remove/",
        teach_views.attachment_remove,
        name="teach-attachment-remove",
    ),
    path("lesson-images/<int:image_id>/", teach_views.lesson_image, name="lesson-image"),
    path("lesson-files/<int:attachment_id>/", teach_views.lesson_attachment, name="lesson-file"),
]
