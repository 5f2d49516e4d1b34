"""The teaching API: publishing a course, module, lesson or quiz; a course's staff; copying a
course as a new run. Instructors of the course may change these; its teaching assistants may
read its staff; everyone else is refused. Errors in the API's one shape."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from courses.models import Course
from courses.selectors import publishing as publishing_selectors
from courses.selectors import staff as staff_selectors
from courses.services import course_copy as copy_services
from courses.services import course_staff as staff_services
from courses.services import publishing as publishing_services


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- publishing --------------------------------------------------------------------------------


class PublishStateOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=publishing_services.PUBLISH_KINDS)
    id = serializers.IntegerField()
    title = serializers.CharField()
    published = serializers.BooleanField()
    hidden_by = serializers.CharField(
        help_text="`module` or `course` when that is still a draft and hides this one from "
        "learners; empty otherwise."
    )
    completed_learners = serializers.IntegerField(
        help_text="Learners who completed the course: publishing into it leaves their "
        "completion and certificates as they are."
    )
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="A draft quiz's reasons it cannot be published."
    )


class PublishStateApi(APIView):
    """Publish or unpublish a course (by slug), module, lesson or quiz (by id)."""

    kind = "course"  # course | module | lesson | quiz, set per route
    published = True
    conflict = (
        "Learners are in the middle of an attempt in it (`attempts_in_progress`): unpublish "
        "once they have submitted."
    )

    @extend_schema(
        request=None,
        responses={200: PublishStateOutput},
        description="Instructors of the course only. A quiz is published only with questions "
        "that each have a right answer (400 `quiz_not_ready`, `details.problems`); a course "
        "only with a published module (400 `course_empty`). Publishing into a course some "
        "learners completed leaves their completion and certificates as they are.",
    )
    def post(self, request, key: str):
        if self.kind == "course":
            item = publishing_selectors.publishable_item(user=request.user, kind="course", slug=key)
        else:
            item = publishing_selectors.publishable_item(
                user=request.user, kind=self.kind, item_id=int(key)
            )
        item = publishing_services.publish_state_set(
            actor=request.user, item=item, published=self.published
        )
        return Response(
            PublishStateOutput(publishing_selectors.publish_control_for(item=item)).data
        )


# --- course staff ------------------------------------------------------------------------------


class StaffMemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class CourseStaffOutput(serializers.Serializer):
    instructors = StaffMemberOutput(many=True)
    assistants = StaffMemberOutput(many=True)


class StaffAddInput(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=staff_selectors.CourseStaffRole.choices)


class StaffRemoveInput(serializers.Serializer):
    user_id = serializers.IntegerField()


def _staff_payload(course: Course) -> dict:
    instructors, assistants = staff_selectors.course_staff_of(course=course)
    return dict(CourseStaffOutput({"instructors": instructors, "assistants": assistants}).data)


def _course(slug: str) -> Course:
    return get_object_or_404(Course, slug=slug)


class CourseStaffApi(APIView):
    """The course's instructors (who edit it) and teaching assistants (who grade its essays).

    Its staff read the list; its instructors add people by e-mail and remove them.
    """

    conflict = (
        "The course would be left without an instructor (`last_instructor`), or more than "
        "one account uses the address (`ambiguous_address`)."
    )
    not_found = "No account with this address (`no_account`)."

    @extend_schema(responses=CourseStaffOutput)
    def get(self, request, slug: str):
        course = _course(slug)
        staff_selectors.require_course_staff(user=request.user, course=course)
        return Response(_staff_payload(course))

    @extend_schema(
        request=StaffAddInput,
        responses={200: CourseStaffOutput},
        description="Add the account with this address as an instructor or teaching "
        "assistant (one role each: adding again with the other role moves them). An address "
        "with no account is answered `no_account` (404): only the course's instructors can "
        "ask, and they need to know to ask their colleague to sign up.",
    )
    def post(self, request, slug: str):
        course = _course(slug)
        staff_selectors.require_course_instructor(user=request.user, course=course)
        data = _valid(StaffAddInput, request.data)
        staff_services.course_staff_add(
            actor=request.user, course=course, email=data["email"], role=data["role"]
        )
        return Response(_staff_payload(course))

    @extend_schema(
        request=StaffRemoveInput,
        responses={200: CourseStaffOutput},
        description="Take someone off the course's staff; never its last instructor.",
    )
    def delete(self, request, slug: str):
        course = _course(slug)
        staff_selectors.require_course_instructor(user=request.user, course=course)
        data = _valid(StaffRemoveInput, request.data)
        staff_services.course_staff_remove(
            actor=request.user, course=course, user_id=data["user_id"]
        )
        return Response(_staff_payload(course))


# --- a new run ---------------------------------------------------------------------------------


class CourseCopyInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=100)


class CourseCopyOutput(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    modules = serializers.IntegerField(help_text="Modules copied.")


class CourseCopyApi(APIView):
    """Copy the course as a new draft run: content, quizzes, settings and staff; no learners,
    cohorts, attempts or certificates, and no quiz open or close dates."""

    @extend_schema(request=CourseCopyInput, responses={201: CourseCopyOutput})
    def post(self, request, slug: str):
        course = _course(slug)
        staff_selectors.require_course_instructor(user=request.user, course=course)
        data = _valid(CourseCopyInput, request.data)
        actor: User = request.user
        copy = copy_services.course_copy(
            actor=actor, course=course, title=data["title"], slug=data["slug"]
        )
        body = {
            "slug": copy.slug,
            "title": copy.title,
            "status": copy.status,
            "modules": copy.modules.count(),
        }
        return Response(CourseCopyOutput(body).data, status=status.HTTP_201_CREATED)
