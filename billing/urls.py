from django.urls import path

from billing.views import reviews

app_name = "billing"
urlpatterns = [
    path(
        "patients/<int:pk>/authorizations/<int:auth_pk>/reviews/",
        reviews.ReviewList.as_view(),
        name="reviews",
    ),
    path(
        "patients/<int:pk>/authorizations/<int:auth_pk>/reviews/new/",
        reviews.ReviewCreate.as_view(),
        name="review-new",
    ),
    path(
        "patients/<int:pk>/authorizations/<int:auth_pk>/ur-packet/",
        reviews.PacketPrepare.as_view(),
        name="ur-packet",
    ),
]
