"""Two-step verification (MFA): an authenticator app (TOTP) with single-use recovery codes.

Built on django-otp: `services` holds the rules (who must enrol, checking a code, enrolment,
recovery codes, removal and reset, each audited); `middleware` holds a signed-in session back
until the second step is done (or, for those who must have it, until they enrol); `views` are
the pages; `admin_site` keeps the Django admin behind the same rule.
"""
