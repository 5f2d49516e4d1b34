"""Self-registration (ACCOUNTS_SELF_REGISTRATION): a learner's account, by the site's rules."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from accounts.services.names import full_name_clean
from lms.errors import ApplicationError, Conflict

EMAIL_MAX = 254


def email_clean(email: str) -> str:
    email = (email or "").strip().lower()
    if not email:
        raise ApplicationError(
            "Enter your e-mail address.",
            code="email_required",
            details={"email": ["Enter your e-mail address."]},
        )
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ApplicationError(
            f"“{email}” is not a valid e-mail address.",
            code="email_invalid",
            details={"email": ["Enter a valid e-mail address, such as name@hospital.org."]},
        ) from None
    if len(email) > EMAIL_MAX:
        raise ApplicationError(
            f"An e-mail address can be at most {EMAIL_MAX} characters.",
            code="email_too_long",
            details={"email": [f"At most {EMAIL_MAX} characters."]},
        )
    return email


@transaction.atomic
def account_register(*, full_name: str, email: str, password: str) -> User:
    """A learner's account whose username is the e-mail address (as roster invitations do).

    The address must be no other account's, in any case; the password passes Django's
    validators (AUTH_PASSWORD_VALIDATORS), as on every page that sets one.
    """
    name = full_name_clean(full_name)
    email = email_clean(email)
    taken = Conflict(
        "An account already uses this e-mail address. Log in, or reset its password.",
        code="email_taken",
        details={"email": ["An account already uses this address."]},
    )
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise taken
    user = User(username=email, email=email, full_name=name)
    try:
        validate_password(password, user)
    except DjangoValidationError as error:
        raise ApplicationError(
            "Choose another password.",
            code="password_invalid",
            details={"password1": error.messages},
        ) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address signed up a moment ago (username is unique)
        raise taken from None
    return user
