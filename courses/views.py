from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates.selectors import learners as learner_selectors
from certificates.selectors.learners import certificates_of
from courses.cohorts import charts
from courses.cohorts.selectors import access as access_selectors
from courses.cohorts.selectors import dashboard as dashboard_selectors
from courses.cohorts.selectors import exports as exports_selectors
from courses.cohorts.selectors import invitations as invitations_selectors
from courses.cohorts.selectors import learners as learners_selectors
from courses.cohorts.selectors import reminders as reminders_selectors
from courses.cohorts.services import cohorts as cohort_services
from courses.cohorts.services import due_dates as due_dates_services
from courses.cohorts.services import exports as exports_services
from courses.cohorts.services import extensions as extensions_services
from courses.cohorts.services import invitations as invitations_services
from courses.cohorts.services import reminders as reminders_services
from courses.cohorts.services import rosters as rosters_services
from courses.selectors import catalogue as catalogue_selectors
from courses.selectors import learning as learning_selectors
from courses.selectors.due_dates import (
    NEW_LEARNER_GRACE_DAYS,
    learner_due_dates,
    learner_due_dates_for,
)
from courses.selectors.publishing import lesson_is_live
from courses.services import enrolment as enrolment_services
from lms.errors import ApplicationError, NotFound
from lms.forms import show_service_error
from quizzes.selectors import visibility as quiz_selectors

from . import forms
from .models import Lesson


@login_required
def dashboard(request):
    enrolments = learning_selectors.progress_of(user=request.user)
    enrolled_ids = [e.course_id for e in enrolments]
    catalogue = catalogue_selectors.courses_visible_to(user=request.user).exclude(
        id__in=enrolled_ids
    )
    states = learning_selectors.learning_states(enrolments=enrolments)
    awaiting_claim = {e.pk for e in learner_selectors.claims_awaiting(user=request.user)}
    return render(
        request,
        "courses/dashboard.html",
        {
            "enrolments": [(e, states[e.pk], e.pk in awaiting_claim) for e in enrolments],
            "catalogue": catalogue,
            "certificates": certificates_of(user=request.user)[:5],
            "roles": learning_selectors.roles_of(user=request.user),
            "invitations": invitations_selectors.invitations_pending_for(user=request.user),
            "due_dates": learner_due_dates(enrolments=enrolments),
        },
    )


@login_required
def course_detail(request, slug):
    course = catalogue_selectors.course_detail(user=request.user, slug=slug)
    enrolment = learning_selectors.enrolment_of(user=request.user, course=course)
    progress = learning_selectors.module_progress_by_module(enrolment=enrolment)
    due_dates = learner_due_dates_for(enrolment=enrolment)
    modules = [(m, progress.get(m.id), due_dates.get(m.id)) for m in course.modules.all()]
    learning = certificate = None
    awaits_claim = False
    retry_modules: set[int] = set()
    if enrolment is not None:
        learning = learning_selectors.learning_state(enrolment=enrolment)
        failed = [m for m, row, _ in modules if row is not None and row.status == row.Status.FAILED]
        retry_modules = learning_selectors.modules_with_attempts_left(
            user=request.user, modules=failed
        )
        if enrolment.status == enrolment.Status.COMPLETED:
            awaits_claim = learner_selectors.awaits_claim(enrolment)
            certificate = certificates_of(user=request.user).filter(enrolment=enrolment).first()
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "enrolment": enrolment,
            "modules": modules,
            "lessons_read": learning_selectors.lessons_read_ids(enrolment=enrolment),
            "learning": learning,
            "awaits_claim": awaits_claim,
            "certificate": certificate,
            "retry_modules": retry_modules,
        },
    )


@login_required
def course_about(request, slug):
    """What the course is, who it is for, its credit: the instructors' page, before enrolling."""
    course = catalogue_selectors.course_detail(user=request.user, slug=slug)
    if not course.about:
        raise NotFound("This course has no “About this course” page.")
    return render(request, "courses/course_about.html", {"course": course})


@login_required
@require_POST
def course_enrol(request, slug):
    course = catalogue_selectors.course_detail(user=request.user, slug=slug)
    enrolment_services.enrolment_create(user=request.user, course=course)
    return redirect("course", slug=course.slug)


def _lesson_for(request, lesson_id) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("module__course"), pk=lesson_id)
    catalogue_selectors.require_lesson_visible(user=request.user, lesson=lesson)
    return lesson


@login_required
def lesson_detail(request, lesson_id):
    lesson = _lesson_for(request, lesson_id)
    course = lesson.module.course
    enrolment = learning_selectors.enrolment_of(user=request.user, course=course)
    siblings = catalogue_selectors.lessons_beside(user=request.user, lesson=lesson)
    index = siblings.index(lesson)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "lesson": lesson,
            "course": course,
            "enrolment": enrolment,
            "is_read": lesson.id in learning_selectors.lessons_read_ids(enrolment=enrolment),
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "quizzes": quiz_selectors.quizzes_of_module_for(
                user=request.user, module=lesson.module
            ),
            "is_live": lesson_is_live(lesson),
        },
    )


@login_required
@require_POST
def lesson_complete(request, lesson_id):
    lesson = _lesson_for(request, lesson_id)
    enrolment_services.lesson_complete(user=request.user, lesson=lesson)
    if request.headers.get("HX-Request"):
        return render(
            request, "courses/partials/lesson_read.html", {"lesson": lesson, "just_marked": True}
        )
    return redirect("lesson", lesson_id=lesson.id)


# --- cohorts: the program director's pages ------------------------------------------------------

LEARNERS_PER_PAGE = 50


@login_required
@require_GET
def cohort_list(request):
    return render(
        request,
        "courses/cohort_list.html",
        {
            "cohorts": access_selectors.cohorts_visible_to(user=request.user),
            "can_create": access_selectors.may_create_cohort(request.user),
        },
    )


@login_required
def cohort_create(request):
    access_selectors.require_cohort_creator(request.user)
    courses = access_selectors.courses_for_new_cohort(user=request.user)
    form = forms.CohortCreateForm(request.POST or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = cohort_services.cohort_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, f"Cohort “{cohort.name}” created. Now add its learners.")
            return redirect("cohort-learners", cohort_id=cohort.id)
    return render(request, "courses/cohort_form.html", {"form": form}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@login_required
@require_GET
def cohort_dashboard(request, cohort_id):
    cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
    progress = dashboard_selectors.cohort_progress(cohort=cohort)
    q = request.GET.get("q", "")
    show = request.GET.get("show", "all")
    sort = request.GET.get("sort", "name")
    rows = learners_selectors.cohort_learners_matching(progress, q=q, show=show, sort=sort)
    page = Paginator(rows, LEARNERS_PER_PAGE).get_page(request.GET.get("page"))
    exports = exports_selectors.cohort_exports_recent(cohort=cohort)
    return render(
        request,
        "courses/cohort_dashboard.html",
        {
            "cohort": cohort,
            "progress": progress,
            "page": page,
            "matching": len(rows),
            "q": q,
            "show": show,
            "sort": sort,
            "show_choices": learners_selectors.SHOW_CHOICES,
            "sort_choices": learners_selectors.SORT_CHOICES,
            "timeline": charts.timeline_chart(progress.timeline),
            "histograms": charts.score_histograms(progress.modules),
            "export_form": forms.ExportForm(initial={"q": q, "show": show, "sort": sort}),
            "export_filter": learners_selectors.learners_filter_description(
                q=q, show=show, sort=sort, modules=progress.modules
            )
            if q.strip() or show != "all"
            else None,
            "exports": [_export_context(e) for e in exports],
            "at_risk": progress.at_risk,
            "invitations": list(invitations_selectors.cohort_invitations_open(cohort=cohort))
            if cohort.viewer_is_director
            else [],
        },
    )


@login_required
@require_GET
def cohort_learner(request, cohort_id, user_id):
    cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
    return _cohort_learner_page(request, cohort, user_id)


def _cohort_learner_page(request, cohort, user_id, extension_form=None, status=200):
    attempts = learners_selectors.cohort_learner_attempts(cohort=cohort, user_id=user_id)
    progress = dashboard_selectors.cohort_progress(cohort=cohort, only_user_id=user_id)
    row = progress.learners[0]
    extensions = learners_selectors.learner_extensions(enrolment_id=row.enrolment_id)
    reminder = reminders_selectors.last_reminder(enrolment_id=row.enrolment_id)
    return render(
        request,
        "courses/cohort_learner.html",
        {
            "cohort": cohort,
            "progress": progress,
            "row": row,
            "modules": [
                (m, cell, extensions.get(m.id))
                for m, cell in zip(progress.modules, row.cells, strict=True)
            ],
            "competencies": [(c, row.competencies[c.code]) for c in progress.competencies],
            "attempts": attempts,
            # Instructors (and staff) open an attempt's answers; directors see its summary.
            "can_open_attempts": request.user.is_staff or cohort.is_instructor,
            "reminder": reminder,
            "reminder_from": reminders_selectors.reminder_allowed_from(reminder),
            "extensions": extensions,
            "grace_days": NEW_LEARNER_GRACE_DAYS,
            "extension_form": extension_form
            or forms.DueDateExtensionForm(modules=progress.modules),
        },
        status=status,
    )


@login_required
@require_POST
def cohort_learner_remind(request, cohort_id, user_id):
    """A director e-mails the learner a reminder of their unfinished modules."""
    cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
    try:
        reminder = reminders_services.learner_reminder_request(
            actor=request.user, cohort=cohort, user_id=user_id
        )
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        count = len(reminder.modules.splitlines())
        messages.success(
            request,
            f"Reminder sent to {reminder.enrolment.user.email} about {count} "
            f"unfinished module{'s' if count != 1 else ''}.",
        )
    return redirect(f"{reverse('cohort-learner', args=[cohort.id, user_id])}#reminder")


@login_required
@require_POST
def cohort_learner_extension(request, cohort_id, user_id):
    """A director gives the learner a later due date for one module (or takes it back)."""
    cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
    modules = list(cohort.course.modules.order_by("position"))
    if "remove" in request.POST:
        module_id = request.POST.get("remove", "")
        if not module_id.isdecimal():
            raise ApplicationError("Choose the extension to take back.")
        extensions_services.due_date_extension_remove(
            actor=request.user, cohort=cohort, user_id=user_id, module_id=int(module_id)
        )
        messages.success(request, "Extension removed: the cohort's due date applies again.")
        return redirect(f"{reverse('cohort-learner', args=[cohort.id, user_id])}#extensions")
    form = forms.DueDateExtensionForm(request.POST, modules=modules)
    if form.is_valid():
        try:
            extension = extensions_services.due_date_extension_grant(
                actor=request.user,
                cohort=cohort,
                user_id=user_id,
                module_id=form.cleaned_data["module"],
                due_on=form.cleaned_data["due_on"],
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise
        except ApplicationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                f"{extension.module.title} is now due on {extension.due_on:%-d %B %Y} "
                f"for {extension.enrolment.user.get_full_name()}.",
            )
            return redirect(f"{reverse('cohort-learner', args=[cohort.id, user_id])}#extensions")
    return _cohort_learner_page(request, cohort, user_id, extension_form=form, status=400)


@login_required
def cohort_learners(request, cohort_id):
    """Add learners: one by one, or a CSV roster previewed before anything is written."""
    cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
    add_form = forms.LearnerAddForm(request.POST or None)
    if request.method == "POST" and add_form.is_valid():
        try:
            row = rosters_services.cohort_learner_add(
                actor=request.user, cohort=cohort, **add_form.cleaned_data
            )
        except ApplicationError as error:
            show_service_error(add_form, error)
        else:
            messages.success(
                request,
                f"Invitation e-mailed to {row.email}: they join the cohort once they accept.",
            )
            return redirect("cohort-learners", cohort_id=cohort.id)
    return render(
        request,
        "courses/cohort_learners.html",
        _learners_context(cohort, add_form, forms.RosterUploadForm()),
        status=_status(add_form),
    )


def _learners_context(cohort, add_form, upload_form) -> dict:
    return {
        "cohort": cohort,
        "add_form": add_form,
        "upload_form": upload_form,
        "learner_count": cohort.enrolments.count(),
        "invitations": invitations_selectors.cohort_invitations_open(cohort=cohort),
    }


@login_required
@require_POST
def cohort_roster_preview(request, cohort_id):
    cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
    upload_form = forms.RosterUploadForm(request.POST, request.FILES)
    context = _learners_context(cohort, forms.LearnerAddForm(), upload_form)
    if not upload_form.is_valid():
        return render(request, "courses/cohort_learners.html", context, status=400)
    data = upload_form.cleaned_data["roster"]
    try:
        plan = rosters_services.cohort_roster_preview(actor=request.user, cohort=cohort, data=data)
    except ApplicationError as error:
        upload_form.add_error("roster", error.message)
        return render(request, "courses/cohort_learners.html", context, status=400)
    return _roster_preview_page(request, cohort, plan, data.decode("utf-8-sig"))


def _roster_preview_page(request, cohort, plan, text, status=200, imported=False):
    return render(
        request,
        "courses/cohort_roster_preview.html",
        {
            "cohort": cohort,
            "plan": plan,
            "confirm_form": forms.RosterConfirmForm(initial={"roster_text": text}),
            "valid_only_form": forms.RosterConfirmForm(
                initial={"roster_text": text, "valid_only": True}
            ),
            "counts": {a: plan.count(a) for a in ("invite", "skip")},
            "imported": imported,
        },
        status=status,
    )


@login_required
@require_POST
def cohort_roster_import(request, cohort_id):
    cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
    form = forms.RosterConfirmForm(request.POST)
    if not form.is_valid():
        raise ApplicationError("Upload the roster again: the preview was not sent back.")
    text = form.cleaned_data["roster_text"]
    valid_only = form.cleaned_data["valid_only"]
    data = text.encode("utf-8")
    try:
        plan = rosters_services.cohort_roster_import(
            actor=request.user, cohort=cohort, data=data, valid_only=valid_only
        )
    except ApplicationError as error:
        if error.code != "roster_invalid":
            raise
        # Something changed since the preview: show the rows again, with what is wrong now.
        plan = rosters_services.cohort_roster_preview(actor=request.user, cohort=cohort, data=data)
        messages.error(request, error.message)
        return _roster_preview_page(request, cohort, plan, text, status=400)
    invited = plan.joining
    skipped = plan.count("skip")
    messages.success(
        request,
        f"{invited} learner{'s' if invited != 1 else ''} invited by e-mail: they join the "
        "cohort once they accept"
        + (
            f"; {skipped} left as {'it was' if skipped == 1 else 'they were'} "
            "(in the cohort or invited already)"
            if skipped
            else ""
        )
        + ".",
    )
    if plan.error_rows:
        # Only the valid lines were imported: the page lists the others, and why.
        return _roster_preview_page(request, cohort, plan, text, imported=True)
    return redirect("cohort", cohort_id=cohort.id)


@login_required
def cohort_due_dates(request, cohort_id):
    cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
    modules = list(cohort.course.modules.order_by("position"))
    current = dict(cohort.due_dates.values_list("module_id", "due_on"))
    form = forms.DueDatesForm(request.POST or None, modules=modules, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            due_dates_services.cohort_due_dates_set(
                actor=request.user, cohort=cohort, due_dates=form.due_dates()
            )
        except ApplicationError as error:
            show_service_error(form, error, field_name=lambda key: f"module_{key}")
        else:
            messages.success(request, "Due dates saved.")
            return redirect("cohort", cohort_id=cohort.id)
    return render(
        request,
        "courses/cohort_due_dates.html",
        {"cohort": cohort, "form": form},
        status=_status(form),
    )


def _export_context(export) -> dict:
    chosen = exports_selectors.export_filter_of(export)
    return {
        "export": export,
        "download_url": exports_selectors.cohort_export_download_url(export=export),
        "filter_label": (
            learners_selectors.SHOW_CHOICES.get(chosen.show, chosen.show)
            + (f", search “{chosen.q}”" if chosen.q else "")
        )
        if chosen
        else None,
    }


@login_required
@require_POST
def cohort_export_create(request, cohort_id):
    cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        raise ApplicationError("Choose what to export and in which format.")
    export = exports_services.cohort_export_request(
        actor=request.user, cohort=cohort, **form.cleaned_data
    )
    if request.headers.get("HX-Request"):
        return render(request, "courses/partials/export_status.html", _export_context(export))
    return redirect(f"{reverse('cohort', args=[cohort.id])}#exports")


@login_required
@require_GET
def cohort_export_status(request, cohort_id, export_id):
    """One export's status row and progress bar, polled by htmx until it is finished."""
    cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
    export = exports_selectors.cohort_export_of(cohort=cohort, export_id=export_id)
    return render(request, "courses/partials/export_status.html", _export_context(export))


@login_required
@require_GET
def cohort_export_download(request, token):
    export = exports_selectors.cohort_export_for_download(user=request.user, token=token)
    assert export.file.name is not None  # a ready export has its file
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1]
    )


class InvitationAcceptView(PasswordResetConfirmView):
    """A new learner follows the invitation's link, chooses a password (which accepts the
    invitation: they join its cohort) and is logged in."""

    template_name = "courses/invitation_accept.html"
    form_class = forms.InvitationPasswordForm
    post_reset_login = True
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        response = super().form_valid(form)
        joined = invitations_services.cohort_invitations_accept_new_account(
            user=form.user, full_name=form.cleaned_data.get("full_name", "")
        )
        cohorts = ", ".join(i.cohort.name for i in joined)
        messages.success(
            self.request,
            "Your password is set. Welcome!" + (f" You joined {cohorts}." if cohorts else ""),
        )
        return response


# --- invitations to cohorts: the invitee's answer ---------------------------------------------


def _answer(request) -> bool:
    answer = request.POST.get("answer", "")
    if answer not in ("accept", "decline"):
        raise ApplicationError("Choose Accept or Decline.")
    return answer == "accept"


def _answered_message(request, invitation) -> None:
    cohort = invitation.cohort
    if invitation.status == invitation.Status.ACCEPTED:
        messages.success(
            request,
            f"You joined {cohort.name} ({cohort.course.title}). Its directors now "
            "follow your progress in the course.",
        )
    else:
        messages.success(
            request,
            f"You declined the invitation to {cohort.name}. Its directors see only that "
            "the invitation was declined.",
        )


@login_required
@require_POST
def cohort_invitation_respond(request, invitation_id):
    """The invitee accepts or declines from their dashboard."""
    accept = _answer(request)
    invitation = invitations_selectors.invitation_of_invitee(
        user=request.user, invitation_id=invitation_id
    )
    if accept:
        answered = invitations_services.cohort_invitation_accept(
            user=request.user, invitation_id=invitation.pk
        )
    else:
        answered = invitations_services.cohort_invitation_decline(
            user=request.user, invitation_id=invitation.pk
        )
    _answered_message(request, answered)
    return redirect("dashboard")


@require_http_methods(["GET", "POST"])
def cohort_invitation_link(request, token):
    """The e-mail's link: the invitation, and Accept and Decline (a POST: a link scanner
    opening the page answers nothing)."""
    invitation = invitations_selectors.invitation_from_link(token=token)
    signed_in_invitee = invitations_selectors.is_invitee(request.user, invitation)
    if request.method == "POST":
        accept = _answer(request)
        if invitation.user is None and signed_in_invitee:
            service = (
                invitations_services.cohort_invitation_accept
                if accept
                else invitations_services.cohort_invitation_decline
            )
            answered = service(user=request.user, invitation_id=invitation.pk)
        else:
            answered = invitations_services.cohort_invitation_answer_by_link(
                invitation=invitation, accept=accept
            )
        _answered_message(request, answered)
        return redirect("cohort-invitation", token=token)
    password_path = None
    if (
        invitation.new_account
        and invitation.user is not None
        and not invitation.user.has_usable_password()
    ):
        password_path = invitations_selectors.new_account_password_path(invitation.user)
    return render(
        request,
        "courses/cohort_invitation.html",
        {
            "invitation": invitation,
            "cohort": invitation.cohort,
            "directors": ", ".join(d.get_full_name() for d in invitation.cohort.directors.all()),
            "password_path": password_path,
            "needs_sign_in": invitation.user is None and not signed_in_invitee,
        },
    )
