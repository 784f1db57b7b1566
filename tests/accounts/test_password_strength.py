"""Passwords made of guessable patterns or taken from common-password lists are refused wherever
a password is set: Django admin's add-user and set-password forms, and the set-password path
that password reset and change use."""

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from iop.accounts.models import User
from tests.factories import PASSWORD, UserFactory

STRENGTH_CODES = {"password_too_few_characters", "password_repeated", "password_predictable"}

PATTERNED = [
    "aaaaaaaaaaaa",
    "aaaaaaaaaaaaaaaaaaaaaaaa",
    "abcdefghijkl",
    "lkjihgfedcba",
    "qwertyuiop12",
    "poiuytrewq!!",
    "asdfghjkl;12",
    "zxcvbnm,./98",
    "1qaz2wsx3edc",
    "0987654321ab",
    "12345678901234567890",
    "abababababab",
    "pass1pass1pass1",
    "clinicianclinician",  # the username, twice
    "clinician-iop-2026",  # the username and the program
    "Casey-Morgan-1990",  # the user's names
    "iopiopiopiopiop",
]
STRONG = ["correct-horse-battery-9", "x7#Kp2!mQz9w", "amber-falcon-riverbed-42", "iop-demo-2026"]
# From Django's list of common passwords, each long enough to pass the length rule.
COMMON = ["startfinding", "telechargement", "leavemealone", "password1234"]


def codes(excinfo):
    return {error.code for error in excinfo.value.error_list}


@pytest.fixture
def casey(db):
    return UserFactory(
        username="clinician", first_name="Casey", last_name="Morgan", email="cm@example.org"
    )


@pytest.mark.parametrize("weak", PATTERNED)
def test_a_patterned_password_is_refused_with_a_reason(casey, weak):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(weak, user=casey)
    assert codes(excinfo) & STRENGTH_CODES, excinfo.value.messages
    assert any("passphrase" in message for message in excinfo.value.messages)


@pytest.mark.parametrize("common", COMMON)
def test_a_common_password_is_refused(casey, common):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(common, user=casey)
    assert "password_too_common" in codes(excinfo)


@pytest.mark.parametrize("strong", STRONG)
def test_a_passphrase_or_a_random_password_is_accepted(casey, strong):
    validate_password(strong, user=casey)


def test_the_rules_are_explained_where_a_password_is_chosen(casey):
    form = SetPasswordForm(casey)
    assert "sequences (like abcd, 1234 or qwerty)" in str(form["new_password1"].help_text)


def test_the_set_password_form_refuses_a_patterned_password(casey):
    form = SetPasswordForm(
        casey, {"new_password1": "qwertyuiop12", "new_password2": "qwertyuiop12"}
    )
    assert not form.is_valid()
    assert "too easy to guess" in " ".join(form.errors["new_password2"])
    casey.refresh_from_db()
    assert casey.check_password(PASSWORD)


def test_admin_cannot_create_a_user_with_a_patterned_password(client, admin_user_role):
    client.force_login(admin_user_role)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "abcdefghijkl",
            "password2": "abcdefghijkl",
        },
    )
    assert response.status_code == 200
    assert "too easy to guess" in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_admin_creates_a_user_with_a_strong_password(client, admin_user_role):
    client.force_login(admin_user_role)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "amber-falcon-riverbed-42",
            "password2": "amber-falcon-riverbed-42",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").check_password("amber-falcon-riverbed-42")


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "1qaz2wsx3edc", "leavemealone"])
def test_admin_cannot_set_a_weak_password_on_a_user(client, admin_user_role, casey, weak):
    client.force_login(admin_user_role)
    response = client.post(
        f"/admin/accounts/user/{casey.pk}/password/",
        {"usable_password": "true", "password1": weak, "password2": weak},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    casey.refresh_from_db()
    assert casey.check_password(PASSWORD)
