from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certificates.selectors.batches import batch_outcome, cohort_certificate_standing
from certificates.selectors.cohorts import (
    batch_for_viewer,
    cohort_certificate_rows,
    cohort_for_certificates,
    cohorts_managed_by,
    latest_batch,
)
from certificates.selectors.learners import (
    certificate_for_download,
    certificate_of_learner,
    certificates_of,
    claimable_course,
    claims_awaiting,
)
from certificates.selectors.verification import certificate_verify
from certificates.services.batches import certificate_batch_create
from certificates.services.corrections import name_change_request_create
from certificates.services.credit import credit_claim_create
from lms.errors import ApplicationError

from .apis import cohort_zip_response, pdf_response, verification_payload, verification_result
from .models import ATTESTATION, CREDIT_STEP, Certificate, CertificateBatch, normalise_code
from .rendering import verify_url
from .throttles import verify_allowed


def _my_certificates_context(user) -> dict:
    certificates = [(c, verify_url(c.code)) for c in certificates_of(user=user)]
    return {
        "certificates": certificates,
        "claims": claims_awaiting(user=user),
        # While one is being prepared the list refreshes itself (htmx), so "ready" shows up.
        "in_progress": any(c.status in Certificate.RENDERABLE for c, _ in certificates),
    }


@login_required
def my_certificates(request):
    context = _my_certificates_context(request.user)
    if request.headers.get("HX-Request"):
        return render(request, "certificates/partials/certificate_list.html", context)
    return render(request, "certificates/my_certificates.html", context)


@login_required
def certificate_download(request, certificate_id):
    certificate = certificate_for_download(user=request.user, certificate_id=certificate_id)
    return pdf_response(certificate)


@login_required
def credit_claim(request, slug):
    course, enrolment = claimable_course(user=request.user, slug=slug)
    claim = getattr(enrolment, "credit_claim", None)
    form = {"credits": str(course.max_credits), "attested": False}
    error = None
    if request.method == "POST" and claim is None:
        form = {"credits": request.POST.get("credits", ""), "attested": "attested" in request.POST}
        try:
            credit_claim_create(
                user=request.user,
                course=course,
                credits=form["credits"],
                attested=form["attested"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request, f"Credit claimed. Your certificate for {course.title} is being prepared."
            )
            return redirect("my-certificates")
    return render(
        request,
        "certificates/credit_claim.html",
        {
            "course": course,
            "claim": claim,
            "form": form,
            "error": error,
            "step": CREDIT_STEP,
            "attestation": ATTESTATION,
        },
        status=error.status if error else 200,
    )


@login_required
def name_change(request, certificate_id):
    certificate = certificate_of_learner(user=request.user, certificate_id=certificate_id)
    form = {"name": "", "reason": ""}
    error = None
    if request.method == "POST":
        form = {"name": request.POST.get("name", ""), "reason": request.POST.get("reason", "")}
        try:
            name_change_request_create(
                user=request.user,
                certificate_id=certificate.id,
                requested_name=form["name"],
                reason=form["reason"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                "Name change requested. Staff will review it; the new certificate replaces "
                "this one once approved.",
            )
            return redirect("my-certificates")
    return render(
        request,
        "certificates/name_change.html",
        {"certificate": certificate, "form": form, "error": error},
        status=error.status if error else 200,
    )


def verify_form(request):
    code = request.GET.get("code", "").strip()
    if code:
        canonical = normalise_code(code)
        if canonical:
            return redirect("verify", code=canonical)
        return render(
            request,
            "certificates/verify_form.html",
            {
                "code": code,
                "error": "That is not a verification code: codes have 20 letters "
                "and digits in four groups of five, like ABCDE-12345-FGHJK-67890.",
            },
            status=400,
        )
    return render(request, "certificates/verify_form.html")


def verify(request, code):
    allowed, wait = verify_allowed(request)
    if not allowed:
        response = render(request, "certificates/verify_throttled.html", {"wait": wait}, status=429)
        if wait:
            response["Retry-After"] = str(wait)
        return response
    certificate = certificate_verify(code=code)
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "code": code,
            "result": verification_result(certificate),
            "facts": verification_payload(certificate),
        },
        status=200 if certificate else 404,
    )


# --- cohorts (staff and the cohort's directors) -----------------------------------------------


@login_required
def cohort_list(request):
    return render(
        request,
        "certificates/cohort_list.html",
        {"cohorts": cohorts_managed_by(user=request.user)},
    )


def _batch_context(batch: CertificateBatch | None, cohort) -> dict:
    """The job's progress, and once it is finished, what it did and whom it left out."""
    standing = cohort_certificate_standing(cohort=cohort)
    finished = batch is not None and batch.status not in CertificateBatch.OPEN
    return {
        "batch": batch,
        "standing": standing,
        "outcome": batch_outcome(batch, standing) if finished and batch else None,
    }


@login_required
def cohort_certificates(request, cohort_id):
    cohort = cohort_for_certificates(user=request.user, cohort_id=cohort_id)
    return _cohort_certificates_page(request, cohort)


def _cohort_certificates_page(request, cohort, confirm_rerender=False):
    return render(
        request,
        "certificates/cohort_certificates.html",
        {
            "cohort": cohort,
            "rows": cohort_certificate_rows(cohort=cohort),
            "kinds": CertificateBatch.Kind.choices,
            "confirm_rerender": confirm_rerender,
            **_batch_context(latest_batch(cohort=cohort), cohort),
        },
    )


@login_required
@require_POST
def cohort_batch_create(request, cohort_id):
    cohort = cohort_for_certificates(user=request.user, cohort_id=cohort_id)
    kind = request.POST.get("kind", "")
    if kind == CertificateBatch.Kind.RERENDER and request.POST.get("confirm") != "yes":
        # Re-rendering replaces every ready PDF: the page asks first (htmx asks in a dialog
        # and sends the answer along; without JavaScript the page below asks).
        return _cohort_certificates_page(request, cohort, confirm_rerender=True)
    batch = certificate_batch_create(user=request.user, cohort=cohort, kind=kind)
    if request.headers.get("HX-Request"):
        return render(
            request, "certificates/partials/batch_progress.html", _batch_context(batch, cohort)
        )
    return redirect("cohort-certificates", cohort_id=cohort.id)


@login_required
def batch_progress(request, batch_id):
    batch = batch_for_viewer(user=request.user, batch_id=batch_id)
    # Polled to its end: fetch the learners' table once more, now that it changed.
    refresh = request.headers.get("HX-Request") and batch.status not in CertificateBatch.OPEN
    return render(
        request,
        "certificates/partials/batch_progress.html",
        {**_batch_context(batch, batch.cohort), "refresh_learners": refresh},
    )


@login_required
def cohort_zip(request, cohort_id):
    cohort = cohort_for_certificates(user=request.user, cohort_id=cohort_id)
    return cohort_zip_response(cohort)
