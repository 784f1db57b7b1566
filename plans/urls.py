from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("patients/<int:pk>/plan/", views.PatientPlan.as_view(), name="patient-plan"),
    path("patients/<int:pk>/plan/start/", views.PlanStart.as_view(), name="start"),
    path("patients/<int:pk>/plan/history/", views.PlanHistory.as_view(), name="history"),
    path(
        "patients/<int:pk>/plan/compare/<int:old_pk>/<int:new_pk>/",
        views.PlanCompare.as_view(),
        name="compare",
    ),
    path("patients/<int:pk>/safety-plan/", views.SafetyPlanPage.as_view(), name="safety"),
    path("patients/<int:pk>/safety-plan/edit/", views.SafetyPlanEdit.as_view(), name="safety-edit"),
    path("patients/<int:pk>/discharge/", views.Discharge.as_view(), name="discharge"),
    path("plans/<int:plan_pk>/", views.PlanDetail.as_view(), name="plan"),
    path("plans/<int:plan_pk>/edit/", views.PlanEditor.as_view(), name="edit"),
    path(
        "plans/<int:plan_pk>/add/problem/",
        views.ItemAdd.as_view(),
        {"kind": "problem"},
        name="add-problem",
    ),
    path(
        "plans/<int:plan_pk>/add/<str:kind>/<int:parent_pk>/", views.ItemAdd.as_view(), name="add"
    ),
    path(
        "plans/<int:plan_pk>/edit/<str:kind>/<int:item_pk>/",
        views.ItemEdit.as_view(),
        name="item-edit",
    ),
    path(
        "plans/<int:plan_pk>/remove/<str:kind>/<int:item_pk>/",
        views.ItemRemove.as_view(),
        name="remove",
    ),
    path(
        "plans/<int:plan_pk>/objectives/<int:objective_pk>/progress/",
        views.ProgressAdd.as_view(),
        name="progress",
    ),
    path("plans/<int:plan_pk>/sign/", views.PlanSign.as_view(), name="sign"),
    path("plans/<int:plan_pk>/revise/", views.PlanRevise.as_view(), name="revise"),
    path("plans/<int:plan_pk>/review/", views.ReviewOpen.as_view(), name="review-open"),
    path("reviews/<int:review_pk>/", views.ReviewDetail.as_view(), name="review"),
    path("plan-libraries/", views.LibraryIndex.as_view(), name="libraries"),
    path("plan-libraries/<int:program_pk>/", views.LibraryPage.as_view(), name="library"),
    path(
        "plan-libraries/<int:program_pk>/<int:entry_pk>/",
        views.LibraryEntryPage.as_view(),
        name="library-entry",
    ),
    path(
        "reviews/<int:review_pk>/autosave/",
        views.ReviewAutosave.as_view(),
        name="review-autosave",
    ),
]
