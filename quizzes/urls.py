from django.urls import path

from . import teach, teach_bank, teach_import, teach_regrade, teach_results, views

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
    # Instructors
    path("teach/", teach.teach_home, name="teach"),
    path("teach/quizzes/new/", teach.quiz_new, name="teach-quiz-new"),
    path("teach/quizzes/<int:quiz_id>/", teach.quiz_edit, name="teach-quiz"),
    path(
        "teach/quizzes/<int:quiz_id>/questions/new/<str:question_type>/",
        teach.question_edit,
        name="teach-question-new",
    ),
    path(
        "teach/quizzes/<int:quiz_id>/questions/<int:question_id>/",
        teach.question_edit,
        name="teach-question",
    ),
    path(
        "teach/quizzes/<int:quiz_id>/slots/<int:slot_id>/",
        teach.slot_change,
        name="teach-slot",
    ),
    path("teach/quizzes/<int:quiz_id>/preview/", teach.quiz_preview, name="teach-preview"),
    path("teach/quizzes/<int:quiz_id>/overrides/", teach.overrides, name="teach-overrides"),
    path(
        "teach/quizzes/<int:quiz_id>/overrides/<int:override_id>/delete/",
        teach.override_delete,
        name="teach-override-delete",
    ),
    path("teach/grading/", teach.grading_queue, name="teach-grading"),
    path(
        "teach/attempts/<int:attempt_id>/questions/<int:question_id>/grade/",
        teach.essay_grade,
        name="teach-essay-grade",
    ),
    # The question bank (teach_bank.py)
    path("teach/courses/<slug:slug>/bank/", teach_bank.bank, name="teach-bank"),
    path(
        "teach/courses/<slug:slug>/bank/categories/",
        teach_bank.bank_category_new,
        name="teach-bank-category-new",
    ),
    path(
        "teach/courses/<slug:slug>/bank/categories/<int:category_id>/",
        teach_bank.bank_category_change,
        name="teach-bank-category",
    ),
    path(
        "teach/courses/<slug:slug>/bank/questions/",
        teach_bank.bank_questions_change,
        name="teach-bank-questions",
    ),
    path(
        "teach/courses/<slug:slug>/bank/questions/new/<str:question_type>/",
        teach_bank.bank_question_edit,
        name="teach-bank-question-new",
    ),
    path(
        "teach/courses/<slug:slug>/bank/questions/<int:question_id>/",
        teach_bank.bank_question_edit,
        name="teach-bank-question",
    ),
    path("teach/quizzes/<int:quiz_id>/bank/", teach_bank.quiz_bank_add, name="teach-quiz-bank"),
    path(
        "teach/quizzes/<int:quiz_id>/bank/random/",
        teach_bank.quiz_bank_random,
        name="teach-quiz-random",
    ),
]

# The question bank's import and export (quizzes/teach_import.py)
urlpatterns += [
    path(
        "teach/courses/<slug:slug>/bank/import/",
        teach_import.bank_import,
        name="teach-bank-import",
    ),
    path(
        "teach/courses/<slug:slug>/bank/import/confirm/",
        teach_import.bank_import_confirm,
        name="teach-bank-import-confirm",
    ),
    path(
        "teach/courses/<slug:slug>/bank/export.gift",
        teach_import.bank_export,
        name="teach-bank-export",
    ),
    # Regrading and the grade history
    path("teach/quizzes/<int:quiz_id>/regrade/", teach_regrade.quiz_regrade, name="teach-regrade"),
    path("teach/regrade-jobs/<int:job_id>/", teach_regrade.regrade_job, name="teach-regrade-job"),
    path(
        "teach/regrade-jobs/<int:job_id>/status/",
        teach_regrade.regrade_job_status,
        name="teach-regrade-job-status",
    ),
    path(
        "teach/attempts/<int:attempt_id>/grades/",
        teach_regrade.attempt_grades,
        name="teach-attempt-grades",
    ),
    # Instructors: results and item analysis
    path(
        "teach/quizzes/<int:quiz_id>/results/",
        teach_results.quiz_results,
        name="teach-quiz-results",
    ),
    path(
        "teach/quizzes/<int:quiz_id>/results.csv",
        teach_results.quiz_results_csv,
        name="teach-quiz-results-csv",
    ),
    path(
        "teach/quizzes/<int:quiz_id>/analysis/",
        teach_results.quiz_analysis,
        name="teach-quiz-analysis",
    ),
]
