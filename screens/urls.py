from django.urls import path

from screens import views

app_name = "screens"
urlpatterns = [
    path("patients/<int:pk>/screens/", views.ScreensTab.as_view(), name="chart"),
    path("patients/<int:pk>/screens/<int:order_pk>/", views.OrderDetail.as_view(), name="order"),
]
