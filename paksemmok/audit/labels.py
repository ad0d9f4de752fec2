"""Words for the dotted audit codes and the application history's event names: the one
place pages, exports and the admin turn a code into Indonesian (English through i18n).

tests/audit/test_labels.py fails when code records an action that has no label here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_LABELS = {
    "account.registered": _("Pendaftaran akun"),
    "account.verified": _("Akun diverifikasi"),
    "account.signed_in": _("Masuk"),
    "account.signed_out": _("Keluar"),
    "account.signed_out_everywhere": _("Keluar dari semua perangkat"),
    "account.password_reset.requested": _("Permintaan kode atur ulang kata sandi"),
    "account.password.reset": _("Kata sandi diganti"),
    "account.preferences.changed": _("Pengaturan pemberitahuan diubah"),
    "account.data.exported": _("Data pribadi diunduh"),
    "account.profile.viewed": _("Profil dibuka"),
    "account.code.burned": _("Kode dibatalkan karena terlalu banyak salah"),
    "account.phone.released": _("Nomor HP dilepas dari akun yang belum diverifikasi"),
    "account.acting.requested": _("Pendamping desa meminta izin"),
    "account.acting.started": _("Pendamping desa mulai bertindak atas nama Anda"),
    "account.acting.stopped": _("Pendamping desa berhenti bertindak atas nama Anda"),
    "account.totp.enrolled": _("Autentikator dipasang"),
    "account.totp.verified": _("Verifikasi dua langkah"),
    "account.api_token.issued": _("Token API dibuat"),
    "account.deactivated": _("Akun dinonaktifkan"),
    "account.deleted": _("Akun dihapus"),
    "account.api_token.revoked": _("Token API dicabut"),
    "register.resident.corrected": _("Data penduduk dikoreksi"),
    "register.family.corrected": _("Alamat KK dikoreksi"),
    "personal_data.read": _("Data Anda dibuka petugas"),
    "applications.application.created": _("Permohonan dibuat"),
    "applications.application.corrected": _("Isian permohonan diperbaiki"),
    "applications.application.submitted": _("Permohonan dikirim"),
    "applications.application.resubmitted": _("Permohonan dikirim ulang"),
    "applications.application.cancelled": _("Permohonan dibatalkan"),
    "applications.application.review_started": _("Petugas mulai memeriksa"),
    "applications.application.review_stopped": _("Petugas melepas pemeriksaan"),
    "applications.application.returned": _("Permohonan dikembalikan untuk dilengkapi"),
    "applications.application.rejected": _("Permohonan ditolak"),
    "applications.application.approved": _("Permohonan disetujui"),
    "applications.application.completed": _("Permohonan selesai"),
    "applications.application.draft_purged": _("Draf lama dihapus"),
    "applications.document.uploaded": _("Berkas diunggah"),
    "applications.document.purged": _("Berkas lama dihapus (masa simpan habis)"),
    "appointments.booking.created": _("Janji perekaman dibuat"),
    "appointments.booking.cancelled": _("Janji perekaman dibatalkan"),
    "appointments.booking.rescheduled": _("Janji perekaman dipindah"),
    "appointments.booking.checked_in": _("Hadir untuk perekaman"),
    "appointments.booking.recorded": _("Perekaman e-KTP selesai"),
    "appointments.booking.no_show": _("Tidak hadir pada janji perekaman"),
    "appointments.booking.walk_in": _("Datang langsung untuk perekaman"),
    "appointments.booking.flagged": _("Janji perekaman ditandai"),
    "appointments.booking.unflagged": _("Tanda janji perekaman dicabut"),
    "appointments.helper.resident_selected": _("Pendamping desa memilih penduduk"),
    "appointments.jemput_bola.created": _("Jadwal jemput bola dibuat"),
    "appointments.jemput_bola.changed": _("Jadwal jemput bola diubah"),
    "appointments.jemput_bola.cancelled": _("Jadwal jemput bola dibatalkan"),
    "appointments.place.created": _("Tempat perekaman dibuat"),
    "appointments.place.changed": _("Tempat perekaman diubah"),
    "backoffice.claim.taken": _("Permohonan diambil petugas"),
    "backoffice.claim.released": _("Permohonan dilepas petugas"),
    "backoffice.claim.expired": _("Permohonan kembali ke antrean (tidak disentuh)"),
    "backoffice.claim.reassigned": _("Permohonan dialihkan ke petugas lain"),
    "backoffice.claim.missing": _("Status diperbaiki: diperiksa tanpa petugas, kembali ke antrean"),
    "backoffice.claim.stale": _("Pengambilan dilepas: permohonan tidak lagi menunggu keputusan"),
    "backoffice.claim.unmarked": _(
        "Status diperbaiki: permohonan menunggu ternyata dipegang petugas"
    ),
    "backoffice.duplicate.overridden": _("Kemungkinan data ganda dinyatakan bukan ganda"),
    "issuance.document.issued": _("Dokumen terbit"),
    "issuance.document.superseded": _("Dokumen digantikan versi baru"),
    "issuance.document.revoked": _("Dokumen dicabut"),
    "issuance.card.ordered": _("Kartu dipesan untuk dicetak"),
    "issuance.card.ready": _("Kartu siap diambil"),
    "issuance.card.collected": _("Kartu sudah diambil"),
    "notifications.message.retried": _("Pesan dikirim ulang"),
    "register.imported": _("Register diimpor"),
    "register.population.generated": _("Register contoh dibuat"),
    "register.family.created": _("KK dibuat"),
    "register.family.changed": _("Data KK diubah"),
    "register.family.opened": _("KK baru dibuka"),
    "register.family.closed": _("KK ditutup"),
    "register.family.head_changed": _("Kepala keluarga diganti"),
    "register.resident.born": _("Kelahiran dicatat"),
    "register.resident.changed": _("Data penduduk diubah"),
    "register.resident.deceased": _("Kematian dicatat"),
    "register.resident.ektp_recorded": _("Perekaman e-KTP dicatat"),
    "register.resident.marital_status": _("Status perkawinan diubah"),
    "storage.orphans.swept": _("Berkas tanpa pemilik dibersihkan"),
    "reports.export.downloaded": _("Tabel laporan diunduh"),
}

EVENT_LABELS = {
    code.removeprefix("applications.application."): label
    for code, label in AUDIT_LABELS.items()
    if code.startswith("applications.application.")
}


def audit_label(code: str) -> str:
    """The words for an audit code; an unknown code shows as a generic phrase, never raw."""
    label = AUDIT_LABELS.get(code)
    return str(label) if label is not None else str(_("Aktivitas lain"))


def event_label(code: str) -> str:
    label = EVENT_LABELS.get(code)
    return str(label) if label is not None else str(_("Aktivitas lain"))
