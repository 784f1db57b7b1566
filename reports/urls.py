from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.Dashboard.as_view(), name="dashboard"),
    path("reports/dashboard.pdf", views.DashboardPdf.as_view(), name="dashboard-pdf"),
    path("reports/<slug:slug>/drill/<path:key>/", views.DrillDownPage.as_view(), name="drill"),
    path("reports/<slug:slug>/drill/<path:key>.csv", views.DrillCsv.as_view(), name="drill-csv"),
    path("reports/<slug:slug>/<str:table_key>.csv", views.TableCsv.as_view(), name="table-csv"),
]
