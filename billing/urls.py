from django.urls import path

from billing.views import cards, chart, reviews, worklist

app_name = "billing"
urlpatterns = [
    path("patients/<int:pk>/billing/", chart.BillingTab.as_view(), name="chart"),
    path(
        "patients/<int:pk>/billing/coverage/new/",
        chart.CoverageCreate.as_view(),
        name="coverage-new",
    ),
    path(
        "patients/<int:pk>/billing/coverage/<int:coverage_pk>/",
        chart.CoverageEdit.as_view(),
        name="coverage",
    ),
    path(
        "patients/<int:pk>/billing/coverage/<int:coverage_pk>/card/",
        cards.CardDownload.as_view(),
        name="card",
    ),
    path(
        "patients/<int:pk>/billing/authorizations/new/",
        chart.AuthorizationCreate.as_view(),
        name="authorization-new",
    ),
    path(
        "patients/<int:pk>/billing/authorizations/<int:authorization_pk>/",
        chart.AuthorizationEdit.as_view(),
        name="authorization",
    ),
    path("billing/authorizations/", worklist.AuthorizationWorklist.as_view(), name="worklist"),
    path(
        "patients/<int:pk>/billing/authorizations/<int:auth_pk>/reviews/",
        reviews.ReviewList.as_view(),
        name="reviews",
    ),
    path(
        "patients/<int:pk>/billing/authorizations/<int:auth_pk>/reviews/new/",
        reviews.ReviewCreate.as_view(),
        name="review-new",
    ),
    path(
        "patients/<int:pk>/billing/authorizations/<int:auth_pk>/ur-packet/",
        reviews.PacketPrepare.as_view(),
        name="ur-packet",
    ),
]
