from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views, views_staff
from .errors import not_found
from .views_auth import TokenDetailView, TokenListView, TokenView

app_name = "api"

docs = SpectacularSwaggerSplitView.as_view(
    url_name="api:schema", template_name="api/swagger_ui.html"
)

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs, name="docs"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<int:token_id>/", TokenDetailView.as_view(), name="token-detail"),
    path("catalog/services/", views.ServiceListView.as_view(), name="services"),
    path("catalog/services/<slug:code>/", views.ServiceDetailView.as_view(), name="service"),
    path("catalog/variants/<slug:code>/", views.VariantDetailView.as_view(), name="variant"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/family/", views.FamilyView.as_view(), name="family"),
    path("applications/", views.ApplicationListView.as_view(), name="applications"),
    path(
        "applications/<str:reference>/", views.ApplicationDetailView.as_view(), name="application"
    ),
    path(
        "applications/<str:reference>/status/",
        views.ApplicationStatusView.as_view(),
        name="application-status",
    ),
    path(
        "applications/<str:reference>/deficiencies/",
        views.DeficienciesView.as_view(),
        name="application-deficiencies",
    ),
    path(
        "applications/<str:reference>/documents/",
        views.DocumentUploadView.as_view(),
        name="application-documents",
    ),
    path(
        "applications/<str:reference>/documents/<int:document_id>/",
        views.DocumentFileView.as_view(),
        name="application-document",
    ),
    path(
        "applications/<str:reference>/submit/",
        views.SubmitView.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<str:reference>/resubmit/",
        views.ResubmitView.as_view(),
        name="application-resubmit",
    ),
    path(
        "applications/<str:reference>/cancel/",
        views.CancelView.as_view(),
        name="application-cancel",
    ),
    path("appointments/places/", views.PlaceListView.as_view(), name="places"),
    path("appointments/availability/", views.AvailabilityView.as_view(), name="availability"),
    path("appointments/", views.BookingListView.as_view(), name="appointments"),
    path("appointments/<str:code>/", views.BookingDetailView.as_view(), name="appointment"),
    path(
        "appointments/<str:code>/reschedule/",
        views.RescheduleView.as_view(),
        name="appointment-reschedule",
    ),
    path(
        "appointments/<str:code>/cancel/",
        views.BookingCancelView.as_view(),
        name="appointment-cancel",
    ),
    path("documents/", views.IssuedDocumentListView.as_view(), name="documents"),
    path(
        "documents/<str:code>/file/", views.IssuedDocumentFileView.as_view(), name="document-file"
    ),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
    # Back office (staff sessions only; see permissions.IsBackofficeStaff).
    path("staff/queue/", views_staff.QueueView.as_view(), name="staff-queue"),
    path("staff/queue/take-next/", views_staff.TakeNextView.as_view(), name="staff-take-next"),
    path(
        "staff/applications/<str:reference>/",
        views_staff.ApplicationView.as_view(),
        name="staff-application",
    ),
    path(
        "staff/applications/<str:reference>/claim/",
        views_staff.ClaimView.as_view(),
        name="staff-claim",
    ),
    path(
        "staff/applications/<str:reference>/release/",
        views_staff.ReleaseView.as_view(),
        name="staff-release",
    ),
    path(
        "staff/applications/<str:reference>/decide/",
        views_staff.DecideView.as_view(),
        name="staff-decide",
    ),
    path(
        "staff/applications/<str:reference>/documents/<int:document_id>/",
        views_staff.DocumentView.as_view(),
        name="staff-document",
    ),
    # Anything else under /api/v1/ answers JSON too, not the site's HTML 404 page.
    re_path(r"^[\s\S]*$", not_found),
]
