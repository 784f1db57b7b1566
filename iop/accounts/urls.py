from django.urls import path

from iop.accounts import views
from iop.accounts.mfa import views as mfa_views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("keepalive/", views.keepalive, name="keepalive"),
    path("security/", mfa_views.security, name="security"),
    path("mfa/verify/", mfa_views.second_step, name="mfa-verify"),
    path("mfa/enrol/", mfa_views.enrol, name="mfa-enrol"),
    path("mfa/recovery-codes/", mfa_views.recovery_codes, name="mfa-recovery-codes"),
]
