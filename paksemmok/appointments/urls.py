from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.start, name="start"),
    path("tempat/", views.public_places, name="public_places"),
    path("pendamping/pilih/", views.choose_resident, name="choose_resident"),
    path("pendamping/selesai/", views.clear_resident, name="clear_resident"),
    path("pilih/<slug:kind>/", views.places, name="places"),
    path("tempat/<int:place_id>/", views.place_slots, name="place_slots"),
    path("janji/<str:code>/", views.detail, name="detail"),
    path("janji/<str:code>/qr.svg", views.qr_svg, name="qr"),
    path("janji/<str:code>/batal/", views.cancel, name="cancel"),
    path("staf/", views.staff_day, name="staff_day"),
    path("staf/hadir/", views.staff_check_in, name="staff_check_in"),
    path("staf/janji/<str:code>/direkam/", views.staff_recorded, name="staff_recorded"),
    path("staf/datang-langsung/", views.staff_walk_in, name="staff_walk_in"),
    path("staf/tidak-hadir/", views.staff_no_shows, name="staff_no_shows"),
    path("staf/rekap/", views.staff_figures, name="staff_figures"),
    path("staf/jemput-bola/", views.staff_events, name="staff_events"),
    path(
        "staf/jemput-bola/<int:event_id>/batal/",
        views.staff_event_cancel,
        name="staff_event_cancel",
    ),
]
