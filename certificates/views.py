from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .apis import pdf_response, verification_result
from .models import normalise_code
from .rendering import verify_url
from .selectors import certificate_for_download, certificate_verify, certificates_of


@login_required
def my_certificates(request):
    certificates = [(c, verify_url(c.code)) for c in certificates_of(user=request.user)]
    return render(request, "certificates/my_certificates.html", {"certificates": certificates})


@login_required
def certificate_download(request, certificate_id):
    return pdf_response(certificate_for_download(user=request.user, certificate_id=certificate_id))


def verify_form(request):
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("verify", code=normalise_code(code) or code)
    return render(request, "certificates/verify_form.html")


def verify(request, code):
    certificate = certificate_verify(code=code)
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "code": code, "result": verification_result(certificate)},
        status=200 if certificate else 404,
    )
