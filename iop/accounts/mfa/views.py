"""The pages of two-step verification: the second step after the password, enrolment, the
recovery codes (shown once) and the account security page. Thin: the rules are in services."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from iop.accounts.mfa import services
from iop.accounts.mfa.forms import CodeForm
from iop.accounts.mfa.services import CodeRefused, SessionState
from iop.audit.context import AuditContext

NEW_CODES = "iop_mfa_new_recovery_codes"
CODE_HELP = "The 6-digit code your authenticator app shows now, or one of your recovery codes."


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _verified(request, device):
    """This session has passed the second step (a new session key, as at any sign-in)."""
    django_otp.login(request, device)
    request.session.cycle_key()


@login_required
@require_http_methods(["GET", "POST"])
def second_step(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    if services.session_state(request) != SessionState.PENDING:
        return redirect(_next(request))
    form = CodeForm(request.POST or None, help_text=CODE_HELP)
    if request.method == "POST" and form.is_valid():
        check = services.code_check(
            user=request.user,
            code=form.cleaned_data["code"],
            context=AuditContext.from_request(request),
        )
        if check.ok:
            _verified(request, check.device)
            if check.used_recovery_code:
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {check.recovery_codes_left} left. "
                    "Each works once: make new ones on your Account security page.",
                )
            return redirect(_next(request))
        if check.locked_until:
            logout(request)
            messages.error(request, check.message)
            return redirect("accounts:login")
        form.add_error("code", check.message)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), give a code."""
    if services.is_enrolled(request.user):
        messages.info(request, "Two-step verification is already set up for your account.")
        return redirect("accounts:security")
    context = AuditContext.from_request(request)
    device = services.enrolment_start(user=request.user, context=context)
    form = CodeForm(
        request.POST or None, help_text="The 6-digit code your authenticator app shows now."
    )
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.enrolment_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"], context=context
            )
        except CodeRefused as refusal:
            form.add_error("code", refusal.message)
        else:
            _verified(request, device)
            request.session[NEW_CODES] = codes
            messages.success(request, "Two-step verification is on.")
            return _to_new_codes(request)
    qr_svg, secret = services.provisioning(device)
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret,
            "required": services.is_required(request.user),
            "next": _next(request),
        },
    )


def _to_new_codes(request):
    url = reverse("accounts:mfa-recovery-codes")
    if request.POST.get("next") or request.GET.get("next"):
        url += "?" + urlencode({"next": _next(request)})
    return redirect(url)


@login_required
@require_safe
def recovery_codes(request):
    """The new recovery codes, once: they are not kept where they can be shown again."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        messages.info(
            request,
            "Recovery codes are shown only once. If you lost yours, make new ones here.",
        )
        return redirect("accounts:security")
    return render(
        request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def security(request):
    """Account security: MFA status, new recovery codes, removing the authenticator."""
    regenerate = CodeForm(prefix="regenerate", help_text=CODE_HELP, autofocus=False)
    remove = CodeForm(prefix="remove", help_text=CODE_HELP, autofocus=False)
    if request.method == "POST":
        context = AuditContext.from_request(request)
        action = request.POST.get("action")
        if action == "regenerate":
            regenerate = CodeForm(request.POST, prefix="regenerate", help_text=CODE_HELP)
            if regenerate.is_valid():
                try:
                    codes = services.recovery_codes_regenerate(
                        user=request.user, code=regenerate.cleaned_data["code"], context=context
                    )
                except CodeRefused as refusal:
                    regenerate.add_error("code", refusal.message)
                else:
                    request.session[NEW_CODES] = codes
                    messages.success(
                        request, "New recovery codes made; the old ones stopped working."
                    )
                    return redirect("accounts:mfa-recovery-codes")
        elif action == "remove":
            remove = CodeForm(request.POST, prefix="remove", help_text=CODE_HELP)
            if remove.is_valid():
                try:
                    services.authenticator_remove(
                        user=request.user, code=remove.cleaned_data["code"], context=context
                    )
                except CodeRefused as refusal:
                    remove.add_error("code", refusal.message)
                else:
                    messages.success(request, "Two-step verification is off for your account.")
                    return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "status": services.status_for(request.user),
            "regenerate_form": regenerate,
            "remove_form": remove,
        },
    )
