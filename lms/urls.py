from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.apis import TokenApi
from accounts.views import LoginView
from certificates import apis as certificate_apis
from courses import apis as course_apis
from courses import apis_authoring as authoring_apis
from courses import apis_packages as package_apis
from courses import apis_teach as teach_apis
from courses.cohorts import apis as cohort_apis
from lms.readiness import readyz
from quizzes import apis as quiz_apis
from quizzes import apis_bank as bank_apis
from quizzes import apis_import as quiz_import_apis
from quizzes import apis_regrade as regrade_apis
from quizzes import apis_results as quiz_results_apis

api_v1 = [
    path("auth/token/", TokenApi.as_view(), name="token"),
    path("courses/", course_apis.CourseListApi.as_view(), name="courses"),
    path("courses/<slug:slug>/", course_apis.CourseDetailApi.as_view(), name="course"),
    path("courses/<slug:slug>/enroll/", course_apis.CourseEnrollApi.as_view(), name="enroll"),
    path(
        "lessons/<int:lesson_id>/complete/",
        course_apis.LessonCompleteApi.as_view(),
        name="lesson-complete",
    ),
    path("quizzes/<int:quiz_id>/", quiz_apis.QuizDetailApi.as_view(), name="quiz"),
    path("quizzes/<int:quiz_id>/attempts/", quiz_apis.AttemptStartApi.as_view(), name="attempts"),
    path("attempts/<int:attempt_id>/", quiz_apis.AttemptDetailApi.as_view(), name="attempt"),
    path(
        "attempts/<int:attempt_id>/responses/<int:question_id>/",
        quiz_apis.AttemptResponseApi.as_view(),
        name="attempt-response",
    ),
    path(
        "attempts/<int:attempt_id>/submit/",
        quiz_apis.AttemptSubmitApi.as_view(),
        name="attempt-submit",
    ),
    path(
        "attempts/<int:attempt_id>/questions/<int:question_id>/grade/",
        quiz_apis.AttemptQuestionGradeApi.as_view(),
        name="attempt-question-grade",
    ),
    path("cohorts/", cohort_apis.CohortListApi.as_view(), name="cohorts"),
    path(
        "cohorts/<int:cohort_id>/progress/",
        cohort_apis.CohortProgressApi.as_view(),
        name="cohort-progress",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/",
        cohort_apis.CohortLearnerAddApi.as_view(),
        name="cohort-learners",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/import/",
        cohort_apis.CohortRosterImportApi.as_view(),
        name="cohort-roster-import",
    ),
    path(
        "cohorts/<int:cohort_id>/invitations/",
        cohort_apis.CohortInvitationsApi.as_view(),
        name="cohort-invitations",
    ),
    path("cohort-invitations/", cohort_apis.MyInvitationsApi.as_view(), name="my-invitations"),
    path(
        "cohort-invitations/<int:invitation_id>/accept/",
        cohort_apis.MyInvitationAcceptApi.as_view(),
        name="my-invitation-accept",
    ),
    path(
        "cohort-invitations/<int:invitation_id>/decline/",
        cohort_apis.MyInvitationDeclineApi.as_view(),
        name="my-invitation-decline",
    ),
    path(
        "cohorts/<int:cohort_id>/learners/<int:user_id>/attempts/",
        cohort_apis.CohortLearnerAttemptsApi.as_view(),
        name="cohort-learner-attempts",
    ),
    path(
        "cohorts/<int:cohort_id>/due-dates/",
        cohort_apis.CohortDueDatesApi.as_view(),
        name="cohort-due-dates",
    ),
    path(
        "cohorts/<int:cohort_id>/exports/",
        cohort_apis.CohortExportCreateApi.as_view(),
        name="cohort-exports",
    ),
    path(
        "cohorts/<int:cohort_id>/exports/<int:export_id>/",
        cohort_apis.CohortExportDetailApi.as_view(),
        name="cohort-export",
    ),
    path(
        "exports/<str:token>/download/",
        cohort_apis.CohortExportDownloadApi.as_view(),
        name="cohort-export-download",
    ),
    path("me/progress/", course_apis.MyProgressApi.as_view(), name="my-progress"),
    path("me/certificates/", certificate_apis.MyCertificatesApi.as_view(), name="my-certificates"),
    path(
        "certificates/<int:certificate_id>/pdf/",
        certificate_apis.CertificatePdfApi.as_view(),
        name="certificate-pdf",
    ),
    path(
        "certificates/verify/<str:code>/",
        certificate_apis.CertificateVerifyApi.as_view(),
        name="certificate-verify",
    ),
    path(
        "certificates/<int:certificate_id>/name-change/",
        certificate_apis.NameChangeRequestApi.as_view(),
        name="certificate-name-change",
    ),
    path("me/credit-claims/", certificate_apis.CreditClaimsApi.as_view(), name="credit-claims"),
    path(
        "cohorts/<int:cohort_id>/certificate-batches/",
        certificate_apis.CohortCertificateBatchApi.as_view(),
        name="cohort-certificate-batches",
    ),
    path(
        "cohorts/<int:cohort_id>/certificates.zip",
        certificate_apis.CohortCertificatesZipApi.as_view(),
        name="cohort-certificates-zip",
    ),
    path(
        "certificate-batches/<int:batch_id>/",
        certificate_apis.CertificateBatchApi.as_view(),
        name="certificate-batch",
    ),
    # The question bank (quizzes/apis_bank.py)
    path(
        "courses/<slug:slug>/bank/questions/",
        bank_apis.BankQuestionsApi.as_view(),
        name="bank-questions",
    ),
    path(
        "courses/<slug:slug>/bank/questions/move/",
        bank_apis.BankQuestionsMoveApi.as_view(),
        name="bank-questions-move",
    ),
    path(
        "courses/<slug:slug>/bank/questions/copy/",
        bank_apis.BankQuestionsCopyApi.as_view(),
        name="bank-questions-copy",
    ),
    path(
        "courses/<slug:slug>/bank/questions/tags/",
        bank_apis.BankQuestionsTagApi.as_view(),
        name="bank-questions-tag",
    ),
    path(
        "courses/<slug:slug>/bank/questions/<int:question_id>/",
        bank_apis.BankQuestionApi.as_view(),
        name="bank-question",
    ),
    path(
        "courses/<slug:slug>/bank/categories/",
        bank_apis.BankCategoriesApi.as_view(),
        name="bank-categories",
    ),
    path(
        "courses/<slug:slug>/bank/categories/<int:category_id>/",
        bank_apis.BankCategoryApi.as_view(),
        name="bank-category",
    ),
    path(
        "quizzes/<int:quiz_id>/slots/bank/",
        bank_apis.QuizBankSlotsApi.as_view(),
        name="quiz-bank-slots",
    ),
    path(
        "quizzes/<int:quiz_id>/slots/random/",
        bank_apis.QuizRandomSlotApi.as_view(),
        name="quiz-random-slot",
    ),
]

# The question bank's import (quizzes/apis_import.py)
api_v1 += [
    path(
        "courses/<slug:slug>/bank/import/",
        quiz_import_apis.BankImportApi.as_view(),
        name="bank-import",
    ),
]
# Course packages (courses/apis_packages.py)
api_v1 += [
    path("course-packages/", package_apis.CoursePackageApi.as_view(), name="course-packages"),
]
# Regrading and the grade history
api_v1 += [
    path(
        "quizzes/<int:quiz_id>/regrade/",
        regrade_apis.QuizRegradeApi.as_view(),
        name="quiz-regrade",
    ),
    path("regrade-jobs/<int:job_id>/", regrade_apis.RegradeJobApi.as_view(), name="regrade-job"),
    path(
        "attempts/<int:attempt_id>/grade-history/",
        regrade_apis.AttemptGradeHistoryApi.as_view(),
        name="attempt-grade-history",
    ),
    # A quiz's results and item analysis (instructors)
    path(
        "quizzes/<int:quiz_id>/results/",
        quiz_results_apis.QuizResultsApi.as_view(),
        name="quiz-results",
    ),
    path(
        "quizzes/<int:quiz_id>/item-analysis/",
        quiz_results_apis.ItemAnalysisApi.as_view(),
        name="quiz-item-analysis",
    ),
    # Teaching: publishing, a course's staff, a new run (courses/apis_teach.py)
    *[
        path(
            f"{plural}/<{converter}:key>/{action}/",
            teach_apis.PublishStateApi.as_view(kind=kind, published=action == "publish"),
            name=f"{kind}-{action}",
        )
        for plural, kind, converter in (
            ("courses", "course", "slug"),
            ("modules", "module", "int"),
            ("lessons", "lesson", "int"),
            ("quizzes", "quiz", "int"),
        )
        for action in ("publish", "unpublish")
    ],
    path("courses/<slug:slug>/staff/", teach_apis.CourseStaffApi.as_view(), name="course-staff"),
    path("courses/<slug:slug>/copy/", teach_apis.CourseCopyApi.as_view(), name="course-copy"),
]


# Instructors: course authoring (courses/apis_authoring.py).
api_v1 += [
    path("teach/courses/", authoring_apis.TeachCourseListApi.as_view(), name="teach-courses"),
    path(
        "teach/courses/<slug:slug>/",
        authoring_apis.TeachCourseDetailApi.as_view(),
        name="teach-course",
    ),
    path(
        "teach/courses/<slug:slug>/modules/",
        authoring_apis.TeachModuleCreateApi.as_view(),
        name="teach-modules",
    ),
    path(
        "teach/courses/<slug:slug>/modules/order/",
        authoring_apis.TeachModuleOrderApi.as_view(),
        name="teach-module-order",
    ),
    path(
        "teach/courses/<slug:slug>/images/",
        authoring_apis.TeachLessonImageApi.as_view(),
        name="teach-images",
    ),
    path(
        "teach/modules/<int:module_id>/",
        authoring_apis.TeachModuleDetailApi.as_view(),
        name="teach-module",
    ),
    path(
        "teach/modules/<int:module_id>/lessons/",
        authoring_apis.TeachLessonCreateApi.as_view(),
        name="teach-lessons",
    ),
    path(
        "teach/modules/<int:module_id>/lessons/order/",
        authoring_apis.TeachLessonOrderApi.as_view(),
        name="teach-lesson-order",
    ),
    path(
        "teach/modules/<int:module_id>/quizzes/",
        authoring_apis.TeachQuizCreateApi.as_view(),
        name="teach-quizzes",
    ),
    path(
        "teach/lessons/<int:lesson_id>/",
        authoring_apis.TeachLessonDetailApi.as_view(),
        name="teach-lesson",
    ),
    path(
        "teach/lessons/<int:lesson_id>/attachments/",
        authoring_apis.TeachLessonAttachmentApi.as_view(),
        name="teach-lesson-attachments",
    ),
    path(
        "teach/quizzes/<int:quiz_id>/",
        authoring_apis.TeachQuizDetailApi.as_view(),
        name="teach-quiz",
    ),
]


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("certificates.urls")),
    path("", include("accounts.urls")),  # password reset, profile, sign-up
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
]

handler404 = "lms.api.not_found"
handler500 = "lms.api.server_error"
