"""After sign-up verification or a password reset the sign-in form is filled in from the
session, not from `?username=<NIK>`."""

from __future__ import annotations

from tests.cast import latest_code


def test_after_a_reset_the_login_url_carries_no_nik(client, resident_user):
    nik = resident_user.username
    client.post("/akun/lupa-sandi/", {"username": nik})
    code = latest_code(resident_user, "password_reset")
    response = client.post(
        "/akun/lupa-sandi/atur/",
        {"code": code, "password1": "Sandi-Baru-Kudus-2026", "password2": "Sandi-Baru-Kudus-2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/akun/masuk/"
    page = client.get("/akun/masuk/").content.decode()
    assert f'value="{nik}"' in page
    # Only once: the next visit starts empty.
    assert f'value="{nik}"' not in client.get("/akun/masuk/").content.decode()
