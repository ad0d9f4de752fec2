from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("daftar/", views.signup, name="signup"),
    path("verifikasi/", views.verify, name="verify"),
    path("verifikasi/kirim-ulang/", views.resend, name="resend"),
    path("masuk/", views.SignInView.as_view(), name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("keluar-semua/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("lupa-sandi/", views.reset_request, name="reset_request"),
    path("lupa-sandi/atur/", views.reset_confirm, name="reset_confirm"),
    path("profil/", views.profile, name="profile"),
    path("profil/pemberitahuan/", views.preferences, name="preferences"),
    path("profil/aktivitas/", views.activity, name="activity"),
    path("profil/unduh-data/", views.export_data, name="export"),
    path("pendamping/", views.helper, name="helper"),
    path("pendamping/kode/", views.helper_code, name="helper_code"),
    path("pendamping/berhenti/", views.helper_stop, name="helper_stop"),
    path("staf/verifikasi/", views.totp_verify, name="totp_verify"),
    path("staf/autentikator/", views.totp_setup, name="totp_setup"),
]
