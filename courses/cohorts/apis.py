"""The director's API: cohorts, their progress, rosters and invitations, due dates, exports."""

from typing import cast

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from courses.cohorts.selectors import access as access_selectors
from courses.cohorts.selectors import dashboard as dashboard_selectors
from courses.cohorts.selectors import exports as exports_selectors
from courses.cohorts.selectors import invitations as invitations_selectors
from courses.cohorts.selectors import learners as learners_selectors
from courses.cohorts.services import cohorts as cohort_services
from courses.cohorts.services import due_dates as due_dates_services
from courses.cohorts.services import exports as exports_services
from courses.cohorts.services import invitations as invitations_services
from courses.cohorts.services import rosters as rosters_services
from courses.models import CohortExport
from lms.errors import ApplicationError, NotFound


class CohortOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    course = serializers.CharField(source="course.slug")
    course_title = serializers.CharField(source="course.title")
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    inactivity_days = serializers.IntegerField()
    time_zone = serializers.CharField(
        help_text="Due dates end at midnight here; empty: the site's."
    )
    learner_count = serializers.IntegerField()


class CohortCreateInput(serializers.Serializer):
    course = serializers.SlugField(help_text="The slug of a published course.")
    name = serializers.CharField(max_length=200)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    inactivity_days = serializers.IntegerField(min_value=1, max_value=365, default=14)
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="An IANA zone (“America/Chicago”): due dates end at midnight there; empty: "
        "the site's zone.",
    )


class CohortListApi(ListAPIView):
    """Cohorts the caller directs or whose course they teach; program directors create them."""

    conflict = "The course has a cohort of that name already (`cohort_name_taken`)."

    serializer_class = CohortOutput

    def get_queryset(self):
        return access_selectors.cohorts_visible_to(user=self.request.user)

    @extend_schema(request=CohortCreateInput, responses={201: CohortOutput})
    def post(self, request):
        access_selectors.require_cohort_creator(request.user)
        data = _valid(CohortCreateInput, request.data)
        course = access_selectors.courses_for_new_cohort(user=request.user).filter(
            slug=data.pop("course")
        )
        if not course:
            raise ApplicationError(
                "No published course has that slug.",
                details={"course": ["No published course has that slug."]},
            )
        cohort = cohort_services.cohort_create(actor=request.user, course=course[0], **data)
        cohort = access_selectors.cohorts_visible_to(user=request.user).get(pk=cohort.pk)
        return Response(CohortOutput(cohort).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ProgressCellOutput(serializers.Serializer):
    module_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=dashboard_selectors.CELL_STATUSES)
    best_score_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    attempts = serializers.IntegerField()


class RiskReasonOutput(serializers.Serializer):
    code = serializers.ChoiceField(choices=["overdue", "failed_last_attempt", "inactive"])
    message = serializers.CharField()
    module_id = serializers.IntegerField(allow_null=True)


class LearnerRowOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    enrolment_status = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    modules_passed = serializers.IntegerField()
    progress_percent = serializers.FloatField(help_text="Share of required modules passed.")
    average_score_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )
    last_activity_at = serializers.DateTimeField(allow_null=True)
    at_risk = serializers.ListField(child=RiskReasonOutput(), source="risks")
    competencies = serializers.DictField(
        child=serializers.FloatField(),
        help_text="ACGME competency code: share of the modules tagged with it passed.",
    )
    cells = ProgressCellOutput(many=True)


class ModuleSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    title = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Field's attribute
    competencies = serializers.ListField(child=serializers.CharField())
    due_on = serializers.DateField(allow_null=True)
    pass_mark_percent = serializers.IntegerField(allow_null=True)
    passed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Learners whose last attempt failed.")
    completion_rate = serializers.FloatField()
    average_score_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True
    )
    score_histogram = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Learners by best score: 0-9 %, 10-19 %, ..., 90-100 %.",
    )


class CompetencyOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Field's attribute
    module_ids = serializers.ListField(child=serializers.IntegerField())
    share = serializers.FloatField()


class TimelinePointOutput(serializers.Serializer):
    day = serializers.DateField()
    modules_passed_share = serializers.FloatField()
    completed_share = serializers.FloatField()


class AtRiskOutput(serializers.Serializer):
    user_id = serializers.IntegerField()
    name = serializers.CharField()
    reasons = RiskReasonOutput(many=True, source="risks")


class CohortProgressOutput(serializers.Serializer):
    cohort_id = serializers.IntegerField(source="progress.cohort.id")
    cohort = serializers.CharField(source="progress.cohort.name")
    course = serializers.CharField(source="progress.cohort.course.slug")
    today = serializers.DateField(source="progress.today")
    learner_count = serializers.IntegerField(source="progress.learner_count")
    completed = serializers.IntegerField(source="progress.completed")
    completion_rate = serializers.FloatField(source="progress.completion_rate")
    modules = ModuleSummaryOutput(many=True, source="progress.modules")
    competencies = CompetencyOutput(many=True, source="progress.competencies")
    timeline = TimelinePointOutput(many=True, source="progress.timeline")
    at_risk = serializers.SerializerMethodField(help_text="Every learner at risk, with why.")
    matching_count = serializers.IntegerField(help_text="Learners matching q and show.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    learners = LearnerRowOutput(many=True, help_text="This page of the matching learners.")

    @extend_schema_field(AtRiskOutput(many=True))
    def get_at_risk(self, body) -> list[dict]:
        # Plain dicts: at 2,000 learners this list is long, and field-by-field serializing
        # of every reason took most of the request's time.
        return [
            {
                "user_id": row.user_id,
                "name": row.name,
                "reasons": [
                    {"code": r.code, "message": r.message, "module_id": r.module_id}
                    for r in row.risks
                ],
            }
            for row in body["progress"].at_risk
        ]


class CohortProgressQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    show = serializers.ChoiceField(choices=list(learners_selectors.SHOW_CHOICES), default="all")
    sort = serializers.CharField(
        default="name",
        help_text="name, progress, score, activity, risk or module-<id>; '-' reverses.",
    )
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=500, default=100)


class CohortProgressApi(APIView):
    """Directors of the cohort, instructors of its course and staff: learners by modules."""

    @extend_schema(parameters=[CohortProgressQuery], responses=CohortProgressOutput)
    def get(self, request, cohort_id: int):
        cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
        query = _valid(CohortProgressQuery, request.query_params)
        progress = dashboard_selectors.cohort_progress(cohort=cohort)
        rows = learners_selectors.cohort_learners_matching(
            progress, q=query["q"], show=query["show"], sort=query["sort"]
        )
        size, page = query["page_size"], query["page"]
        pages = max(1, -(-len(rows) // size))
        if page > pages:
            raise NotFound("No such page.", details={"page": [f"There are {pages} pages."]})
        body = {
            "progress": progress,
            "matching_count": len(rows),
            "page": page,
            "pages": pages,
            "page_size": size,
            "learners": rows[(page - 1) * size : page * size],
        }
        return Response(CohortProgressOutput(body).data)


class LearnerAddInput(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RosterRowOutput(serializers.Serializer):
    """A roster line as the director sees it: the same whether or not the address has an
    account (no account's name, id or other cohort)."""

    line = serializers.IntegerField()
    email = serializers.CharField()
    full_name = serializers.CharField(help_text="The name given on the line, if any.")
    action = serializers.CharField(
        help_text="invite; skip (in the cohort or invited already); empty on error."
    )
    note = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField(), source="messages")  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Serializer.errors


class CohortLearnerAddApi(APIView):
    """A director invites one learner by address; they join the cohort once they accept."""

    conflict = (
        "The address is in this cohort already (`already_in_cohort`) or invited and not "
        "answered yet (`already_invited`)."
    )

    @extend_schema(request=LearnerAddInput, responses={201: RosterRowOutput})
    def post(self, request, cohort_id: int):
        cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
        data = _valid(LearnerAddInput, request.data)
        row = rosters_services.cohort_learner_add(actor=request.user, cohort=cohort, **data)
        return Response(RosterRowOutput(row).data, status=status.HTTP_201_CREATED)


class RosterImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8; header email,full_name.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Only report what each line would do; write nothing."
    )
    valid_only = serializers.BooleanField(
        default=False,
        help_text=(
            "Add the valid lines and leave out the others (listed in `not_imported`, each "
            "with why), instead of refusing the whole file for one bad line."
        ),
    )


class RosterLineOutput(serializers.Serializer):
    line = serializers.IntegerField()
    email = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField(), source="messages")  # type: ignore[assignment]  # DRF's metaclass takes declared fields out of the class: no clash with Serializer.errors


class RosterOutput(serializers.Serializer):
    valid = serializers.BooleanField(source="is_valid")
    imported = serializers.BooleanField()
    invited = serializers.IntegerField()
    skipped = serializers.IntegerField()
    not_imported = RosterLineOutput(
        many=True, help_text="Lines left out (with valid_only) or that would be refused."
    )
    rows = RosterRowOutput(many=True)


class CohortRosterImportApi(APIView):
    """A CSV roster: `dry_run` previews it line by line; otherwise all lines are invited or
    none, or with `valid_only` the valid lines are invited and the others listed as not
    imported. Each person joins the cohort once they accept."""

    conflict = "Someone on the roster was invited while it was added (`roster_changed`)."

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=RosterImportInput, responses={200: RosterOutput, 201: RosterOutput})
    def post(self, request, cohort_id: int):
        cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
        data = _valid(RosterImportInput, request.data)
        upload = data["file"]
        rosters_services.roster_size_check(upload.size)
        content = upload.read()
        if data["dry_run"]:
            plan = rosters_services.cohort_roster_preview(
                actor=request.user, cohort=cohort, data=content
            )
        else:
            plan = rosters_services.cohort_roster_import(
                actor=request.user, cohort=cohort, data=content, valid_only=data["valid_only"]
            )
        body = {
            "is_valid": plan.is_valid,
            "imported": not data["dry_run"],
            "invited": plan.count("invite"),
            "skipped": plan.count("skip"),
            "not_imported": plan.error_rows,
            "rows": plan.rows,
        }
        return Response(
            RosterOutput(body).data,
            status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED,
        )


class DueDateInput(serializers.Serializer):
    module_id = serializers.IntegerField()
    due_on = serializers.DateField(allow_null=True, help_text="null clears the due date.")


class DueDatesInput(serializers.Serializer):
    due_dates = DueDateInput(many=True, allow_empty=False)

    def validate_due_dates(self, value):
        ids = [d["module_id"] for d in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Each module may appear only once.")
        return value


class DueDatesOutput(serializers.Serializer):
    due_dates = DueDateInput(many=True)


class CohortDueDatesApi(APIView):
    """A director sets modules' due dates, all within the cohort's dates, or none is saved."""

    @extend_schema(request=DueDatesInput, responses=DueDatesOutput)
    def put(self, request, cohort_id: int):
        cohort = access_selectors.cohort_for_director(user=request.user, cohort_id=cohort_id)
        data = _valid(DueDatesInput, request.data)
        current = due_dates_services.cohort_due_dates_set(
            actor=request.user,
            cohort=cohort,
            due_dates={d["module_id"]: d["due_on"] for d in data["due_dates"]},
        )
        body = {"due_dates": [{"module_id": m, "due_on": d} for m, d in sorted(current.items())]}
        return Response(DueDatesOutput(body).data)


class LearnerAttemptOutput(serializers.Serializer):
    id = serializers.IntegerField()
    module_id = serializers.IntegerField(source="quiz.module_id")
    module = serializers.CharField(source="quiz.module.title")
    quiz_id = serializers.IntegerField()
    quiz = serializers.CharField(source="quiz.title")
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    passed = serializers.BooleanField(allow_null=True)


class CohortLearnerAttemptsApi(ListAPIView):
    """One learner of the cohort: their attempts at the course's quizzes."""

    serializer_class = LearnerAttemptOutput

    def get_queryset(self):
        cohort = access_selectors.cohort_for_viewer(
            user=self.request.user, cohort_id=self.kwargs["cohort_id"]
        )
        return learners_selectors.cohort_learner_attempts(
            cohort=cohort, user_id=self.kwargs["user_id"]
        )


class CohortInvitationOutput(serializers.Serializer):
    """An invitation as the cohort's directors see it: the address and where it stands."""

    email = serializers.CharField()
    status = serializers.ChoiceField(choices=["invited", "declined"])
    invited_at = serializers.DateTimeField(source="created_at")
    responded_at = serializers.DateTimeField(allow_null=True)


class CohortInvitationsApi(ListAPIView):
    """The cohort's invitations not accepted: waiting for an answer, or declined."""

    serializer_class = CohortInvitationOutput
    pagination_class = None

    def get_queryset(self):
        cohort = access_selectors.cohort_for_director(
            user=self.request.user, cohort_id=self.kwargs["cohort_id"]
        )
        return invitations_selectors.cohort_invitations_open(cohort=cohort)


class MyInvitationOutput(serializers.Serializer):
    id = serializers.IntegerField(source="invitation.id")
    cohort = serializers.CharField(source="invitation.cohort.name")
    course = serializers.CharField(source="invitation.cohort.course.slug")
    course_title = serializers.CharField(source="invitation.cohort.course.title")
    start_date = serializers.DateField(source="invitation.cohort.start_date")
    end_date = serializers.DateField(source="invitation.cohort.end_date")
    directors = serializers.CharField()
    current_cohort = serializers.CharField(
        source="current_cohort.name",
        allow_null=True,
        default=None,
        help_text="The cohort of this course the caller is in now, which accepting leaves.",
    )


class MyInvitationsApi(ListAPIView):
    """The caller's invitations to cohorts, waiting for their answer."""

    serializer_class = MyInvitationOutput
    pagination_class = None

    def get_queryset(self):
        return invitations_selectors.invitations_pending_for(user=cast(User, self.request.user))


class InvitationAnswerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cohort = serializers.CharField(source="cohort.name")
    status = serializers.ChoiceField(choices=["accepted", "declined"])
    responded_at = serializers.DateTimeField()


class MyInvitationAcceptApi(APIView):
    """Accept: the caller joins the cohort (moving from another cohort of the course)."""

    @extend_schema(request=None, responses=InvitationAnswerOutput)
    def post(self, request, invitation_id: int):
        invitation = invitations_services.cohort_invitation_accept(
            user=request.user, invitation_id=invitation_id
        )
        return Response(InvitationAnswerOutput(invitation).data)


class MyInvitationDeclineApi(APIView):
    """Decline: the cohort's directors see 'declined' beside the address."""

    @extend_schema(request=None, responses=InvitationAnswerOutput)
    def post(self, request, invitation_id: int):
        invitation = invitations_services.cohort_invitation_decline(
            user=request.user, invitation_id=invitation_id
        )
        return Response(InvitationAnswerOutput(invitation).data)


class ExportInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CohortExport.Kind.values)
    format = serializers.ChoiceField(choices=CohortExport.Format.values)
    # The progress endpoint's filter: the file holds the learners it lists, in its order.
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    show = serializers.ChoiceField(choices=list(learners_selectors.SHOW_CHOICES), default="all")
    sort = serializers.CharField(
        default="name",
        help_text="name, progress, score, activity, risk or module-<id>; '-' reverses.",
    )


class ExportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    cohort_id = serializers.IntegerField()
    kind = serializers.CharField()
    format = serializers.CharField()
    status = serializers.ChoiceField(choices=CohortExport.Status.values)
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField()
    percent_done = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField(
        help_text="When ready: a signed link, valid for 30 minutes."
    )
    filter = serializers.SerializerMethodField(
        help_text="The learners' filter the file applies (q, show, sort); null: every learner."
    )

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_filter(self, export) -> dict | None:
        chosen = exports_selectors.export_filter_of(export)
        if chosen is None:
            return None
        return {"q": chosen.q, "show": chosen.show, "sort": chosen.sort}

    def get_download_url(self, export) -> str | None:
        url = exports_selectors.cohort_export_download_url(export=export, api=True)
        return self.context["request"].build_absolute_uri(url) if url else None


class CohortExportCreateApi(APIView):
    """Queue an export of the matrix or of all attempts; poll its status until it is ready."""

    @extend_schema(request=ExportInput, responses={202: ExportOutput})
    def post(self, request, cohort_id: int):
        cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
        data = _valid(ExportInput, request.data)
        export = exports_services.cohort_export_request(actor=request.user, cohort=cohort, **data)
        return Response(
            ExportOutput(export, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class CohortExportDetailApi(APIView):
    @extend_schema(responses=ExportOutput)
    def get(self, request, cohort_id: int, export_id: int):
        cohort = access_selectors.cohort_for_viewer(user=request.user, cohort_id=cohort_id)
        export = exports_selectors.cohort_export_of(cohort=cohort, export_id=export_id)
        return Response(ExportOutput(export, context={"request": request}).data)


class CohortExportDownloadApi(APIView):
    """The export's file, through a signed link that expires."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, token: str):
        export = exports_selectors.cohort_export_for_download(user=request.user, token=token)
        assert export.file.name is not None  # a ready export has its file
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export.file.name.rsplit("/", 1)[-1],
        )
